/**
 * One supervisor channel per run, routed to the branch that is running. The
 * OpenClaw plugin connects over a Unix socket in a private 0700 folder and
 * proves itself with the run's secret; its before_tool_call is answered only
 * after the snapshot is taken. Refused messages are reported.
 */
import { mkdirSync } from 'node:fs';
import { startSupervisorServer, type SupervisorServer } from '../bridge/openclaw';
import type { Scrubber } from '../redact';
import { socketDirOf } from './leftovers';
import type { AfterToolCall, BeforeToolCall } from './toolSupervision';

export interface BranchHandlers {
  before(req: BeforeToolCall): Promise<{ allow: boolean; reason?: string }>;
  after(res: AfterToolCall): Promise<void>;
}

export interface BranchChannel {
  endpoint: { socketPath: string; secret: string };
  connected(): boolean;
  close(): void;
}

/** A folder per run (removed when the run ends, or when a killed run is sealed: see leftovers.ts). */
function socketParent(nc: string, runId: string): string {
  const dir = socketDirOf(nc, runId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export class SupervisorHub {
  private current: { branchId: string; handlers: BranchHandlers; loaded: boolean } | null = null;
  rejected = 0;

  private constructor(private server: SupervisorServer | null) {}

  static async start(nc: string, runId: string, scrubber: Scrubber, onRejected?: (reason: string) => void): Promise<SupervisorHub> {
    const hub = new SupervisorHub(null);
    hub.server = await startSupervisorServer({
      parentDir: socketParent(nc, runId),
      handlers: {
        onBeforeToolCall: async (req) => {
          const c = hub.current;
          if (!c) return { allow: false, reason: 'No NemoCognition branch is running.' };
          c.loaded = true;
          return c.handlers.before({ toolName: req.toolName, params: req.params, toolCallId: String(req.toolCallId ?? '') });
        },
        onAfterToolCall: async (res) => {
          const c = hub.current;
          if (!c) return;
          const r = res as unknown as { toolName: string; toolCallId?: string; params?: unknown; result?: unknown; error?: string | null; durationMs?: number | null };
          await c.handlers.after({ toolName: r.toolName, toolCallId: String(r.toolCallId ?? ''), params: r.params, result: r.result, error: r.error ?? null, durationMs: r.durationMs ?? null });
        },
        onPluginLoaded: () => {
          if (hub.current) hub.current.loaded = true;
        },
        onRejected: (info) => {
          hub.rejected++;
          onRejected?.(`supervisor channel refused a ${info.type ?? 'message'}: ${info.reason}`);
        },
      },
    });
    scrubber.addSecret(hub.server.secret, 'supervisor-secret');
    return hub;
  }

  bind(branchId: string, handlers: BranchHandlers): BranchChannel {
    const entry = { branchId, handlers, loaded: false };
    this.current = entry;
    const server = this.server!;
    return {
      endpoint: { socketPath: server.socketPath, secret: server.secret },
      connected: () => entry.loaded,
      close: () => {
        if (this.current === entry) this.current = null;
      },
    };
  }

  /** The private folder holding the socket: the sandbox must be able to see it. */
  get socketDir(): string {
    return this.server!.dir;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }
}
