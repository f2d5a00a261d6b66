import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/**
 * What a snapshot leaves out, with git's exact semantics (the `ignore` package, the matcher ESLint
 * and Prettier use: negation `!`, classes `[a-z]`, escapes `\#`, `**`, anchoring, directory-only
 * patterns), case-sensitive as git is on Linux. For one workspace root, from lowest to highest
 * precedence, the last matching pattern deciding:
 *
 *   1. `.git/info/exclude` of the repository, and the `.gitignore` files of the folders between
 *      the repository's root and the workspace root when the workspace is inside a repository;
 *   2. `.gitignore` then `.nemocognitionignore` of the workspace root, then of each folder below
 *      it, a deeper folder's patterns above its parent's (patterns are relative to their folder);
 *   3. the `nemocognition.snapshots.ignore` setting (default `node_modules/`), as if it were the
 *      root's own ignore file;
 *   4. always, whatever the rest says: the store folder, restore temp files and `.git` (unless
 *      `includeGit`, which lifts only `.git`).
 * An ignored folder is never entered, so nothing below it can be re-included (as in git).
 *
 * Ignore files are read lazily, once per folder, from the folder the rules belong to: a branch
 * sandbox takes its rules from the user's workspace (see `RootIgnore`'s `rulesFrom`), so an
 * agent that edits or adds a `.gitignore` cannot hide what it writes from its own snapshots.
 * In the workspace itself an edited ignore file takes effect at the next checkpoint (the folder
 * it governs is walked again).
 */

/** Default user-configurable ignore globs (the `nemocognition.snapshots.ignore` setting's default). */
export const DEFAULT_IGNORE_GLOBS: readonly string[] = Object.freeze(['node_modules/']);

export const STORE_DIR_NAME = '.nemocognition';
/** Temp files of an interrupted restore (renamed into place when it completes) are never content. */
export const RESTORE_TEMP_GLOB = '.nc-restore-*';
export const ALWAYS_IGNORED: readonly string[] = Object.freeze([`${STORE_DIR_NAME}/`, RESTORE_TEMP_GLOB]);
/** Both the `.git` folder and the `.git` file of worktrees and submodules, at any depth. */
export const GIT_DIR_GLOB = '.git';
/** Per-folder ignore files honoured at every level, in this order. */
export const IGNORE_FILE_NAMES: readonly string[] = Object.freeze(['.gitignore', '.nemocognitionignore']);

const MAX_IGNORE_FILE = 1024 * 1024;

function newIgnore(): Ignore {
  return ignore({ ignorecase: false, allowRelativePaths: true });
}

