export { LocalSandboxDriver, type LocalDriverOptions } from './driver';
export { NoSandboxDriver, UNSANDBOXED_WARNING, type UnsandboxedResult } from './noSandboxDriver';
export { UNSANDBOXED, type SandboxCapabilities, type IsolationLayer, type MissingLayer } from './capabilities';
export { resolveLauncher, compileLauncher, type LauncherLookup } from './launcherBinary';
export { DEFAULT_HIDDEN_PATHS } from './hiddenPaths';
