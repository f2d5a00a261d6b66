import { AGENT_ID, type OpenClawPaths } from './config';
import { ENV_HOOK_TIMEOUT, ENV_SECRET, ENV_SECRET_FILE, ENV_SOCKET } from './plugin/protocol';
import type { AgentRuntime } from './runtime';

/**
 * Every OpenClaw command line NemoCognition runs is built here, and only
 * here. The env is built from scratch (never the caller's whole env), so the
 * user's own keys and sockets do not leak into the agent process.
 */

export type ThinkingLevel = 'off' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'adaptive' | 'max' | 'ultra';
/** Levels `openclaw agent --thinking` accepts in 2026.9.6 (from its --help). */
export const THINKING_LEVELS: readonly ThinkingLevel[] = ['off', 'minimal', 'low', 'medium', 'high', 'xhigh', 'adaptive', 'max', 'ultra'];

/**
 * The thinking level to pass for a provider, or undefined when OpenClaw would
 * refuse it (it exits with "Thinking level ... is not supported" otherwise):
 * off always; minimal..high need `reasoning`; adaptive, xhigh, max, ultra
 * must also be listed in `reasoningEfforts`.
 */
export function supportedThinking(provider: { reasoning?: boolean; reasoningEfforts?: string[] }, requested: ThinkingLevel | undefined): ThinkingLevel | undefined {
  if (!requested || requested === 'off') return requested;
  if (!provider.reasoning) return undefined;
  if (['minimal', 'low', 'medium', 'high'].includes(requested)) return requested;
  return provider.reasoningEfforts?.includes(requested) ? requested : undefined;
}

export interface AgentCommand {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface AgentTurnSpec {
  runtime: AgentRuntime;
  paths: OpenClawPaths;
  sessionId: string;
  task: string;
  /** Which configured agent runs the turn (`--agent`); default "main". */
  agentId?: string;
  thinking?: ThinkingLevel;
  /** OpenClaw's own turn timeout (`--timeout`, seconds); NemoCognition's runner has its own as well. */
  timeoutSeconds?: number;
  /** `secretFile` (read and deleted by the plugin on load) is preferred to passing `secret` in the env. */
  supervisor?: { socketPath: string; secret: string; secretFile?: string; timeoutMs?: number };
  /** PATH for the agent and its tools (default: the caller's PATH, else /usr/local/bin:/usr/bin:/bin). */
  path?: string;
  /** Extra variables (e.g. a locale); cannot override the ones this module sets. */
  extraEnv?: Record<string, string>;
}

const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function checkedAgentId(agentId = 'main'): string {
  if (!AGENT_ID.test(agentId)) throw new Error(`Invalid OpenClaw agent id "${agentId}": use lowercase letters, digits and dashes, starting with a letter.`);
  return agentId;
}

export function buildAgentCommand(spec: AgentTurnSpec): AgentCommand {
  if (!SESSION_ID.test(spec.sessionId)) throw new Error(`Invalid OpenClaw session id "${spec.sessionId}": use letters, digits, ".", "_" or "-" (at most 128).`);
  if (!spec.task.trim()) throw new Error('The task for the agent is empty.');
  const agentId = checkedAgentId(spec.agentId);
  const argv = [spec.runtime.nodeBin, spec.runtime.openclawEntry, 'agent', '--local', '--agent', agentId, '--json', '--session-id', spec.sessionId, '-m', spec.task];
  if (spec.thinking) {
    if (!THINKING_LEVELS.includes(spec.thinking)) throw new Error(`Unknown thinking level "${spec.thinking}" (use one of ${THINKING_LEVELS.join(', ')}).`);
    argv.push('--thinking', spec.thinking);
  }
  if (spec.timeoutSeconds !== undefined) argv.push('--timeout', String(Math.max(1, Math.ceil(spec.timeoutSeconds))));
  return { argv, env: agentEnv(spec), cwd: spec.paths.workspaceDir };
}

export function agentEnv(spec: Pick<AgentTurnSpec, 'paths' | 'supervisor' | 'path' | 'extraEnv'>): Record<string, string> {
  const env: Record<string, string> = {
    ...(spec.extraEnv ?? {}),
    PATH: spec.path ?? process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: spec.paths.homeDir,
    TMPDIR: spec.paths.tmpDir,
    LANG: spec.extraEnv?.LANG ?? 'C.UTF-8',
    NO_COLOR: '1',
    OPENCLAW_CONFIG_PATH: spec.paths.configPath,
    OPENCLAW_STATE_DIR: spec.paths.stateDir,
    // Without it every tool result starts with a denied write to /proc/self/oom_score_adj inside a sandbox.
    OPENCLAW_CHILD_OOM_SCORE_ADJ: '0',
  };
  if (spec.supervisor) {
    env[ENV_SOCKET] = spec.supervisor.socketPath;
    if (spec.supervisor.secretFile) env[ENV_SECRET_FILE] = spec.supervisor.secretFile;
    else env[ENV_SECRET] = spec.supervisor.secret;
    if (spec.supervisor.timeoutMs) env[ENV_HOOK_TIMEOUT] = String(spec.supervisor.timeoutMs);
  }
  return env;
}

/** `openclaw --version` with the run's env: a cheap check that the runtime starts. */
export function buildVersionCommand(runtime: AgentRuntime, paths: OpenClawPaths): AgentCommand {
  return { argv: [runtime.nodeBin, runtime.openclawEntry, '--version'], env: agentEnv({ paths }), cwd: paths.workspaceDir };
}

/** OpenClaw's session key for `agent --agent <agent> --session-id <id>` (seen in hook contexts and envelopes: agent:main:explicit:<id>). */
export function sessionKeyFor(sessionId: string, agentId = 'main'): string {
  return `agent:${checkedAgentId(agentId)}:explicit:${sessionId}`;
}

/**
 * `openclaw sessions export-trajectory`: writes a redacted bundle (events.jsonl,
 * tools.json, ...) under `<exportRoot>/.openclaw/trajectory-exports/<name>`.
 * `exportRoot` should be a private folder: by default OpenClaw would write
 * into the current directory, i.e. the agent's workspace.
 */
export function buildExportTrajectoryCommand(runtime: AgentRuntime, paths: OpenClawPaths, sessionId: string, exportRoot: string, name: string, agentId = 'main'): AgentCommand {
  if (!SESSION_ID.test(sessionId)) throw new Error(`Invalid OpenClaw session id "${sessionId}".`);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name)) throw new Error(`Invalid export name "${name}".`);
  return {
    argv: [runtime.nodeBin, runtime.openclawEntry, 'sessions', 'export-trajectory', '--agent', checkedAgentId(agentId), '--session-key', sessionKeyFor(sessionId, agentId), '--workspace', exportRoot, '--output', name, '--json'],
    env: agentEnv({ paths }),
    cwd: exportRoot,
  };
}
