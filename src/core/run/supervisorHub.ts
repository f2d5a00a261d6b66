/**
 * One supervisor channel per run, routed to the branch that is running. The
 * OpenClaw plugin connects over a Unix socket in a private 0700 folder and
 * proves itself with a secret that changes at every agent start, so a hello
 * or a request always comes from the current agent process. Its
 * before_tool_call is answered only after the snapshot is taken, and only in
 * plugin mode (see supervisionMode.ts). Refused messages are reported.
 */
import { mkdirSync } from 'node:fs';
import { startSupervisorServer, type SupervisorServer } from '../bridge/openclaw';
import { toolCallIdsMatch } from '../gateway/tool-ids';
import type { Scrubber } from '../redact';
import { socketDirOf } from './leftovers';
import type { BranchSupervision } from './supervisionMode';
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

/** A folder per run (removed when the run ends, or when a killed run is sealed: see leftovers.ts); the gateway's socket folder goes there too. */
export function runSocketParent(nc: string, runId: string): string {
  const dir = socketDirOf(nc, runId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

interface Current {
  branchId: string;
  handlers: BranchHandlers;
  supervision: BranchSupervision;
}

export class SupervisorHub {
  private current: Current | null = null;
  rejected = 0;

  private constructor(
    private server: SupervisorServer | null,
    private readonly scrubber: Scrubber,
  ) {}

  static async start(nc: string, runId: string, scrubber: Scrubber, onRejected?: (reason: string) => void): Promise<SupervisorHub> {
    const hub = new SupervisorHub(null, scrubber);
    hub.server = await startSupervisorServer({
      parentDir: runSocketParent(nc, runId),
      handlers: {
        onBeforeToolCall: async (req) => {
          const c = hub.current;
          if (!c) return { allow: false, reason: 'No NemoCognition branch is running.' };
          const id = String(req.toolCallId ?? '');
          const mode = await c.supervision.decide();
          if (mode === 'gateway-only') {
            // The gateway already snapshotted and decided this call before the agent saw it.
            const known = [...c.supervision.gatewayAllowed].some((g) => toolCallIdsMatch(g, id));
            return known ? { allow: true } : { allow: false, reason: 'NemoCognition supervises this run at the model gateway only, and this call did not pass through it.' };
          }
          return c.handlers.before({ toolName: req.toolName, params: req.params, toolCallId: id });
        },
        onAfterToolCall: async (res) => {
          const c = hub.current;
          if (!c || c.supervision.mode !== 'plugin') return;
          const r = res as unknown as { toolName: string; toolCallId?: string; params?: unknown; result?: unknown; error?: string | null; durationMs?: number | null };
          await c.handlers.after({ toolName: r.toolName, toolCallId: String(r.toolCallId ?? ''), params: r.params, result: r.result, error: r.error ?? null, durationMs: r.durationMs ?? null });
        },
        onPluginLoaded: (info) => {
          hub.current?.supervision.onHello({ pid: info.pid, ...(info.sha256 ? { sha256: info.sha256 } : {}), at: Date.now() });
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

  /** Routes the channel to a branch, with a fresh secret for the agent process about to start. */
  bind(branchId: string, handlers: BranchHandlers, supervision: BranchSupervision): BranchChannel {
    const entry: Current = { branchId, handlers, supervision };
    const server = this.server!;
    const secret = server.rotateSecret();
    this.scrubber.addSecret(secret, 'supervisor-secret');
    this.current = entry;
    return {
      endpoint: { socketPath: server.socketPath, secret },
      connected: () => supervision.mode === 'plugin',
      close: () => {
        if (this.current === entry) {
          this.current = null;
          server.rotateSecret(); // nothing of the ended agent is heard any more
        }
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
