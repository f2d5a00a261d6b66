/**
 * Typed view of the `nemocognition.*` settings (pure: takes a getter, so it is
 * testable without VS Code). The API key is deliberately absent: it only ever
 * lives in SecretStorage.
 */
import type { DriverKind } from '../../core/run/api';

export type ModelPreset = 'nim-nemotron' | 'openai-compatible' | 'demo';

export interface NcSettings {
  modelPreset: ModelPreset;
  modelEndpoint: string;
  modelId: string;
  reasoning: 'adaptive' | 'off';
  /** The Phoenix mirror (user settings only, application scope: a workspace cannot turn it on or point it elsewhere). */
  phoenixEnabled: boolean;
  phoenixEndpoint: string;
  phoenixProject: string;
  sandboxDriver: DriverKind;
  /** Machine-scoped (a workspace cannot set it): run the local sandbox with Landlock alone when bubblewrap is missing. */
  allowLandlockOnly: boolean;
  policyFile: string;
  remoteHost: string;
  remoteWorkspace: string;
  remoteCli: string;
  /** NemoClaw driver: the sandbox, how to start NemoCognition inside it, where the workspace goes, the CLIs. */
  nemoclawSandbox: string;
  nemoclawSandboxCli: string;
  nemoclawSandboxWorkspace: string;
  nemoclawPath: string;
  openshellPath: string;
  snapshotIgnore: string[];
  maxStoreSizeMB: number;
  storeLocation: string;
  maxRecoveries: number;
  timeoutSeconds: number;
  /** Agent runtime folder; empty = the extension's global storage (see vscode/runtime/runtimeDir). */
  agentRuntimeDir: string;
  gutterEnabled: boolean;
  /** The scripted scenario the offline demo model plays (the `demo` preset plays it whatever the task says). */
  demoScenario: DemoScenario;
  /** Whose markers: '' = the branch most recently restored, 'latest-result', or a branch id. */
  gutterBranch: string;
}

export const DEMO_SCENARIOS = ['deny-and-recover', 'two-recoveries', 'destructive', 'timeout', 'malformed-tool-call', 'hostile-text'] as const;
export type DemoScenario = (typeof DEMO_SCENARIOS)[number];

export const SETTINGS_SECTION = 'nemocognition';

export const DEFAULTS: NcSettings = {
  modelPreset: 'nim-nemotron',
  modelEndpoint: 'https://integrate.api.nvidia.com/v1',
  modelId: 'nvidia/nemotron-3-super-120b-a12b',
  reasoning: 'adaptive',
  phoenixEnabled: false,
  phoenixEndpoint: 'http://127.0.0.1:6006',
  phoenixProject: 'nemocognition',
  sandboxDriver: 'local',
  allowLandlockOnly: false,
  policyFile: '',
  remoteHost: '',
  remoteWorkspace: '',
  remoteCli: 'nemocog',
  nemoclawSandbox: '',
  nemoclawSandboxCli: 'nemocog',
  nemoclawSandboxWorkspace: '.openclaw/workspace',
  nemoclawPath: '',
  openshellPath: '',
  snapshotIgnore: ['node_modules/', '.venv/', '__pycache__/', '.DS_Store'],
  maxStoreSizeMB: 2048,
  storeLocation: '.nemocognition',
  maxRecoveries: 2,
  timeoutSeconds: 600,
  agentRuntimeDir: '',
  gutterEnabled: true,
  demoScenario: 'deny-and-recover',
  gutterBranch: '',
};

/** Reads `key` (relative to the section); a value of the wrong type falls back to the default. */
export type SettingGetter = (key: string) => unknown;

function pick<T>(get: SettingGetter, key: string, fallback: T, ok: (v: unknown) => boolean): T {
  const v = get(key);
  return v !== undefined && ok(v) ? (v as T) : fallback;
}
const isString = (v: unknown) => typeof v === 'string';
const oneOf = (values: readonly string[]) => (v: unknown) => typeof v === 'string' && values.includes(v);
const isPosNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

export function readSettings(get: SettingGetter): NcSettings {
  const d = DEFAULTS;
  return {
    modelPreset: pick(get, 'model.preset', d.modelPreset, oneOf(['nim-nemotron', 'openai-compatible', 'demo'])),
    modelEndpoint: pick(get, 'model.endpoint', d.modelEndpoint, isString).trim() || d.modelEndpoint,
    modelId: pick(get, 'model.id', d.modelId, isString).trim() || d.modelId,
    reasoning: pick(get, 'model.reasoning', d.reasoning, oneOf(['adaptive', 'off'])),
    phoenixEnabled: pick(get, 'phoenix.enabled', d.phoenixEnabled, (v) => typeof v === 'boolean'),
    phoenixEndpoint: pick(get, 'phoenix.endpoint', d.phoenixEndpoint, isString).trim() || d.phoenixEndpoint,
    phoenixProject: pick(get, 'phoenix.project', d.phoenixProject, (v) => typeof v === 'string' && !/[/?#]/.test(v)).trim() || d.phoenixProject,
    sandboxDriver: pick(get, 'sandbox.driver', d.sandboxDriver, oneOf(['local', 'nemoclaw', 'none'])),
    allowLandlockOnly: pick(get, 'sandbox.allowLandlockOnly', d.allowLandlockOnly, (v) => typeof v === 'boolean'),
    policyFile: pick(get, 'sandbox.policyFile', d.policyFile, isString).trim(),
    remoteHost: pick(get, 'sandbox.remoteHost', d.remoteHost, isString).trim(),
    remoteWorkspace: pick(get, 'sandbox.remoteWorkspace', d.remoteWorkspace, isString).trim(),
    remoteCli: pick(get, 'sandbox.remoteCli', d.remoteCli, isString).trim() || d.remoteCli,
    nemoclawSandbox: pick(get, 'nemoclaw.sandbox', d.nemoclawSandbox, isString).trim(),
    nemoclawSandboxCli: pick(get, 'nemoclaw.sandboxCli', d.nemoclawSandboxCli, isString).trim() || d.nemoclawSandboxCli,
    nemoclawSandboxWorkspace: pick(get, 'nemoclaw.sandboxWorkspace', d.nemoclawSandboxWorkspace, isString).trim() || d.nemoclawSandboxWorkspace,
    nemoclawPath: pick(get, 'nemoclaw.nemoclawPath', d.nemoclawPath, isString).trim(),
    openshellPath: pick(get, 'nemoclaw.openshellPath', d.openshellPath, isString).trim(),
    snapshotIgnore: pick(get, 'snapshots.ignore', d.snapshotIgnore, (v) => Array.isArray(v) && v.every(isString)),
    maxStoreSizeMB: pick(get, 'snapshots.maxStoreSizeMB', d.maxStoreSizeMB, isPosNum),
    storeLocation: pick(get, 'store.location', d.storeLocation, isString).trim() || d.storeLocation,
    maxRecoveries: Math.floor(pick(get, 'recovery.maxAttempts', d.maxRecoveries, isPosNum)),
    timeoutSeconds: pick(get, 'agent.timeoutSeconds', d.timeoutSeconds, isPosNum),
    agentRuntimeDir: pick(get, 'agent.runtimeDir', d.agentRuntimeDir, isString).trim(),
    gutterEnabled: pick(get, 'gutter.enabled', d.gutterEnabled, (v) => typeof v === 'boolean'),
    demoScenario: pick(get, 'model.demoScenario', d.demoScenario, oneOf(DEMO_SCENARIOS)),
    gutterBranch: pick(get, 'gutter.branch', d.gutterBranch, isString).trim(),
  };
}
