import type { FileChange, TreeEntry } from './api';
import { forEachMerged, sameEntry, type TreeView } from './treeView';

/**
 * Differences between two trees, skipping every subtree whose hash is equal on both sides, so
 * the cost is proportional to what changed. Files and symlinks are reported one by one; an added
 * or deleted directory is expanded into its contents (an empty one is reported itself); a path
 * whose type changed is reported as `type-changed`, followed by the contents of the directory side.
 */
export function diffViews(a: TreeView, b: TreeView, prefix = ''): FileChange[] {
  const out: FileChange[] = [];
  walk(a, b, prefix, out);
  return out;
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}/${name}`;
}

function walk(a: TreeView, b: TreeView, prefix: string, out: FileChange[]): void {
  if (a.hash !== null && a.hash === b.hash) return;
  forEachMerged(a.list(), b.list(), (name, x, y) => {
    if (x && y && sameEntry(x, y)) return;
    const p = join(prefix, name);
    if (x && y) {
      if (x.type === 'dir' && y.type === 'dir') {
        walk(a.sub(x), b.sub(y), p, out);
      } else if (x.type !== y.type) {
        out.push({ path: p, kind: 'type-changed', before: x, after: y });
        if (x.type === 'dir') expand(a.sub(x), p, 'deleted', out);
        if (y.type === 'dir') expand(b.sub(y), p, 'added', out);
      } else {
        out.push({ path: p, kind: 'modified', before: x, after: y });
      }
    } else if (x) {
      if (x.type === 'dir') expandDir(a, x, p, 'deleted', out);
      else out.push({ path: p, kind: 'deleted', before: x });
    } else if (y) {
      if (y.type === 'dir') expandDir(b, y, p, 'added', out);
      else out.push({ path: p, kind: 'added', after: y });
    }
  });
}

function expandDir(parent: TreeView, e: TreeEntry, p: string, kind: 'added' | 'deleted', out: FileChange[]): void {
  const v = parent.sub(e);
  if (v.list().length === 0) {
    out.push(kind === 'added' ? { path: p, kind, after: e } : { path: p, kind, before: e });
    return;
  }
  expand(v, p, kind, out);
}

function expand(v: TreeView, prefix: string, kind: 'added' | 'deleted', out: FileChange[]): void {
  for (const e of v.list()) {
    const p = join(prefix, e.name);
    if (e.type === 'dir') expandDir(v, e, p, kind, out);
    else out.push(kind === 'added' ? { path: p, kind, after: e } : { path: p, kind, before: e });
  }
}

/** Number of changed paths (files, symlinks, empty dirs, type changes), counted like diffViews. */
export function countChanges(a: TreeView, b: TreeView): number {
  return diffViews(a, b).length;
}
