import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SUPERVISOR_PLUGIN_ID } from './plugin/protocol';

/**
 * Writes the private OpenClaw setup of one agent run: its config (a single
 * OpenAI-compatible provider, the workspace, no bootstrap files, the
 * supervisor plugin), and the folders OpenClaw writes (state, HOME, TMPDIR).
 * The provider's key is whatever the caller passes: NemoCognition passes its
 * gateway's per-run secret, never the user's real model key.
 */

export interface ProviderSpec {
  /** Provider id in OpenClaw's config (default "nemocog"). */
  id?: string;
  /** OpenAI-compatible base URL, e.g. http://127.0.0.1:PORT/v1 */
  baseUrl: string;
  apiKey: string;
  model: string;
  contextWindow?: number;
  maxTokens?: number;
  /** The model reasons: unlocks `--thinking` off/minimal/low/medium/high. */
  reasoning?: boolean;
  /** Extra reasoning efforts the endpoint accepts (OpenClaw's `compat.supportedReasoningEfforts`), e.g. ["adaptive"] for Nemotron on NIM. */
  reasoningEfforts?: string[];
}

export interface PluginSpec {
  /** The bundled plugin module (dist/openclaw-plugin/index.mjs). */
  entryFile: string;
  socketPath: string;
  /** How long one before_tool_call may wait for the supervisor. */
  timeoutMs?: number;
}

export interface OpenClawSetupInput {
  /** Private folder of this run (config, state, home, tmp, plugin live under it). */
  rootDir: string;
  workspaceDir: string;
  provider: ProviderSpec;
  /** Omit only for unsupervised runs (tests of the bridge itself). */
  plugin?: PluginSpec;
  /**
   * Several agents (ids for `--agent`) sharing the workspace, each with its
   * own agent folder and sessions. Omit for the single default agent "main".
   */
  agents?: string[];
}

export const AGENT_ID = /^[a-z][a-z0-9-]{0,31}$/;

export interface OpenClawPaths {
  rootDir: string;
  configPath: string;
  stateDir: string;
  homeDir: string;
  tmpDir: string;
  workspaceDir: string;
  pluginDir?: string;
  /** `<provider>/<model>`, as OpenClaw names the model. */
  modelRef: string;
  /** OpenClaw's transcript database for agent "main" (transcriptDbOf for another agent). */
  transcriptDb: string;
  logFile: string;
}

export const DEFAULT_PROVIDER_ID = 'nemocog';

export function buildOpenClawConfig(input: OpenClawSetupInput, pluginDir?: string, logFile?: string): Record<string, unknown> {
  const p = input.provider;
  const id = p.id ?? DEFAULT_PROVIDER_ID;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new Error(`Provider id "${id}" must be lowercase letters, digits and dashes.`);
  const model: Record<string, unknown> = { id: p.model, name: p.model, reasoning: p.reasoning ?? false, input: ['text'] };
  if (p.contextWindow) model.contextWindow = p.contextWindow;
  if (p.maxTokens) model.maxTokens = p.maxTokens;
  if (p.reasoningEfforts?.length) model.compat = { supportedReasoningEfforts: [...p.reasoningEfforts] };
  const config: Record<string, unknown> = {
    models: { providers: { [id]: { baseUrl: p.baseUrl, apiKey: p.apiKey, api: 'openai-completions', models: [model] } } },
    agents: { defaults: { model: { primary: `${id}/${p.model}` }, workspace: resolve(input.workspaceDir), skipBootstrap: true } },
  };
  if (input.agents?.length) {
    const bad = input.agents.find((a) => !AGENT_ID.test(a));
    if (bad !== undefined) throw new Error(`Agent id "${bad}" must be lowercase letters, digits and dashes, starting with a letter.`);
    // A roster of several agents must say so explicitly (OpenClaw 2026.9.6 refuses the config otherwise);
    // all of them work in the one shared workspace.
    const agents = config.agents as Record<string, unknown>;
    agents.ownership = 'explicit';
    agents.entries = Object.fromEntries(input.agents.map((id) => [id, { name: id, workspace: resolve(input.workspaceDir) }]));
  }
  // Default is /tmp/openclaw/openclaw-<date>.log, shared by every OpenClaw of the machine.
  if (logFile) config.logging = { file: logFile };
  if (input.plugin && pluginDir) {
    config.plugins = {
      enabled: true,
      allow: [SUPERVISOR_PLUGIN_ID],
      load: { paths: [pluginDir] },
      // The secret is NOT written here: it reaches the plugin through the env of the OpenClaw process only.
      entries: { [SUPERVISOR_PLUGIN_ID]: { enabled: true, config: { socketPath: input.plugin.socketPath, timeoutMs: input.plugin.timeoutMs ?? 120_000 } } },
    };
  }
  return config;
}

