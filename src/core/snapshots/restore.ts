import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TreeEntry } from './api';
import type { IgnoreMatcher } from './ignore';
import type { ObjectStore } from './objects';
import { assertNoSymlinkParents, resolveInside } from './pathSafety';
import { mergeEntries, sameEntry, type TreeView } from './treeView';

/**
 * Turning a tree into files: the plan (what differs between what is on disk, as a tree, and the
 * target tree) and its execution. Used by restore (from the safety snapshot to the target) and
 * by materialise (from nothing to the target).
 */

export type PlanOp =
  | { op: 'unlink'; path: string }
  | { op: 'rmdir'; path: string }
  | { op: 'mkdir'; path: string }
  | { op: 'write'; path: string; entry: TreeEntry }
  | { op: 'symlink'; path: string; entry: TreeEntry }
  | { op: 'chmod'; path: string; entry: TreeEntry };

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}/${name}`;
}

/**
 * Ops that turn `from` into `to`, in an order that is valid to run front to back: a path is
 * deleted before something else is created there; directories are emptied before removal and
 * created before their contents. Paths ignored by `ignore` are neither written nor deleted.
 */
export function planTransform(from: TreeView, to: TreeView, ignore: IgnoreMatcher, opts: { protectGit?: boolean } = {}): PlanOp[] {
  const ops: PlanOp[] = [];
  // A `.git` (folder or file, at any depth) is read-only to restore even when snapshots include it.
  const untouchable = (p: string, name: string, isDir: boolean): boolean =>
    (opts.protectGit === true && name === '.git') || ignore.matches(p, name, isDir);
  const remove = (v: TreeView, e: TreeEntry, p: string): void => {
    if (untouchable(p, e.name, e.type === 'dir')) return;
    if (e.type === 'dir') {
      const sub = v.sub(e);
      for (const c of sub.list()) remove(sub, c, join(p, c.name));
      ops.push({ op: 'rmdir', path: p });
    } else {
      ops.push({ op: 'unlink', path: p });
    }
  };
  const create = (v: TreeView, e: TreeEntry, p: string): void => {
    if (untouchable(p, e.name, e.type === 'dir')) return;
    if (e.type === 'dir') {
      ops.push({ op: 'mkdir', path: p });
      const sub = v.sub(e);
      for (const c of sub.list()) create(sub, c, join(p, c.name));
    } else {
      ops.push({ op: e.type === 'file' ? 'write' : 'symlink', path: p, entry: e });
    }
  };
  const walk = (a: TreeView, b: TreeView, prefix: string): void => {
    if (a.hash !== null && a.hash === b.hash) return;
    for (const [name, x, y] of mergeEntries(a.list(), b.list())) {
      const p = join(prefix, name);
      if (x && y && sameEntry(x, y)) continue;
      if (opts.protectGit === true && name === '.git') continue;
      if (x && y && x.type === 'dir' && y.type === 'dir') {
        walk(a.sub(x), b.sub(y), p);
      } else if (x && y && x.type === 'file' && y.type === 'file' && x.hash === y.hash) {
        ops.push({ op: 'chmod', path: p, entry: y });
      } else if (x && y && x.type !== 'dir' && y.type !== 'dir') {
        // File or symlink over file or symlink: replaced atomically by rename, no delete first.
        if (!untouchable(p, name, false)) ops.push({ op: y.type === 'file' ? 'write' : 'symlink', path: p, entry: y });
      } else {
        if (x) remove(a, x, p);
        if (y) create(b, y, p);
      }
    }
  };
  walk(from, to, '');
  return ops;
}

/** Refuses the whole plan, before anything is written, if any path could land outside the root. */
export function checkPlan(rootAbs: string, ops: readonly PlanOp[]): void {
  const checkedParents = new Set<string>();
  for (const o of ops) {
    resolveInside(rootAbs, o.path);
    const parent = o.path.includes('/') ? o.path.slice(0, o.path.lastIndexOf('/')) : '';
    if (parent !== '' && !checkedParents.has(parent)) {
      assertNoSymlinkParents(rootAbs, o.path);
      checkedParents.add(parent);
    }
  }
}

const WRITE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;

function tmpName(abs: string): string {
  return path.join(path.dirname(abs), `.nc-restore-${randomBytes(6).toString('hex')}`);
}

export interface ApplyResult {
  written: string[];
  deleted: string[];
}

/** Runs a checked plan. Each file is written to a temp name with O_EXCL|O_NOFOLLOW and renamed in place. */
export function applyPlan(rootAbs: string, ops: readonly PlanOp[], store: ObjectStore): ApplyResult {
  const written: string[] = [];
  const deleted: string[] = [];
  for (const o of ops) {
    const abs = resolveInside(rootAbs, o.path);
    assertNoSymlinkParents(rootAbs, o.path); // again, right before touching it: the tree may have moved
    switch (o.op) {
      case 'unlink':
        try {
          fs.unlinkSync(abs);
          deleted.push(o.path);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          // EISDIR: it became a directory since the safety snapshot. Never delete a whole tree
          // (it may hold ignored content such as a .git): leave it; a write there then fails loudly.
          if (code !== 'ENOENT' && code !== 'EISDIR' && code !== 'EPERM') throw e;
        }
        break;
      case 'rmdir':
        try {
          fs.rmdirSync(abs);
          deleted.push(o.path);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          // Not empty: it holds ignored content (never deleted). Gone already: fine.
          if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT') throw e;
        }
        break;
      case 'mkdir':
        try {
          fs.mkdirSync(abs, { mode: 0o755 });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.lstatSync(abs).isDirectory()) throw e;
        }
        break;
      case 'write': {
        const tmp = tmpName(abs);
        const fd = fs.openSync(tmp, WRITE_FLAGS, 0o600);
        try {
          store.copyBlobTo(o.entry.hash, fd);
          fs.fchmodSync(fd, o.entry.mode & 0o777);
        } catch (e) {
          fs.closeSync(fd);
          fs.rmSync(tmp, { force: true });
          throw e;
        }
        fs.closeSync(fd);
        fs.renameSync(tmp, abs);
        written.push(o.path);
        break;
      }
      case 'symlink': {
        const target = store.read(o.entry.hash, 'b');
        const tmp = tmpName(abs);
        fs.symlinkSync(target, tmp);
        fs.renameSync(tmp, abs);
        written.push(o.path);
        break;
      }
      case 'chmod': {
        // fchmod on an O_NOFOLLOW descriptor: a symlink planted here is never followed.
        const fd = fs.openSync(abs, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
        try {
          if (fs.fstatSync(fd).isFile()) fs.fchmodSync(fd, o.entry.mode & 0o777);
        } finally {
          fs.closeSync(fd);
        }
        written.push(o.path);
        break;
      }
    }
  }
  return { written, deleted };
}
