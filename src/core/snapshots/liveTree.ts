import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TreeEntry } from './api';
import { RootIgnore } from './ignore';
import { MAX_BLOB_DELTA_DEPTH, MAX_DELTA_DEPTH, type ObjectStore } from './objects';
import { compareNames, hashTreeBytes, isSafeName, serializeRows, treeRow } from './tree';

/**
 * The in-memory picture of one workspace root, kept between checkpoints: per file the stat
 * fields that prove it unchanged (size, mtime, ctime, inode, mode) and its content hash; per
 * directory its tree hash while nothing below it changed. A checkpoint re-reads only what a
 * change source points at, then re-hashes only the directories on the changed paths (Merkle).
 */

export interface FileNode {
  type: 'file' | 'symlink';
  mode: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  hash: string;
  /** The blob is in the object store (false after a hash-only scan for diffLive). */
  stored: boolean;
  /** Modified so recently that a later same-tick write could keep the same stat: re-hash next time. */
  racy: boolean;
  /** Length of the delta chain of its stored blob (undefined: unknown, stored whole on its next change). */
  depth?: number;
}

export interface DirNode {
  type: 'dir';
  ino: number;
  children: Map<string, LiveNode>;
  /** Tree hash; null when something below changed since it was computed. */
  hash: string | null;
  /** Hash computed AND tree object (and every object below) stored. */
  clean: boolean;
  fileCount: number;
  /** Set by a watcher: whatever releases this directory's watch. */
  watch?: { close(): void };
  /** Length of the delta chain the stored tree `hash` ends (undefined: unknown, stored whole next time). */
  depth?: number;
  /** The last stored tree of this folder and its depth, once something below changed: the next tree's delta base. */
  base?: string;
  baseDepth?: number;
}

export type LiveNode = FileNode | DirNode;

export interface ScanHooks {
  /** Called before a directory is listed, so events after that moment are not lost. */
  armDir(rel: string, abs: string, node: DirNode): void;
  disarmDir(node: DirNode): void;
}

export interface ScanCounters {
  lstats: number;
  hashed: number;
  bytesWritten: number;
  /** Entries found added, removed or different (what a verification walk reports as missed). */
  changes: number;
  /** Paths this process may not read (EACCES/EPERM): left out of the snapshot, so restore never touches them. */
  unreadable: string[];
  /** Paths a change source named that exist but are ignored (listed, never stored). */
  ignored: string[];
  /** Folders whose ignore files (.gitignore, .nemocognitionignore) were seen changing. */
  ignoreFilesChanged: Set<string>;
}

function emptyCounters(): ScanCounters {
  return { lstats: 0, hashed: 0, bytesWritten: 0, changes: 0, unreadable: [], ignored: [], ignoreFilesChanged: new Set() };
}

function denied(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM';
}

/** Changes younger than this may share an mtime tick with a later write (coarse kernel clock). */
export const RACY_MS = 30;

const MAX_LISTED = 200;

function parentOf(rel: string): string {
  const cut = rel.lastIndexOf('/');
  return cut < 0 ? '' : rel.slice(0, cut);
}

export function newDir(ino: number): DirNode {
  return { type: 'dir', ino, children: new Map(), hash: null, clean: false, fileCount: 0 };
}

/** A deep copy of a tree (watch handles are not copied): seeds a new root from a materialisation. */
export function cloneDir(d: DirNode): DirNode {
  const out: DirNode = { type: 'dir', ino: d.ino, children: new Map(), hash: d.hash, clean: d.clean, fileCount: d.fileCount };
  for (const [name, c] of d.children) out.children.set(name, c.type === 'dir' ? cloneDir(c) : { ...c });
  return out;
}

export class LiveTree {
  root: DirNode;
  hooks: ScanHooks | undefined;
  counters: ScanCounters = emptyCounters();
  /** Set while a change source's named paths are examined (not during walks): ignored ones are then listed. */
  private listIgnored = false;
  /** Ignored entries met so far, with a stat signature (to list only what changed). */
  private readonly ignoredSeen = new Map<string, string>();

  constructor(
    readonly rootAbs: string,
    readonly ignore: RootIgnore,
    /** Absolute paths never scanned (the store folder when it lives inside the root). */
    private readonly excluded: ReadonlySet<string>,
    private readonly store: ObjectStore,
  ) {
    this.root = newDir(0);
  }

  /** Is this entry outside the snapshot (the store folder, ignore rules)? Used by the background verifier. */
  skips(rel: string, name: string, abs: string, isDir: boolean): boolean {
    return this.excluded.has(abs) || this.ignore.matches(rel, name, isDir);
  }

  resetCounters(): void {
    this.counters = emptyCounters();
  }