/** Lays out the plugin as OpenClaw wants a local native plugin: manifest + package.json + module. */
export function installPlugin(entryFile: string, pluginDir: string): void {
  mkdirSync(pluginDir, { recursive: true, mode: 0o700 });
  copyFileSync(entryFile, join(pluginDir, 'index.mjs'));
  const manifest = {
    id: SUPERVISOR_PLUGIN_ID,
    name: 'NemoCognition supervisor',
    description: 'Asks NemoCognition before every tool call (snapshot + policy) and reports results.',
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { socketPath: { type: 'string' }, secret: { type: 'string' }, timeoutMs: { type: 'number' } },
    },
  };
  writeFileSync(join(pluginDir, 'openclaw.plugin.json'), JSON.stringify(manifest, null, 2) + '\n');
  writeFileSync(join(pluginDir, 'package.json'), JSON.stringify({ name: SUPERVISOR_PLUGIN_ID, private: true, type: 'module', openclaw: { extensions: ['./index.mjs'] } }, null, 2) + '\n');
}

export function writeOpenClawSetup(input: OpenClawSetupInput): OpenClawPaths {
  const rootDir = resolve(input.rootDir);
  const dir = (name: string) => {
    const d = join(rootDir, name);
    mkdirSync(d, { recursive: true, mode: 0o700 });
    return d;
  };
  mkdirSync(rootDir, { recursive: true, mode: 0o700 });
  const stateDir = dir('state');
  const homeDir = dir('home');
  const tmpDir = dir('tmp');
  const logFile = join(dir('logs'), 'openclaw.log');
  let pluginDir: string | undefined;
  if (input.plugin) {
    pluginDir = join(rootDir, 'plugin');
    installPlugin(input.plugin.entryFile, pluginDir);
  }
  const configPath = join(rootDir, 'openclaw.json5');
  writeFileSync(configPath, JSON.stringify(buildOpenClawConfig(input, pluginDir, logFile), null, 2) + '\n', { mode: 0o600 });
  chmodSync(configPath, 0o600);
  return {
    rootDir,
    configPath,
    stateDir,
    homeDir,
    tmpDir,
    workspaceDir: resolve(input.workspaceDir),
    pluginDir,
    modelRef: `${input.provider.id ?? DEFAULT_PROVIDER_ID}/${input.provider.model}`,
    transcriptDb: transcriptDbOf({ stateDir }),
    logFile,
  };
}

/** OpenClaw's transcript database of one agent. */
export function transcriptDbOf(paths: Pick<OpenClawPaths, 'stateDir'>, agentId = 'main'): string {
  return join(paths.stateDir, 'agents', agentId, 'agent', 'openclaw-agent.sqlite');
}

/**
 * Folders the OpenClaw process must be able to write besides its workspace
 * (for a sandbox's read-write list). OpenClaw 2026.9.6 hard-codes its SQLite
 * lock folder as /tmp/openclaw-state-locks-<uid>, shared by every OpenClaw of
 * that user: a private /tmp (mount namespace) keeps runs apart.
 */
export function agentWritablePaths(paths: OpenClawPaths, uid: number | undefined = process.getuid?.()): string[] {
  return [paths.stateDir, paths.homeDir, paths.tmpDir, dirname(paths.logFile), uid === undefined ? '/tmp/openclaw-state-locks' : `/tmp/openclaw-state-locks-${uid}`];
}
