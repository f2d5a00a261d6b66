import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChangeSet, ChangeSource } from './changeSource';
import type { DirNode, LiveTree } from './liveTree';

/**
 * What changed in an overlay-backed branch sandbox, from its upper layer: the overlay's upper
 * folder holds exactly what was written since the lower layer (a read-only materialisation of
 * the snapshot the branch started from) was laid, so walking it is O(what the branch changed),
 * never O(workspace), and it misses nothing: there is no other way to change the merged view.
 *
 *  - a file, symlink or whiteout (a 0/0 character device: a deletion) in the upper layer names
 *    a path to re-examine through the merged view;
 *  - for a folder of the upper layer that the tree knows, the merged listing is compared with
 *    the tree's children, which catches entries hidden by an opaque folder (a folder deleted and
 *    created again; its marker is an xattr that Node cannot read) without reading any xattr;
 *  - ignored folders are not entered, except to list (bounded) what was written in them.
 *
 * Every path is examined through `view` (the merged view seen from outside the namespace
 * holding the mount), never through the upper layer itself.
 */
export class OverlaySource implements ChangeSource {
  readonly kind = 'overlay' as const;
  /** Listed ignored files already reported, with their stat signature. */
  private readonly listed = new Map<string, string>();

  constructor(
    readonly upperDir: string,
    private readonly tree: LiveTree,
    /** Budget of upper entries visited inside ignored folders per checkpoint (for the listing only). */
    private readonly ignoredBudget = 2000,
  ) {}

  async collect(): Promise<ChangeSet> {
    const paths = new Set<string>();
    const ignored: string[] = [];
    let budget = this.ignoredBudget;
    const view = this.tree.rootAbs;
    const listIgnored = (upperAbs: string, rel: string): void => {
      let names: string[];
      try {
        names = fs.readdirSync(upperAbs);
      } catch {
        return;
      }
      for (const name of names) {
        if (budget-- <= 0 || ignored.length >= 200) return;
        const r = `${rel}/${name}`;
        let st: fs.Stats;
        try {
          st = fs.lstatSync(path.join(upperAbs, name));
        } catch {
          continue;
        }
        if (st.isDirectory()) {
          listIgnored(path.join(upperAbs, name), r);
          continue;
        }
        const sig = `${st.mtimeMs}:${st.ctimeMs}:${st.size}:${st.mode}`;
        if (this.listed.get(r) === sig) continue;
        this.listed.set(r, sig);
        ignored.push(st.isCharacterDevice() && st.rdev === 0 ? `${r} (deleted)` : r);
      }
    };
    const walk = (upperAbs: string, rel: string, node: DirNode | undefined): void => {
      let names: string[];
      try {
        names = fs.readdirSync(upperAbs);
      } catch {
        return;
      }
      for (const name of names) {
        const r = rel === '' ? name : `${rel}/${name}`;
        let st: fs.Stats;
        try {
          st = fs.lstatSync(path.join(upperAbs, name));
        } catch {
          continue;
        }
        const known = node?.children.get(name);
        if (st.isDirectory()) {
          if (this.tree.skips(r, name, path.join(view, r), true)) {
            paths.add(r); // the boundary itself: examined (and listed if it changed)
            listIgnored(path.join(upperAbs, name), r);
            continue;
          }
          if (!known || known.type !== 'dir') {
            paths.add(r); // new (or replaced a file): examined whole through the merged view
            continue;
          }
          walk(path.join(upperAbs, name), r, known);
        } else {
          paths.add(r);
        }
      }
      // Entries the tree has but the merged view lacks (deleted, or hidden by an opaque folder).
      if (node && node.children.size > 0) {
        let merged: Set<string>;
        try {
          merged = new Set(fs.readdirSync(rel === '' ? view : path.join(view, rel)));
        } catch {
          paths.add(rel === '' ? '.' : rel);
          return;
        }
        for (const name of node.children.keys()) if (!merged.has(name)) paths.add(rel === '' ? name : `${rel}/${name}`);
      }
    };
    walk(this.upperDir, '', this.tree.root);
    return { full: paths.has('.'), paths, events: paths.size, ...(ignored.length ? { ignored } : {}) };
  }
}
