/**
 * NemoCognition's supervisor plugin for OpenClaw. Runs inside the agent's own
 * (Node 24) process, bundled to dist/openclaw-plugin/index.mjs: node built-ins
 * only, ESM default export `{ id, register(api) }`.
 *
 * before_tool_call: asks the supervisor (over a Unix socket) whether the call
 * may run, after it took its pre-call snapshot; blocks with the reason when
 * it may not. Fails CLOSED: no channel, a refused connection, a bad reply or
 * a timeout all block the call. OpenClaw itself treats a throwing or slow
 * (15 s default) before_tool_call handler as "allow", so this handler never
 * throws and answers before OpenClaw's own hook timeout.
 *
 * after_tool_call: reports result, error and duration (best effort).
 */
import { connect } from 'node:net';
import { readFileSync, unlinkSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  ENV_HOOK_TIMEOUT,
  ENV_SECRET,
  ENV_SECRET_FILE,
  ENV_SOCKET,
  MAX_LINE_BYTES,
  MAX_RESULT_CHARS,
  SUPERVISOR_PLUGIN_ID,
  SUPERVISOR_PROTOCOL_VERSION,
  encodeLine,
  type AfterToolCallMessage,
  type BeforeToolCallMessage,
  type DecisionReply,
  type PluginMessage,
  type ToolCallContext,
} from './protocol';

/** Structural subset of OpenClaw's plugin API that this plugin uses (2026.9.6). */
interface ToolHookEvent {
  toolName: string;
  params: Record<string, unknown>;
  runId?: string;
  toolCallId?: string;
  derivedPaths?: readonly string[];
  result?: unknown;
  error?: string;
  durationMs?: number;
}
interface ToolHookContext {
  toolName?: string;
  agentId?: string;
  sessionKey?: string;
  sessionId?: string;
  runId?: string;
  toolCallId?: string;
  trace?: { traceId?: string };
}
interface BlockResult {
  block: true;
  blockReason: string;
}
interface PluginApi {
  pluginConfig?: Record<string, unknown>;
  logger?: { warn?: (msg: string) => void; info?: (msg: string) => void };
  on(
    hook: 'before_tool_call' | 'after_tool_call',
    handler: (event: ToolHookEvent, ctx: ToolHookContext) => Promise<BlockResult | void> | void,
    opts?: { timeoutMs?: number; priority?: number },
  ): void;
}

export interface ChannelConfig {
  socketPath?: string;
  secret?: string;
  /** How long a before_tool_call may wait for the supervisor (snapshots included). */
  timeoutMs: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const AFTER_TIMEOUT_MS = 10_000;

/**
 * Reads the channel from the plugin's config and the process env, then
 * removes the secret from the env so that tool processes spawned later by
 * OpenClaw do not inherit it.
 */
export function readChannelConfig(pluginConfig: Record<string, unknown> | undefined, env: NodeJS.ProcessEnv): ChannelConfig {
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  // OpenClaw calls register() several times per process (discovery, then the
  // real load), possibly on fresh module instances: keep what the first call
  // read from the env on globalThis, which child processes do not inherit.
  const store = globalThis as unknown as Record<symbol, { socketPath?: string; secret?: string } | undefined>;
  const kept = store[CHANNEL_KEY] ?? {};
  const socketPath = str(env[ENV_SOCKET]) ?? kept.socketPath ?? str(pluginConfig?.socketPath);
  const secret = readSecretFileOnce(str(env[ENV_SECRET_FILE])) ?? str(env[ENV_SECRET]) ?? kept.secret ?? str(pluginConfig?.secret);
  store[CHANNEL_KEY] = { socketPath, secret };
  const t = Number(env[ENV_HOOK_TIMEOUT] ?? pluginConfig?.timeoutMs);
  delete env[ENV_SECRET];
  delete env[ENV_SECRET_FILE];
  delete env[ENV_SOCKET];
  return { socketPath, secret, timeoutMs: Number.isFinite(t) && t > 0 ? t : DEFAULT_TIMEOUT_MS };
}

const CHANNEL_KEY = Symbol.for('nemocog.supervisor.channel');

/** Reads the secret file and deletes it, so no tool started later can read it. */
function readSecretFileOnce(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    const secret = readFileSync(path, 'utf8').trim();
    unlinkSync(path);
    return secret || undefined;
  } catch {
    return undefined; // already consumed by an earlier register() call
  }
}

/** Sends one message and resolves with the parsed reply line; rejects on any failure or timeout. */
export function request(socketPath: string, msg: PluginMessage, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const sock = connect(socketPath);
    let buf = '';
    let done = false;
    const finish = (err: Error | undefined, value?: Record<string, unknown>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(value ?? {});
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(encodeLine(msg)));
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > MAX_LINE_BYTES) return finish(new Error('reply too large'));
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      try {
        const parsed: unknown = JSON.parse(buf.slice(0, nl));
        if (!parsed || typeof parsed !== 'object') throw new Error('reply is not an object');
        finish(undefined, parsed as Record<string, unknown>);
      } catch (e) {
        finish(new Error(`unreadable reply (${(e as Error).message})`));
      }
    });
    sock.on('error', (e) => finish(e));
    sock.on('close', () => finish(new Error('connection closed before a reply')));
  });
}

