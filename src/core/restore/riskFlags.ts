/**
 * Which files of a restore deserve a second look (pure). A snapshot holds what
 * an agent wrote, and the agent may be hostile: besides plain content, a
 * restore can plant things that run code later without anyone asking:
 *   - a symlink pointing outside the workspace (a door out of it);
 *   - a file that becomes executable;
 *   - files that run code when the folder opens or on git actions:
 *     `.vscode/tasks.json` with `runOn: folderOpen`, `.vscode/settings.json`,
 *     git hooks in `.husky/` or `.githooks/`, direnv's `.envrc`, and changed
 *     `scripts` in a `package.json`.
 */

export type RiskKind = 'symlink-outside' | 'newly-executable' | 'runs-on-folder-open' | 'workspace-settings' | 'git-hook' | 'direnv' | 'package-scripts';

export interface RiskFlag {
  kind: RiskKind;
  /** One sentence for the user: what the file can do. */
  message: string;
}

export type FileAction = 'create' | 'modify' | 'mode' | 'symlink' | 'delete';

export interface RiskInput {
  /** Workspace-relative, '/'-separated. */
  path: string;
  action: FileAction;
  /** Permission bits the restore gives the file, and those it has now (undefined: absent). */
  newMode?: number;
  oldMode?: number;
  /** Content the restore writes, and the current content (read only when needed). */
  newText?: () => string | undefined;
  oldText?: () => string | undefined;
  /** For a symlink: its target, and where it resolves when that is outside the workspace. */
  symlinkTarget?: string;
  outsideTarget?: string | null;
}

const EXEC = 0o111;

export function riskFlags(f: RiskInput): RiskFlag[] {
  if (f.action === 'delete') return [];
  const flags: RiskFlag[] = [];
  const name = f.path.split('/').pop() ?? f.path;
  if (f.action === 'symlink' && f.outsideTarget) {
    flags.push({ kind: 'symlink-outside', message: `symlink to ${f.symlinkTarget} points outside the workspace (${f.outsideTarget})` });
  }
  if (f.action !== 'symlink' && f.newMode !== undefined && (f.newMode & EXEC) !== 0 && ((f.oldMode ?? 0) & EXEC) === 0) {
    flags.push({ kind: 'newly-executable', message: f.oldMode === undefined ? 'new executable file' : 'becomes executable' });
  }
  if (f.path === '.vscode/tasks.json' || f.path.endsWith('/.vscode/tasks.json')) {
    if (/"runOn"\s*:\s*"folderOpen"/.test(f.newText?.() ?? '')) flags.push({ kind: 'runs-on-folder-open', message: 'defines a task with runOn: folderOpen, which runs when the folder is opened' });
  }
  if (f.path === '.vscode/settings.json' || f.path.endsWith('/.vscode/settings.json') || /(^|\/)[^/]+\.code-workspace$/.test(f.path)) {
    flags.push({ kind: 'workspace-settings', message: 'workspace settings can change which programs the editor and its extensions run (terminal, formatters, linters, tasks)' });
  }
  if (/(^|\/)\.(husky|githooks)\//.test(`${f.path}`)) {
    flags.push({ kind: 'git-hook', message: 'a git hook: runs on git actions (commit, checkout, push) once hooks point here' });
  }
  if (name === '.envrc') flags.push({ kind: 'direnv', message: 'direnv runs this file when a shell enters the folder' });
  if (name === 'package.json') {
    const changed = changedScripts(f.oldText?.(), f.newText?.());
    if (changed === null) flags.push({ kind: 'package-scripts', message: 'package.json could not be read as JSON, so changes to its scripts cannot be ruled out' });
    else if (changed.length) flags.push({ kind: 'package-scripts', message: `changes npm scripts (run by npm install, npm test, …): ${changed.join(', ')}` });
  }
  return flags;
}

/** Names of scripts added, removed or changed; null when the new file is not JSON. */
export function changedScripts(oldText: string | undefined, newText: string | undefined): string[] | null {
  const scripts = (t: string | undefined): Record<string, unknown> | null => {
    if (t === undefined) return {};
    try {
      const v = JSON.parse(t) as { scripts?: unknown };
      return v && typeof v.scripts === 'object' && v.scripts !== null ? (v.scripts as Record<string, unknown>) : {};
    } catch {
      return null;
    }
  };
  const after = scripts(newText);
  if (after === null) return null;
  const before = scripts(oldText) ?? {};
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => JSON.stringify(before[n]) !== JSON.stringify(after[n])).sort();
}
