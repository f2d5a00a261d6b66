/**
 * Where a workspace's store lives, and keeping it out of the user's git status
 * without touching tracked files: `.git/info/exclude` is local-only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const NEMOCOG_DIR = '.nemocognition';

export function nemocogDir(workspace: string): string {
  return path.join(workspace, NEMOCOG_DIR);
}

export function storeDirFor(workspace: string): string {
  return path.join(workspace, NEMOCOG_DIR, 'store');
}

/**
 * Appends `.nemocognition/` to `<workspace>/.git/info/exclude` when the workspace is a git repository
 * (a `.git` folder; a `.git` file pointing elsewhere, as in worktrees and submodules, is followed).
 * Idempotent, append-only; creates only `info/` and `exclude` if missing; touches nothing else in git's folder.
 * Returns the exclude file's path when it contains the entry, or null when the workspace is not a git repo.
 */
export function excludeFromGit(workspace: string): string | null {
  const gitDir = resolveGitDir(workspace);
  if (!gitDir) return null;
  const infoDir = path.join(gitDir, 'info');
  const exclude = path.join(infoDir, 'exclude');
  const entry = `/${NEMOCOG_DIR}/`;
  let current = '';
  try {
    current = fs.readFileSync(exclude, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const present = current.split(/\r?\n/).some((l) => {
    const t = l.trim();
    return t === entry || t === `${NEMOCOG_DIR}/` || t === NEMOCOG_DIR || t === `/${NEMOCOG_DIR}`;
  });
  if (present) return exclude;
  fs.mkdirSync(infoDir, { recursive: true });
  const sep = current.length > 0 && !current.endsWith('\n') ? '\n' : '';
  fs.appendFileSync(exclude, `${sep}# NemoCognition's local store (runs, snapshots)\n${entry}\n`);
  return exclude;
}

function resolveGitDir(workspace: string): string | null {
  const dotGit = path.join(workspace, '.git');
  let st: fs.Stats;
  try {
    st = fs.statSync(dotGit);
  } catch {
    return null;
  }
  if (st.isDirectory()) return dotGit;
  if (!st.isFile()) return null;
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(fs.readFileSync(dotGit, 'utf8'));
  if (!m) return null;
  const dir = path.resolve(workspace, m[1]!);
  // A worktree's gitdir is <repo>/.git/worktrees/<name>; `info/exclude` is read from the common dir.
  const commonFile = path.join(dir, 'commondir');
  if (fs.existsSync(commonFile)) return path.resolve(dir, fs.readFileSync(commonFile, 'utf8').trim());
  return fs.existsSync(dir) ? dir : null;
}
