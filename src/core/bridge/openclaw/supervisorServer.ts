import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MAX_LINE_BYTES,
  SUPERVISOR_PROTOCOL_VERSION,
  encodeLine,
  type AfterToolCallMessage,
  type BeforeToolCallMessage,
  type PluginLoadedMessage,
} from './plugin/protocol';

/**
 * Host side of the supervisor channel: a Unix socket in a fresh 0700 folder.
 * Every message must carry the run's secret; anything else is refused and
 * reported through `onRejected`. A before_tool_call whose handler throws or
 * is malformed is answered "not allowed" (supervised means supervised).
 */

export type BeforeToolCallRequest = Omit<BeforeToolCallMessage, 'secret' | 'v' | 'type' | 'id'>;
export type AfterToolCallReport = Omit<AfterToolCallMessage, 'secret' | 'v' | 'type' | 'id'>;
export type PluginLoadedInfo = Omit<PluginLoadedMessage, 'secret' | 'v' | 'type' | 'id'>;

export interface ToolDecision {
  allow: boolean;
  reason?: string;
}

export interface RejectedMessage {
  reason: 'bad-secret' | 'malformed' | 'too-large' | 'unknown-type';
  type?: string;
  /** First bytes of the offending line (never includes the expected secret). */
  preview: string;
}

export interface SupervisorHandlers {
  onBeforeToolCall(req: BeforeToolCallRequest): Promise<ToolDecision>;
  onAfterToolCall?(res: AfterToolCallReport): Promise<void> | void;
  onPluginLoaded?(info: PluginLoadedInfo): void;
  onRejected?(info: RejectedMessage): void;
}

export interface SupervisorServerOptions {
  handlers: SupervisorHandlers;
  /** Secret to require; a fresh random one by default. */
  secret?: string;
  /** Parent of the private socket folder (default: the OS temp dir). */
  parentDir?: string;
}

export interface SupervisorServer {
  socketPath: string;
  /** The secret messages must carry now (see rotateSecret). */
  readonly secret: string;
  /**
   * Replaces the secret: from now on only a plugin given the new one is heard.
   * Called for every agent start, so that a message (a hello included) always
   * comes from the current agent process, never from an earlier one.
   */
  rotateSecret(next?: string): string;
  dir: string;
  stats: { accepted: number; rejected: number };
  close(): Promise<void>;
}

const IDLE_MS = 30_000;

export async function startSupervisorServer(opts: SupervisorServerOptions): Promise<SupervisorServer> {
  let secret = opts.secret ?? randomBytes(32).toString('hex');
  const dir = mkdtempSync(join(opts.parentDir ?? tmpdir(), 'nc-sup-'));
  chmodSync(dir, 0o700);
  const socketPath = join(dir, 'supervisor.sock');
  const stats = { accepted: 0, rejected: 0 };
  const sockets = new Set<Socket>();
  const { handlers } = opts;

  const reject = (sock: Socket, info: RejectedMessage, id: unknown) => {
    stats.rejected++;
    try {
      handlers.onRejected?.(info);
    } catch {
      // a reporting failure must not keep the channel from refusing
    }
    const reply = typeof id === 'string' ? { id, allow: false, ok: false, error: `refused: ${info.reason}` } : { ok: false, error: `refused: ${info.reason}` };
    sock.end(encodeLine(reply));
  };

  async function handleLine(sock: Socket, line: string): Promise<void> {
    let msg: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      msg = parsed as Record<string, unknown>;
    } catch {
      return reject(sock, { reason: 'malformed', preview: line.slice(0, 80) }, undefined);
    }
    const type = typeof msg.type === 'string' ? msg.type : undefined;
    if (!secretMatches(msg.secret, secret)) return reject(sock, { reason: 'bad-secret', type, preview: type ?? '' }, msg.id);
    if (typeof msg.id !== 'string' || msg.v !== SUPERVISOR_PROTOCOL_VERSION) return reject(sock, { reason: 'malformed', type, preview: type ?? '' }, msg.id);
    const { secret: _s, v: _v, type: _t, id, ...rest } = msg;
    void _s;
    void _v;
    void _t;

    if (type === 'before_tool_call') {
      if (typeof rest.toolName !== 'string' || !rest.params || typeof rest.params !== 'object') {
        return reject(sock, { reason: 'malformed', type, preview: 'before_tool_call without toolName/params' }, id);
      }
      stats.accepted++;
      let decision: ToolDecision;
      try {
        const d = await handlers.onBeforeToolCall(rest as unknown as BeforeToolCallRequest);
        decision = d && typeof d.allow === 'boolean' ? d : { allow: false, reason: 'the supervisor gave no decision.' };
      } catch (e) {
        decision = { allow: false, reason: `the supervisor failed while checking this call (${(e as Error).message}).` };
      }
      sock.end(encodeLine({ id, allow: decision.allow, ...(decision.reason ? { reason: decision.reason } : {}) }));
      return;
    }
    if (type === 'after_tool_call') {
      stats.accepted++;
      sock.end(encodeLine({ id, ok: true }));
      try {
        await handlers.onAfterToolCall?.(rest as unknown as AfterToolCallReport);
      } catch {
        // reporting is best effort; the TOOL span can still close from the gateway side
      }
      return;
    }
    if (type === 'plugin_loaded') {
      stats.accepted++;
      sock.end(encodeLine({ id, ok: true }));
      handlers.onPluginLoaded?.(rest as unknown as PluginLoadedInfo);
      return;
    }
    return reject(sock, { reason: 'unknown-type', type, preview: type ?? '' }, id);
  }

  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    sock.setEncoding('utf8');
    // A client that connects and never finishes its line is dropped; once the
    // line is in, the handler (a snapshot, maybe) may take as long as it needs.
    sock.setTimeout(IDLE_MS, () => sock.destroy());
    let buf = '';
    let handled = false;
    sock.on('data', (chunk: string) => {
      if (handled) return;
      buf += chunk;
      if (buf.length > MAX_LINE_BYTES) {
        handled = true;
        reject(sock, { reason: 'too-large', preview: buf.slice(0, 40) }, undefined);
        return;
      }
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      handled = true;
      sock.setTimeout(0);
      void handleLine(sock, buf.slice(0, nl));
    });
  });

  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);

  return {
    socketPath,
    get secret() {
      return secret;
    },
    rotateSecret(next?: string) {
      secret = next ?? randomBytes(32).toString('hex');
      return secret;
    },
    dir,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

function secretMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
