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

const GLOB = /[*?[]|\{[^}]*,[^}]*\}/;

export function hasGlob(word: string): boolean {
  return GLOB.test(word);
}

export function isInside(root: string, abs: string): boolean {
  const rel = path.relative(root, abs);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function resolvePath(word: string, ctx: PathCtx, quoted = false): ResolvedPath {
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
  const idx = abs.search(GLOB);
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
