import * as fs from 'node:fs';
import * as path from 'node:path';
import { PathEscapeError } from './api';
import { isSafeName } from './tree';

/**
 * Where a snapshot path may land. A path is accepted only if it is a plain relative path of safe
 * segments AND no existing parent component in the live folder is a symlink (or anything but a
 * directory that the plan itself does not replace): writing through such a parent could land
 * outside the root. Checked for every path before anything is written, and again per write.
 */

export function resolveInside(rootAbs: string, rel: string): string {
  const parts = rel.split('/');
  if (rel === '' || path.isAbsolute(rel) || !parts.every(isSafeName)) {
    throw new PathEscapeError(rel, 'it is not a plain relative path inside the workspace (absolute, "..", empty or NUL segments are refused)');
  }
  // Every segment is a plain name (no "", ".", "..", "/" or NUL): joined to the normalised root by
  // concatenation (the same string path.join gives, without its per-call normalisation).
  const root = normalisedRoot(rootAbs);
  return root === '/' ? `/${rel}` : `${root}/${rel}`;
}

let lastRoot = '';
let lastNormalised = '';

function normalisedRoot(rootAbs: string): string {
  if (rootAbs !== lastRoot) {
    const n = path.join(rootAbs);
    lastNormalised = n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
    lastRoot = rootAbs;
  }
  return lastNormalised;
}

/** Refuses the path if any existing parent component (below the root) is a symlink. */
export function assertNoSymlinkParents(rootAbs: string, rel: string): void {
  const parts = rel.split('/');
  let cur = rootAbs;
  for (let i = 0; i < parts.length - 1; i++) {
    cur = path.join(cur, parts[i]!);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(cur);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return; // nothing further down exists yet: it will be created as real dirs
      throw e;
    }
    if (st.isSymbolicLink()) {
      throw new PathEscapeError(rel, `its parent "${parts.slice(0, i + 1).join('/')}" is a symlink in the workspace (remove or rename that symlink, then retry)`);
    }
    if (!st.isDirectory()) return; // a file in the way: the plan deletes it first, or the write fails safely
  }
}