function context(event: ToolHookEvent, ctx: ToolHookContext): ToolCallContext {
  return {
    toolName: event.toolName,
    params: event.params ?? {},
    toolCallId: event.toolCallId ?? ctx.toolCallId,
    runId: event.runId ?? ctx.runId,
    sessionId: ctx.sessionId,
    sessionKey: ctx.sessionKey,
    agentId: ctx.agentId,
    traceId: ctx.trace?.traceId,
  };
}

function boundedResult(result: unknown): { result?: unknown; resultTruncated?: boolean } {
  if (result === undefined) return {};
  let text: string;
  try {
    text = JSON.stringify(result);
  } catch {
    return { result: String(result).slice(0, MAX_RESULT_CHARS), resultTruncated: true };
  }
  if (text === undefined) return {};
  if (text.length <= MAX_RESULT_CHARS) return { result };
  return { result: { truncatedJson: text.slice(0, MAX_RESULT_CHARS) }, resultTruncated: true };
}

const block = (reason: string): BlockResult => ({ block: true, blockReason: `Blocked by NemoCognition: ${reason}` });

/** The before_tool_call decision, exported for tests. Never throws. */
export async function decide(cfg: ChannelConfig, event: ToolHookEvent, ctx: ToolHookContext): Promise<BlockResult | undefined> {
  if (!cfg.socketPath || !cfg.secret) return block('the supervisor channel is not configured, so no tool may run unsupervised.');
  const msg: BeforeToolCallMessage = {
    type: 'before_tool_call',
    v: SUPERVISOR_PROTOCOL_VERSION,
    id: randomUUID(),
    secret: cfg.secret,
    ...context(event, ctx),
    ...(event.derivedPaths ? { derivedPaths: [...event.derivedPaths] } : {}),
  };
  try {
    const reply = (await request(cfg.socketPath, msg, cfg.timeoutMs)) as Partial<DecisionReply>;
    if (reply.id !== msg.id) return block('the supervisor answered a different request.');
    if (reply.allow === true) return undefined;
    return block(typeof reply.reason === 'string' && reply.reason ? reply.reason : 'the supervisor refused this call.');
  } catch (e) {
    return block(`the supervisor could not be reached (${(e as Error).message}), so the call was not run.`);
  }
}

export async function report(cfg: ChannelConfig, event: ToolHookEvent, ctx: ToolHookContext): Promise<void> {
  if (!cfg.socketPath || !cfg.secret) return;
  const msg: AfterToolCallMessage = {
    type: 'after_tool_call',
    v: SUPERVISOR_PROTOCOL_VERSION,
    id: randomUUID(),
    secret: cfg.secret,
    ...context(event, ctx),
    ...boundedResult(event.result),
    ...(event.error !== undefined ? { error: String(event.error) } : {}),
    ...(typeof event.durationMs === 'number' ? { durationMs: event.durationMs } : {}),
  };
  try {
    await request(cfg.socketPath, msg, AFTER_TIMEOUT_MS);
  } catch {
    // Best effort: the supervisor also learns results from the next model request.
  }
}

/** sha256 of this module's file as loaded: the supervisor compares it with the bundled plugin's. */
function ownSha256(): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex');
  } catch {
    return undefined;
  }
}

const plugin = {
  id: SUPERVISOR_PLUGIN_ID,
  name: 'NemoCognition supervisor',
  register(api: PluginApi): void {
    const cfg = readChannelConfig(api.pluginConfig, process.env);
    if (cfg.socketPath && cfg.secret) {
      const sha256 = ownSha256();
      const hello: PluginMessage = { type: 'plugin_loaded', v: SUPERVISOR_PROTOCOL_VERSION, id: randomUUID(), secret: cfg.secret, pluginId: SUPERVISOR_PLUGIN_ID, pid: process.pid, ...(sha256 ? { sha256 } : {}) };
      request(cfg.socketPath, hello, AFTER_TIMEOUT_MS).catch(() => undefined);
    } else {
      api.logger?.warn?.('[nemocog-supervisor] no supervisor channel configured: every tool call will be blocked.');
    }
    // OpenClaw's own timeout must outlast ours, or it would fail open.
    api.on('before_tool_call', (event, ctx) => decide(cfg, event, ctx), { timeoutMs: cfg.timeoutMs + 30_000, priority: 1000 });
    api.on('after_tool_call', (event, ctx) => report(cfg, event, ctx), { timeoutMs: AFTER_TIMEOUT_MS + 5_000 });
  },
};

export default plugin;
