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

/** Merges two sorted entry lists by name. */
export function* mergeEntries(a: TreeEntry[], b: TreeEntry[]): Generator<[string, TreeEntry | undefined, TreeEntry | undefined]> {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    const c = x && y ? compareNames(x.name, y.name) : x ? -1 : 1;
    if (c === 0) {
      yield [x!.name, x, y];
      i++;
      j++;
    } else if (c < 0) {
      yield [x!.name, x, undefined];
      i++;
    } else {
      yield [y!.name, undefined, y];
      j++;
    }
  }
}
