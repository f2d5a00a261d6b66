/**
 * Wire protocol between the supervisor plugin (inside the OpenClaw process)
 * and NemoCognition's supervisor server: newline-delimited JSON over a Unix
 * domain socket, one connection per message, one reply line per message.
 * Types only plus two tiny helpers, so the plugin bundle stays self-contained.
 */

export const SUPERVISOR_PROTOCOL_VERSION = 1;

/** Env vars through which the runner hands the channel to the OpenClaw process (and only to it). */
export const ENV_SOCKET = 'NEMOCOG_SUPERVISOR_SOCKET';
export const ENV_SECRET = 'NEMOCOG_SUPERVISOR_SECRET';
/**
 * Preferred over ENV_SECRET: a file holding the secret, which the plugin reads
 * and deletes when it loads, before any tool runs. An env var stays readable
 * in /proc/<pid>/environ by the agent's own tools even after it is deleted
 * from process.env; a deleted file does not.
 */
export const ENV_SECRET_FILE = 'NEMOCOG_SUPERVISOR_SECRET_FILE';
export const ENV_HOOK_TIMEOUT = 'NEMOCOG_SUPERVISOR_TIMEOUT_MS';

/** Plugin id, also the key of its entry in OpenClaw's `plugins.entries`. */
export const SUPERVISOR_PLUGIN_ID = 'nemocog-supervisor';

interface Base {
  v: number;
  /** Random per-message id, echoed in the reply. */
  id: string;
  secret: string;
}

/** Context OpenClaw gives every tool hook (PluginHookToolContext, subset). */
export interface ToolCallContext {
  toolName: string;
  params: Record<string, unknown>;
  toolCallId?: string;
  runId?: string;
  sessionId?: string;
  sessionKey?: string;
  agentId?: string;
  /** W3C trace id of OpenClaw's run, when it has one. */
  traceId?: string;
}

export interface BeforeToolCallMessage extends Base, ToolCallContext {
  type: 'before_tool_call';
  /** OpenClaw's best-effort list of paths the call touches (apply_patch and similar). */
  derivedPaths?: string[];
}

export interface AfterToolCallMessage extends Base, ToolCallContext {
  type: 'after_tool_call';
  result?: unknown;
  error?: string;
  durationMs?: number;
  /** True when `result` was cut to keep messages bounded. */
  resultTruncated?: boolean;
}

export interface PluginLoadedMessage extends Base {
  type: 'plugin_loaded';
  pluginId: string;
  pid: number;
  /** sha256 (hex) of the plugin's own module file as loaded, checked against the bundled one. */
  sha256?: string;
}

export type PluginMessage = BeforeToolCallMessage | AfterToolCallMessage | PluginLoadedMessage;

export interface DecisionReply {
  id: string;
  allow: boolean;
  reason?: string;
}

export interface AckReply {
  id: string;
  ok: boolean;
  error?: string;
}

export type ServerReply = DecisionReply | AckReply;

/** Longest line either side accepts; results are cut well below it. */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;
export const MAX_RESULT_CHARS = 1024 * 1024;

export function encodeLine(msg: unknown): string {
  return `${JSON.stringify(msg)}\n`;
}
