/** Resolving the paths a tool call names, the way the shell would, without touching the disk. */
import path from 'node:path';

export interface PathCtx {
  workspace: string;
  cwd: string;
  home: string;
}

export interface ResolvedPath {
  /** Absolute, normalised path (a glob pattern stays a pattern). */
  abs: string;
  glob: boolean;
  /** Contains a variable or substitution: the real target is not known before running. */
  dynamic: boolean;
}

/**
 * Where the first glob starts: `*`, `?`, `[`, or a brace list `{a,b}` (a `{`
 * whose first `}` after it has a `,` before it); -1 when there is none. One
 * pass: this replaced /[*?[]|\{[^}]*,[^}]*\}/, whose backtracking was cubic
 * (`rm {a,{a,{a,...` of 4 KB took 3 s).
 */
export function globIndex(word: string): number {
  let open = -1;
  let comma = false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c === 0x2a /* * */ || c === 0x3f /* ? */ || c === 0x5b /* [ */) {
      // A brace list opened before this character still starts earlier, if it closes with a comma inside.
      if (open === -1) return i;
      const close = word.indexOf('}', i);
      if (close === -1) return i;
      const nextComma = comma ? i : word.indexOf(',', i);
      return nextComma !== -1 && nextComma < close ? open : i;
    }
    if (c === 0x7b /* { */) {
      if (open === -1) open = i;
    } else if (c === 0x2c /* , */) {
      if (open !== -1) comma = true;
    } else if (c === 0x7d /* } */) {
      if (open !== -1 && comma) return open;
      open = -1;
      comma = false;
    }
  }
  return -1;
}

export function hasGlob(word: string): boolean {
  return globIndex(word) !== -1;
}

export function isInside(root: string, abs: string): boolean {
  const rel = path.relative(root, abs);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Longest path read: Linux refuses longer ones (PATH_MAX, ENAMETOOLONG), so no file can be reached through
 * the rest, and path.resolve on megabytes of `a/a/…` takes seconds.
 */
export const MAX_PATH_CHARS = 4096;

export function resolvePath(word: string, ctx: PathCtx, quoted = false): ResolvedPath {
  if (word.length > MAX_PATH_CHARS) {
    // Not a path the kernel accepts: resolved as far as one could go, and marked unknown.
    return { ...resolvePath(word.slice(0, MAX_PATH_CHARS), ctx, quoted), dynamic: true };
  }
  let p = word;
  if (p === '~' || p.startsWith('~/')) p = ctx.home + p.slice(1);
  p = p.replace(/^\$\{?HOME\}?(?=\/|$)/, ctx.home).replace(/^\$\{?PWD\}?(?=\/|$)/, ctx.cwd);
  const dynamic = /\$|`/.test(p);
  const glob = !quoted && hasGlob(p);
  const abs = path.resolve(ctx.cwd, p);
  return { abs, glob, dynamic };
}

/** The fixed directory part of a glob pattern (where it can reach). */
export function globBase(abs: string): string {
  const idx = globIndex(abs);
  if (idx === -1) return abs;
  const cut = abs.lastIndexOf('/', idx);
  return cut <= 0 ? '/' : abs.slice(0, cut);
}

/** Is this path a root whose recursive change would be catastrophic? */
export function isRootish(abs: string, ctx: PathCtx): boolean {
  const p = path.resolve(abs);
  return ['/', '/home', '/root', '/usr', '/etc', '/var', '/bin', '/lib', '/boot', '/opt', '/srv'].includes(p) || p === path.resolve(ctx.home);
}

/** Words that plausibly name a file (for commands whose operands are not all paths). */
export function looksLikePath(word: string): boolean {
  if (!word || word.startsWith('-')) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(word)) return false;
  return word.includes('/') || word.startsWith('.') || word.startsWith('~') || /\.[A-Za-z0-9]{1,8}$/.test(word);
}