  /** Walks everything (with the stat cache). Returns true if anything changed. */
  fullScan(storeBlobs: boolean): boolean {
    const st = fs.lstatSync(this.rootAbs);
    if (!st.isDirectory()) throw new Error(`Snapshot root ${this.rootAbs} is not a directory. Point the snapshot at the workspace folder.`);
    if (st.ino !== this.root.ino) {
      if (this.root.ino !== 0) this.disarmTree(this.root);
      this.root = newDir(st.ino);
    }
    return this.scanDir(this.root, '', this.rootAbs, storeBlobs);
  }

  /**
   * Re-examines one root-relative path (and, if it is a directory, everything below it). With
   * `named`, the path came from a change source, and if it turns out to be ignored it is listed.
   */
  refreshPath(rel: string, storeBlobs: boolean, named = false): boolean {
    this.listIgnored = named;
    try {
      return this.refreshOne(rel, storeBlobs);
    } finally {
      this.listIgnored = false;
    }
  }

  /**
   * A racy entry that a background walk re-hashed (once its stat was old enough that any later
   * write would change it) and found equal: no longer racy. Only if the tree still holds that very
   * node (any update since replaced it).
   */
  settleRacy(rel: string, node: FileNode): boolean {
    let d: DirNode = this.root;
    const parts = rel.split('/');
    for (let i = 0; i < parts.length - 1; i++) {
      const c = d.children.get(parts[i]!);
      if (!c || c.type !== 'dir') return false;
      d = c;
    }
    if (d.children.get(parts[parts.length - 1]!) !== node) return false;
    node.racy = false;
    return true;
  }

  private refreshOne(rel: string, storeBlobs: boolean): boolean {
    const parts = rel.split('/').filter((p) => p !== '');
    if (parts.length === 0 || !parts.every(isSafeName)) return false;
    const chain: DirNode[] = [this.root];
    let node = this.root;
    let depth = parts.length - 1;
    for (let i = 0; i < parts.length - 1; i++) {
      const c = node.children.get(parts[i]!);
      if (!c || c.type !== 'dir') {
        depth = i; // an unknown or non-directory ancestor: re-examine that ancestor instead
        break;
      }
      node = c;
      chain.push(c);
    }
    const name = parts[depth]!;
    const childRel = parts.slice(0, depth + 1).join('/');
    const changed = this.examine(node, name, childRel, path.join(this.rootAbs, childRel), storeBlobs);
    if (changed) for (const d of chain) this.markDirty(d);
    return changed;
  }

  private markDirty(d: DirNode): void {
    if (d.clean && d.hash) {
      d.base = d.hash;
      d.baseDepth = d.depth;
    }
    d.hash = null;
    d.clean = false;
  }

