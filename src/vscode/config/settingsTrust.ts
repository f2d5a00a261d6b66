/**
 * Which settings a workspace may set (pure, tested without VS Code). A cloned
 * repository's `.vscode/settings.json` is as hostile as its code, and some
 * NemoCognition settings could send the user's API key elsewhere, weaken or
 * remove the sandbox, or run a program outside it:
 *   - MACHINE_SETTINGS are `machine`-scoped in package.json (the Phoenix ones
 *     `application`-scoped: code-server and remote windows read machine-scoped
 *     values only from the remote's Machine settings, so a user's "turn the
 *     mirror on" in User settings was ignored there): only user (or
 *     remote-machine) settings count. A workspace value is ignored, here too
 *     (defence in depth: a host that ignores the scope still gets this), and
 *     reported so the user knows the repository tried.
 *   - CONFIRMED_SETTINGS are useful per workspace (a policy file, a store
 *     folder, ignore globs) but also weaken supervision: a workspace value is
 *     honoured only after the user confirmed that exact value in a modal that
 *     names it; until then the user's own value applies.
 * Both lists are also `restrictedConfigurations` for Restricted Mode.
 */
import { readSettings, type NcSettings } from './settings';

/** Keys relative to the `nemocognition` section. */
export const MACHINE_SETTINGS = [
  'model.endpoint', // where the API key is sent
  'phoenix.enabled', // whether every span leaves the machine
  'phoenix.endpoint', // where every span is mirrored
  'phoenix.project', // which project of that Phoenix holds them
  'sandbox.driver', // 'none' runs without a sandbox
  'sandbox.remoteHost', // ssh destination (option injection, a host the repo chooses)
  'sandbox.remoteWorkspace',
  'sandbox.remoteCli', // a command run on the user's remote host
  'agent.runtimeDir', // where the agent runtime (and its Node) is loaded from
] as const;

export const CONFIRMED_SETTINGS = [
  'sandbox.policyFile', // a wider policy (still approved separately when it widens the default)
  'store.location', // where the evidence is written
  'snapshots.ignore', // what snapshots (and so restore and undo) leave out
] as const;

export interface SettingInspection {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export type SettingInspector = (key: string) => SettingInspection | undefined;

export interface WorkspaceOverride {
  key: string;
  /** The value the workspace sets. */
  value: unknown;
  /** What applies without it (the user's value or the default). */
  userValue: unknown;
}

export interface ResolvedSettings {
  settings: NcSettings;
  /** Machine settings the workspace tried to set: ignored. */
  ignored: WorkspaceOverride[];
  /** Confirmable settings the workspace sets, not (yet) confirmed: not applied. */
  pending: WorkspaceOverride[];
}

/** What a confirmation is for: this key with exactly this value. */
export function overrideFingerprint(o: Pick<WorkspaceOverride, 'key' | 'value'>): string {
  return `${o.key}=${JSON.stringify(o.value)}`;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function resolveSettings(inspect: SettingInspector, confirmed: ReadonlySet<string>): ResolvedSettings {
  const machine = new Set<string>(MACHINE_SETTINGS);
  const confirmable = new Set<string>(CONFIRMED_SETTINGS);
  const ignored: WorkspaceOverride[] = [];
  const pending: WorkspaceOverride[] = [];
  const get = (key: string): unknown => {
    const i = inspect(key);
    if (!i) return undefined;
    const user = i.globalValue !== undefined ? i.globalValue : i.defaultValue;
    const ws = i.workspaceFolderValue !== undefined ? i.workspaceFolderValue : i.workspaceValue;
    if (ws === undefined || same(ws, user)) return user;
    if (machine.has(key)) {
      ignored.push({ key, value: ws, userValue: user });
      return user;
    }
    if (confirmable.has(key) && !confirmed.has(overrideFingerprint({ key, value: ws }))) {
      pending.push({ key, value: ws, userValue: user });
      return user;
    }
    return ws;
  };
  const settings = readSettings(get);
  return { settings, ignored, pending };
}

/** The modal that names each value a workspace wants to set, and what applies otherwise. */
export function describeOverrides(list: readonly WorkspaceOverride[]): string {
  const show = (v: unknown) => (v === undefined || v === '' ? '(empty)' : JSON.stringify(v));
  return list.map((o) => `nemocognition.${o.key} = ${show(o.value)}\n    (yours: ${show(o.userValue)})`).join('\n');
}
