import type { TreeEntry } from './api';
import type { DirNode } from './liveTree';
import { compareNames } from './tree';

/** A directory seen either from the object store or from the live in-memory tree. */
export interface TreeView {
  /** Tree hash when known: two views with the same hash are equal and never descended. */
  readonly hash: string | null;
  list(): TreeEntry[];
  sub(entry: TreeEntry): TreeView;
}

export const EMPTY_VIEW: TreeView = { hash: null, list: () => [], sub: () => EMPTY_VIEW };

export function storeView(hash: string, readTree: (hash: string) => TreeEntry[]): TreeView {
  return {
    hash,
    list: () => readTree(hash),
    sub: (e) => storeView(e.hash, readTree),
  };
}

/** A view of the live tree; hashes must have been computed (LiveTree.finalize) beforehand. */
export function liveView(node: DirNode): TreeView {
  return {
    hash: node.hash,
    list: () =>
      [...node.children.keys()].sort(compareNames).map((name) => {
        const c = node.children.get(name)!;
        return c.type === 'dir'
          ? { name, type: 'dir' as const, mode: 0, size: 0, hash: c.hash ?? '' }
          : { name, type: c.type, mode: c.mode, size: c.size, hash: c.hash };
      }),
    sub: (e) => {
      const c = node.children.get(e.name);
      return c && c.type === 'dir' ? liveView(c) : EMPTY_VIEW;
    },
  };
}

export function sameEntry(a: TreeEntry, b: TreeEntry): boolean {
  return a.type === b.type && a.hash === b.hash && a.mode === b.mode;
}

/**
 * Merges two sorted entry lists by name, calling `fn(name, inA, inB)` for each name in order (a
 * plain loop: the Merkle diffs of restore and of the change count visit every entry of every
 * folder that differs, so no generator or tuple per entry).
 */
export function forEachMerged(a: readonly TreeEntry[], b: readonly TreeEntry[], fn: (name: string, x: TreeEntry | undefined, y: TreeEntry | undefined) => void): void {
  let i = 0;
  let j = 0;
  const na = a.length;
  const nb = b.length;
  while (i < na && j < nb) {
    const x = a[i]!;
    const y = b[j]!;
    if (x.name === y.name) {
      fn(x.name, x, y);
      i++;
      j++;
    } else if (x.name < y.name) {
      fn(x.name, x, undefined);
      i++;
    } else {
      fn(y.name, undefined, y);
      j++;
    }
  }
  for (; i < na; i++) fn(a[i]!.name, a[i], undefined);
  for (; j < nb; j++) fn(b[j]!.name, undefined, b[j]);
}