/** A literal path as a gitignore pattern (special characters escaped). */
export function escapeGitignore(literal: string): string {
  let out = literal.replace(/[\\*?[\]!#]/g, (c) => `\\${c}`);
  if (out.endsWith(' ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/**
 * Rewrites the lines of the ignore file of folder `dir` (relative to the root the result is
 * tested against) so that they mean the same thing relative to that root.
 */
export function rebaseIgnoreLines(text: string, dir: string): string[] {
  const lines = text.split(/\r?\n/);
  if (dir === '') return lines;
  const prefix = dir.split('/').map(escapeGitignore).join('/');
  const out: string[] = [];
  for (const raw of lines) {
    let line = raw;
    if (line.trim() === '' || line.startsWith('#')) continue;
    let neg = '';
    if (line.startsWith('!')) {
      neg = '!';
      line = line.slice(1);
    }
    // Trailing unescaped spaces are not part of the pattern; keep the line otherwise verbatim.
    const body = line.replace(/(?<!\\)\s+$/, '');
    const trimmed = body.endsWith('/') ? body.slice(0, -1) : body;
    if (trimmed === '') continue;
    // A slash at the start or in the middle anchors the pattern to its folder; otherwise it
    // matches a name at any depth below the folder.
    const anchored = trimmed.includes('/');
    const rel = trimmed.startsWith('/') ? body.slice(1) : body;
    out.push(anchored ? `${neg}${prefix}/${rel}` : `${neg}${prefix}/**/${rel}`);
  }
  return out;
}

function readIgnoreFile(abs: string): string | undefined {
  try {
    const st = fs.lstatSync(abs);
    if (!st.isFile() || st.size > MAX_IGNORE_FILE) return undefined;
    return fs.readFileSync(abs, 'utf8');
  } catch {
    return undefined;
  }
}

/** The git repository that contains `dir` (the folder holding `.git`), if any, and where its git dir is. */
function enclosingRepo(dir: string): { top: string; gitDir: string } | undefined {
  let cur = dir;
  for (;;) {
    const dotGit = path.join(cur, '.git');
    try {
      const st = fs.lstatSync(dotGit);
      if (st.isDirectory()) return { top: cur, gitDir: dotGit };
      if (st.isFile()) {
        // A worktree or submodule: `gitdir: <path>`; its info/exclude is the common one's.
        const m = /^gitdir:\s*(.+)\s*$/m.exec(fs.readFileSync(dotGit, 'utf8'));
        if (m) {
          const gd = path.resolve(cur, m[1]!);
          const common = readIgnoreFile(path.join(gd, 'commondir'));
          return { top: cur, gitDir: common ? path.resolve(gd, common.trim()) : gd };
        }
        return undefined;
      }
    } catch {
      // not here
    }
    const up = path.dirname(cur);
    if (up === cur) return undefined;
    cur = up;
  }
}

/**
 * Settings-level rules only (no ignore files): what the engine applies where there is no live
 * folder to read ignore files from (materialising into an empty folder), and the base of every
 * root's rules.
 */
export class IgnoreMatcher {
  readonly patterns: readonly string[];
  private readonly always: Ignore;
  private readonly settings: Ignore;

  constructor(patterns: readonly string[], readonly options: { includeGit?: boolean; ignoreFiles?: boolean } = {}) {
    this.patterns = patterns.filter((p) => p.trim() !== '');
    this.always = newIgnore().add([...ALWAYS_IGNORED, ...(options.includeGit ? [] : [GIT_DIR_GLOB])]);
    this.settings = newIgnore().add([...this.patterns]);
  }

  /** Is this entry (whose ancestors are not ignored) left out by the always-ignored names or the setting? */
  matches(relPath: string, _name: string, isDir: boolean): boolean {
    const p = isDir ? `${relPath}/` : relPath;
    return this.always.ignores(p) || this.settings.ignores(p);
  }

  /** Is this path, or any of its ancestors, ignored? */
  ignoresPath(relPath: string, isDir: boolean): boolean {
    const parts = relPath.split('/');
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      if (this.matches(parts.slice(0, i + 1).join('/'), parts[i]!, last ? isDir : true)) return true;
    }
    return false;
  }

  /** The full rules of a live folder (its ignore files at every level, read from `rulesFrom`). */
  forRoot(rootAbs: string, rulesFrom = rootAbs): RootIgnore {
    return new RootIgnore(this, this.always, this.settings, rulesFrom, this.options.ignoreFiles !== false);
  }
}

interface DirRules {
  /** Every pattern that applies in this folder, root-relative, lowest precedence first, the setting last. */
  ig: Ignore;
  /** The same without the setting (what subfolders build on). */
  chain: Ignore;
  /** The folder's own ignore files, as read (to notice a change). */
  own: string;
}

function parentDir(dir: string): string {
  const cut = dir.lastIndexOf('/');
  return cut < 0 ? '' : dir.slice(0, cut);
}

/**
 * The rules of one workspace root (see the file's header). Folders' ignore files are read
 * lazily and cached; `refresh` notices a changed ignore file and forgets the rules below it.
 */
export class RootIgnore {
  private readonly dirs = new Map<string, DirRules>();
  private readonly outer: { ig: Ignore; prefix: string } | undefined;
  private readonly excludeLines: string[] = [];

  constructor(
    readonly base: IgnoreMatcher,
    private readonly always: Ignore,
    private readonly settings: Ignore,
    /** The folder whose ignore files are read (the root itself, or the workspace a sandbox was made from). */
    readonly rulesFrom: string,
    private readonly readFiles: boolean,
  ) {
    if (!readFiles) return;
    const repo = enclosingRepo(rulesFrom);
    if (!repo) return;
    const exclude = readIgnoreFile(path.join(repo.gitDir, 'info', 'exclude'));
    const rel = path.relative(repo.top, rulesFrom).split(path.sep).join('/');
    if (rel === '') {
      if (exclude) this.excludeLines = exclude.split(/\r?\n/);
      return;
    }
    // The workspace is a folder inside the repository: the repository's exclude file and the
    // ignore files of the folders above the workspace apply, relative to the repository's root.
    const ig = newIgnore();
    if (exclude) ig.add(exclude.split(/\r?\n/));
    const parts = rel.split('/');
    for (let i = 0; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      for (const n of IGNORE_FILE_NAMES) {
        const t = readIgnoreFile(path.join(repo.top, ...parts.slice(0, i), n));
        if (t) ig.add(rebaseIgnoreLines(t, d));
      }
    }
    // A workspace that the enclosing repository itself ignores (a scratch or build folder opened
    // on its own) is still the user's workspace: then only its own rules apply.
    if (!ig.ignores(`${rel}/`)) this.outer = { ig, prefix: `${rel}/` };
  }

  private ownText(dir: string): string {
    if (!this.readFiles) return '';
    let own = '';
    for (const n of IGNORE_FILE_NAMES) {
      const t = readIgnoreFile(path.join(this.rulesFrom, ...(dir === '' ? [] : dir.split('/')), n));
      if (t !== undefined) own += `\u0000${n}\u0000${t}`;
    }
    return own;
  }

  private rulesOf(dir: string): DirRules {
    const hit = this.dirs.get(dir);
    if (hit) return hit;
    const parent = dir === '' ? undefined : this.rulesOf(parentDir(dir));
    const own = this.ownText(dir);
    let rules: DirRules;
    if (own === '' && parent) {
      rules = { ig: parent.ig, chain: parent.chain, own }; // nothing of its own: the parent's, shared
    } else {
      const chain = newIgnore();
      if (parent) chain.add(parent.chain);
      else if (this.excludeLines.length) chain.add(this.excludeLines);
      for (const n of IGNORE_FILE_NAMES) {
        const t = readOwn(own, n);
        if (t !== undefined) chain.add(rebaseIgnoreLines(t, dir));
      }
      rules = { ig: newIgnore().add(chain).add(this.settings), chain, own };
    }
    this.dirs.set(dir, rules);
    return rules;
  }

  /** Is this entry (whose ancestors are not ignored) left out? */
  matches(relPath: string, _name: string, isDir: boolean): boolean {
    const p = isDir ? `${relPath}/` : relPath;
    if (this.always.ignores(p)) return true;
    const r = this.rulesOf(parentDir(relPath)).ig.test(p);
    if (r.ignored) return true;
    if (r.unignored || !this.outer) return false;
    return this.outer.ig.ignores(this.outer.prefix + p);
  }

  /** Is `name` one of the per-folder ignore files? */
  static isIgnoreFile(name: string): boolean {
    return IGNORE_FILE_NAMES.includes(name);
  }

  /**
   * Re-reads the ignore files of `dir`; true when they changed (then the rules of the folder and
   * of everything below it are forgotten, and the caller walks the folder again).
   */
  refresh(dir: string): boolean {
    const cached = this.dirs.get(dir);
    if (cached && this.ownText(dir) === cached.own) return false;
    const prefix = `${dir}/`;
    for (const d of [...this.dirs.keys()]) if (d === dir || dir === '' || d.startsWith(prefix)) this.dirs.delete(d);
    return true;
  }
}

function readOwn(own: string, name: string): string | undefined {
  const marker = `\u0000${name}\u0000`;
  const at = own.indexOf(marker);
  if (at < 0) return undefined;
  const from = at + marker.length;
  const next = own.indexOf('\u0000', from);
  return own.slice(from, next < 0 ? own.length : next);
}