  /** lstat + update of one child of `parent`; returns true if its tree entry (or storage) changed. */
  private examine(parent: DirNode, name: string, rel: string, abs: string, storeBlobs: boolean): boolean {
    if (this.excluded.has(abs)) return false;
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(abs);
      this.counters.lstats++;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
    }
    // A listed name that lstat cannot find is a race, or a name that is not valid UTF-8 (Node
    // decodes it lossily, so the path no longer exists under that spelling): say so, never drop silently.
    if (!st && name.includes('\uFFFD')) this.counters.unreadable.push(rel);
    const old = parent.children.get(name);
    const snapshotKind = st !== undefined && (st.isFile() || st.isSymbolicLink() || st.isDirectory());
    const ignored = snapshotKind && this.ignore.matches(rel, name, st!.isDirectory());
    if (ignored) this.noteIgnored(rel, st!);
    if (RootIgnore.isIgnoreFile(name) && (old !== undefined) !== (snapshotKind && !ignored)) this.counters.ignoreFilesChanged.add(parentOf(rel));
    const kept = snapshotKind && !ignored;
    if (!st || !kept) {
      // Gone, ignored, or a kind we do not snapshot (fifo, socket, device).
      if (!old) return false;
      this.removeChild(parent, name);
      this.counters.changes++;
      return true;
    }
    return this.update(parent, name, rel, abs, st, storeBlobs);
  }

  /**
   * Ignored entries are never stored, but one that a change source named and that is new or
   * changed since last seen is listed (the run shows what an agent wrote into ignored folders).
   */
  private noteIgnored(rel: string, st: fs.Stats): void {
    const sig = `${st.mtimeMs}:${st.ctimeMs}:${st.size}`;
    const seen = this.ignoredSeen.get(rel);
    this.ignoredSeen.set(rel, sig);
    if (!this.listIgnored || seen === sig) return;
    if (this.counters.ignored.length < MAX_LISTED) this.counters.ignored.push(st.isDirectory() ? `${rel}/` : rel);
  }

  private removeChild(parent: DirNode, name: string): void {
    const old = parent.children.get(name);
    if (old && old.type === 'dir') this.disarmTree(old);
    parent.children.delete(name);
  }

  /** Arms the hooks (a watcher) on every folder of the tree without looking at any file. */
  armAll(d: DirNode = this.root, rel = '', abs = this.rootAbs): void {
    this.hooks?.armDir(rel, abs, d);
    for (const [name, c] of d.children) if (c.type === 'dir') this.armAll(c, rel === '' ? name : `${rel}/${name}`, `${abs}/${name}`);
  }

  disarmTree(d: DirNode): void {
    this.hooks?.disarmDir(d);
    for (const c of d.children.values()) if (c.type === 'dir') this.disarmTree(c);
  }

  private update(parent: DirNode, name: string, rel: string, abs: string, st: fs.Stats, storeBlobs: boolean): boolean {
    const old = parent.children.get(name);
    if (st.isDirectory()) {
      let node: DirNode;
      let changed = false;
      if (old && old.type === 'dir') {
        node = old;
      } else {
        this.counters.changes++;
        node = newDir(st.ino);
        parent.children.set(name, node);
        changed = true;
      }
      node.ino = st.ino;
      if (this.scanDir(node, rel, abs, storeBlobs)) changed = true;
      return changed;
    }
    const type: FileNode['type'] = st.isFile() ? 'file' : 'symlink';
    const mode = type === 'file' ? st.mode & 0o777 : 0;
    if (
      old && old.type === type && !old.racy && old.size === st.size && old.mtimeMs === st.mtimeMs &&
      old.ctimeMs === st.ctimeMs && old.ino === st.ino && old.mode === mode && (old.stored || !storeBlobs)
    ) {
      return false;
    }
    if (old && old.type === 'dir') this.disarmTree(old);
    let hash: string;
    let size: number;
    let stored = false;
    let depth: number | undefined;
    if (type === 'file' && !canRead(abs)) {
      this.counters.unreadable.push(rel);
      if (!old) return false;
      this.removeChild(parent, name);
      this.counters.changes++;
      return true;
    }
    if (type === 'file') {
      if (storeBlobs) {
        // The file's previous content is the natural delta base (an edit changes a file in place).
        const base = old && old.type === 'file' && old.stored && old.depth !== undefined && old.depth < MAX_BLOB_DELTA_DEPTH ? old : undefined;
        const r = this.store.putFile(abs, base?.hash);
        if (!r) return this.examine(parent, name, rel, abs, storeBlobs); // changed kind under us: look again
        hash = r.hash;
        size = r.size;
        stored = true;
        depth = r.delta ? base!.depth! + 1 : r.written > 0 ? 0 : undefined;
        this.counters.bytesWritten += r.written;
      } else {
        const h = hashFileNoFollow(abs);
        if (!h) return this.examine(parent, name, rel, abs, storeBlobs);
        hash = h.hash;
        size = h.size;
      }
    } else {
      let target: Buffer;
      try {
        target = fs.readlinkSync(abs, { encoding: 'buffer' });
      } catch {
        return this.examine(parent, name, rel, abs, storeBlobs);
      }
      size = target.length;
      if (storeBlobs) {
        const r = this.store.putBytes('b', target);
        hash = r.hash;
        stored = true;
        this.counters.bytesWritten += r.written;
      } else {
        hash = createHash('sha256').update(target).digest('hex');
      }
    }
    this.counters.hashed++;
    if (!stored && old && old.type !== 'dir' && old.hash === hash && old.stored) stored = true;
    const now = Date.now();
    const node: FileNode = {
      type, mode, size, hash, stored, ...(depth !== undefined ? { depth } : {}),
      mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino,
      racy: now - st.mtimeMs < RACY_MS || now - st.ctimeMs < RACY_MS,
    };
    parent.children.set(name, node);
    if (!old || old.type !== type || old.hash !== hash || old.mode !== mode || old.size !== size) {
      if (RootIgnore.isIgnoreFile(name)) this.counters.ignoreFilesChanged.add(parentOf(rel));
      this.counters.changes++;
      return true;
    }
    return !stored;
  }

  /** Lists one directory and updates its children (recursively). Returns true if anything changed. */
  private scanDir(dir: DirNode, rel: string, abs: string, storeBlobs: boolean): boolean {
    this.hooks?.armDir(rel, abs, dir);
    let names: string[];
    try {
      names = fs.readdirSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') names = [];
      else if (denied(e)) {
        this.counters.unreadable.push(`${rel}/`);
        names = [];
      } else throw e;
    }
    let changed = false;
    const seen = new Set<string>();
    for (const name of names) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      if (this.examine(dir, name, childRel, `${abs}/${name}`, storeBlobs)) changed = true;
      if (dir.children.has(name)) seen.add(name);
    }
    for (const name of [...dir.children.keys()]) {
      if (!seen.has(name)) {
        this.removeChild(dir, name);
        changed = true;
      }
    }
    if (changed) this.markDirty(dir);
    return changed;
  }

  /**
   * Computes tree hashes of every directory whose hash is unknown; when `storeObjects`, also stores
   * the blobs and trees not yet in the store. Only directories on changed paths are visited.
   */
  finalize(storeObjects: boolean, onTree?: (hash: string, entries: TreeEntry[]) => void, knownTree?: (hash: string) => TreeEntry[] | undefined): string {
    const visit = (dir: DirNode, rel: string, abs: string): string => {
      if (dir.clean && dir.hash) return dir.hash;
      if (!storeObjects && dir.hash) return dir.hash;
      const names = [...dir.children.keys()].sort(compareNames);
      const entries: TreeEntry[] = [];
      let count = 0;
      for (const name of names) {
        let child = dir.children.get(name)!;
        if (storeObjects && child.type !== 'dir' && !child.stored) {
          this.examine(dir, name, rel === '' ? name : `${rel}/${name}`, `${abs}/${name}`, true);
          const again = dir.children.get(name);
          if (!again) continue;
          child = again;
        }
        if (child.type === 'dir') {
          // A clean child's hash is known: its paths are built only to descend into it.
          const h = child.clean && child.hash ? child.hash : visit(child, rel === '' ? name : `${rel}/${name}`, `${abs}/${name}`);
          entries.push({ name, type: 'dir', mode: 0, size: 0, hash: h });
          count += child.fileCount;
        } else {
          entries.push({ name, type: child.type, mode: child.mode, size: child.size, hash: child.hash });
          count += 1;
        }
      }
      // The rows are built once, for the tree's bytes and for its delta.
      const rows = entries.map(treeRow);
      const bytes = serializeRows(rows);
      const hash = hashTreeBytes(bytes);
      if (storeObjects) {
        const deltaOk = dir.base !== undefined && dir.baseDepth !== undefined && dir.baseDepth < MAX_DELTA_DEPTH;
        // The base's entries are usually in the engine's tree cache (it finalized them): no parsing.
        const baseEntries = deltaOk ? knownTree?.(dir.base!) : undefined;
        const r = this.store.putTree(bytes, hash, deltaOk ? dir.base : undefined, {
          rows,
          ...(baseEntries ? { baseRows: baseEntries.map(treeRow) } : {}),
        });
        this.counters.bytesWritten += r.written;
        dir.depth = r.delta ? dir.baseDepth! + 1 : r.written > 0 ? 0 : undefined;
        dir.base = undefined;
        dir.clean = true;
      }
      dir.hash = hash;
      dir.fileCount = count;
      onTree?.(hash, entries);
      return hash;
    };
    return visit(this.root, '', this.rootAbs);
  }

  /** Forgets that objects are stored (after a GC elsewhere): the next finalize re-checks and re-stores. */
  revalidate(has: (hash: string) => boolean): number {
    let lost = 0;
    const walk = (d: DirNode): boolean => {
      let bad = false;
      for (const c of d.children.values()) {
        if (c.type === 'dir') {
          if (walk(c)) bad = true;
        } else if (c.stored && !has(c.hash)) {
          c.stored = false;
          lost++;
          bad = true;
        }
      }
      if (bad || (d.hash !== null && !has(d.hash))) {
        d.clean = false;
        bad = true;
      }
      return bad;
    };
    walk(this.root);
    return lost;
  }

  /** Every object hash the in-memory state refers to (a GC root while this engine is open). */
  collectHashes(into: Set<string>, trees?: Set<string>): void {
    const walk = (d: DirNode): void => {
      if (d.hash) {
        into.add(d.hash);
        trees?.add(d.hash);
      }
      for (const c of d.children.values()) {
        if (c.type === 'dir') walk(c);
        else into.add(c.hash);
      }
    };
    walk(this.root);
  }
}


function canRead(abs: string): boolean {
  try {
    fs.accessSync(abs, fs.constants.R_OK);
    return true;
  } catch (e) {
    return !denied(e); // vanished meanwhile: let the read report it
  }
}

/** Hashes a regular file without storing it; undefined if it is no longer a regular file. */
export function hashFileNoFollow(abs: string): { hash: string; size: number } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(abs, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    if (!fs.fstatSync(fd).isFile()) return undefined;
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(1024 * 1024);
    let size = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      size += n;
    }
    return { hash: h.digest('hex'), size };
  } finally {
    fs.closeSync(fd);
  }
}
