/**
 * Which folder the extension uses for the agent runtime (pure, no `vscode`).
 * The setting wins; else a `NEMOCOG_RUNTIME_DIR` the user started VS Code
 * with; else the extension's global storage, where the install command puts
 * it. The core sees the choice through `NEMOCOG_RUNTIME_DIR` and still falls
 * back to `<repo>/.cache/agent-runtime` when run from a checkout.
 */
import { isAbsolute, join, resolve } from 'node:path';

export const RUNTIME_FOLDER_NAME = 'agent-runtime';

export interface RuntimeDirChoice {
  dir: string;
  source: 'setting' | 'environment' | 'global-storage';
}

export interface RuntimeDirInputs {
  /** `nemocognition.agent.runtimeDir` (empty = default). */
  setting: string;
  /** `NEMOCOG_RUNTIME_DIR` as it was when the extension activated (before it set it itself). */
  inheritedEnv: string | undefined;
  /** `ExtensionContext.globalStorageUri.fsPath`. */
  globalStorageDir: string;
  home: string;
}

/** `~`, `~/x` and `${userHome}/x` expand to the home folder; other relative paths are taken from it too. */
export function expandHome(p: string, home: string): string {
  const t = p.trim().replace(/^\$\{userHome\}(?=$|[\\/])/, home).replace(/^~(?=$|[\\/])/, home);
  return isAbsolute(t) ? resolve(t) : resolve(home, t);
}

export function chooseRuntimeDir(i: RuntimeDirInputs): RuntimeDirChoice {
  if (i.setting.trim()) return { dir: expandHome(i.setting, i.home), source: 'setting' };
  if (i.inheritedEnv?.trim()) return { dir: resolve(i.inheritedEnv.trim()), source: 'environment' };
  return { dir: join(i.globalStorageDir, RUNTIME_FOLDER_NAME), source: 'global-storage' };
}

export function describeChoice(c: RuntimeDirChoice): string {
  const why = { setting: 'from nemocognition.agent.runtimeDir', environment: 'from NEMOCOG_RUNTIME_DIR', 'global-storage': "in the extension's global storage" }[c.source];
  return `${c.dir} (${why})`;
}

export function installedMessage(rt: { dir: string; openclawVersion: string }, nodeVersion: string): string {
  return `NemoCognition: agent runtime ready — OpenClaw ${rt.openclawVersion} on Node ${nodeVersion}, in ${rt.dir}.`;
}
