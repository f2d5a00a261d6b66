/**
 * Process-wide state the run and the install command share (no `vscode`):
 * the global storage folder, known at activation, and the user's own
 * `NEMOCOG_RUNTIME_DIR` captured before the extension first overwrites it.
 */
import { homedir } from 'node:os';
import { RUNTIME_DIR_ENV } from '../../core/bridge/openclaw/runtime';
import { chooseRuntimeDir, type RuntimeDirChoice } from './runtimeDir';

let state: { globalStorageDir: string; inheritedEnv: string | undefined } | undefined;

/** Called once at activation (by the install command's registration). */
export function initRuntimeContext(globalStorageDir: string, env: NodeJS.ProcessEnv = process.env): void {
  if (state) {
    state.globalStorageDir = globalStorageDir;
    return;
  }
  state = { globalStorageDir, inheritedEnv: env[RUNTIME_DIR_ENV] };
}

export function currentRuntimeDir(setting: string): RuntimeDirChoice | undefined {
  return state && chooseRuntimeDir({ setting, inheritedEnv: state.inheritedEnv, globalStorageDir: state.globalStorageDir, home: homedir() });
}

/**
 * Makes the chosen folder the one the core searches first (the core's
 * `locateAgentRuntime()` reads `NEMOCOG_RUNTIME_DIR`). Before activation it
 * leaves the environment alone.
 */
export function exposeRuntimeDir(setting: string, env: NodeJS.ProcessEnv = process.env): RuntimeDirChoice | undefined {
  const choice = currentRuntimeDir(setting);
  if (choice) env[RUNTIME_DIR_ENV] = choice.dir;
  return choice;
}

/** Tests only: forget the activation state. */
export function resetRuntimeContextForTests(): void {
  state = undefined;
}
