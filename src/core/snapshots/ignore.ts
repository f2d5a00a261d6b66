/**
 * A small gitignore-flavoured glob matcher (no dependency):
 *  - `*` matches within one path segment, `?` one character, `**` any number of segments;
 *  - a pattern with no `/` (other than a trailing one) matches a name at any depth (`*.log`, `node_modules/`);
 *  - a pattern with an inner `/` is anchored at the workspace root (`build/out/**`, `/dist`);
 *  - a trailing `/` matches directories only.
 * An ignored directory is never descended into, so everything below it is ignored too.
 */

/** Default user-configurable ignore globs (the `nemocognition.snapshots.ignore` setting's default). */
export const DEFAULT_IGNORE_GLOBS: readonly string[] = Object.freeze(['node_modules/']);

/**
 * Never part of a snapshot whatever the settings say: the store itself, and the user's `.git`
 * (a snapshot never reads or rewrites it; `includeGit` in the engine options lifts only the latter, read-only).
 */
export const STORE_DIR_NAME = '.nemocognition';
/** Temp files of an interrupted restore (renamed into place when it completes) are never content. */
export const RESTORE_TEMP_GLOB = '.nc-restore-*';
export const ALWAYS_IGNORED: readonly string[] = Object.freeze([`${STORE_DIR_NAME}/`, RESTORE_TEMP_GLOB]);
/** Both the `.git` folder and the `.git` file of worktrees and submodules, at any depth. */
export const GIT_DIR_GLOB = '.git';

interface CompiledGlob {
  dirOnly: boolean;
  /** Tested against the basename when unanchored, against the whole relative path otherwise. */
  anchored: boolean;
  re: RegExp;
}

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|]/.test(c) ? `\\${c}` : c;
}

export function compileGlob(pattern: string): CompiledGlob {
  let p = pattern.trim();
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.slice(0, -1);
  const anchored = p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        const atSegStart = i === 0 || p[i - 1] === '/';
        const atSegEnd = i + 2 === p.length || p[i + 2] === '/';
        if (atSegStart && atSegEnd) {
          if (i + 2 === p.length) {
            re += '.*';
          } else {
            re += '(?:[^/]*/)*'; // "**/" : zero or more whole segments
            i++; // skip the '/' too
          }
          i++;
          continue;
        }
        re += '[^/]*';
        i++;
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else {
      re += escapeRe(c);
    }
  }
  return { dirOnly, anchored, re: new RegExp(`^${re}$`, 's') };
}

export class IgnoreMatcher {
  private readonly globs: CompiledGlob[];

  constructor(patterns: readonly string[], options: { includeGit?: boolean } = {}) {
    const all = [...ALWAYS_IGNORED, ...(options.includeGit ? [] : [GIT_DIR_GLOB]), ...patterns];
    this.globs = all.filter((p) => p.trim() !== '' && !p.trim().startsWith('#')).map(compileGlob);
  }

  /** Is this entry ignored by itself (its ancestors are assumed not ignored)? */
  matches(relPath: string, name: string, isDir: boolean): boolean {
    for (const g of this.globs) {
      if (g.dirOnly && !isDir) continue;
      if (g.re.test(g.anchored ? relPath : name)) return true;
    }
    return false;
  }

  /** Is this path, or any of its ancestors (all ancestors being directories), ignored? */
  ignoresPath(relPath: string, isDir: boolean): boolean {
    const parts = relPath.split('/');
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      if (this.matches(parts.slice(0, i + 1).join('/'), parts[i]!, last ? isDir : true)) return true;
    }
    return false;
  }
}
