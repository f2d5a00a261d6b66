/**
 * SnapshotEngine: incremental, content-addressed workspace checkpoints (no `vscode` import).
 *
 *   const eng = await SnapshotEngine.open('<ws>/.nemocognition/snapshots', { ignore: DEFAULT_IGNORE_GLOBS });
 *   const a = await eng.take(ws, { reason: 'before tool call' });       // SnapshotRecord (extends SnapshotInfo)
 *   const b = await eng.take(ws, { reason: 'x', hints: ['src/a.ts'] });  // hints add to the watcher's events
 *   eng.diff(a.id, b.id); await eng.diffLive(a.id, ws);                   // FileChange[]
 *   eng.readFile(a.id, 'src/a.ts'); eng.listFiles(a.id);                  // for a diff content provider
 *   await eng.materialise(a.id, emptyDir);                                // refuses a non-empty folder
 *   const r = await eng.restore(a.id, ws);  await eng.restore(r.undoSnapshotId, ws);  // restore + undo
 *   await eng.planRestore(a.id, ws);                                     // what restore would do (preview)
 *   await eng.gc(keepIds); eng.sizeOnDisk(); await eng.enforceBudget(maxBytes, protectedIds);
 *   eng.close();
 *
 * Store layout (`storeDir`): `objects/` (blobs + Merkle trees, see objects.ts), `snapshots/<id>.json`
 * (refs, written last and atomically), `lock` (one writer across processes), `gc-generation`
 * (bumped by every GC so other processes re-check their caches), `quarantine/` (damaged objects),
 * `state/` (persisted stat caches), `barrier/` (the watcher's flush files).
 *
 * Cost of a checkpoint: the change source names what to re-examine (see changeSource.ts: a
 * barrier-flushed fs.watch watcher by default, a full lstat walk as the always-correct fallback,
 * caller hints); only those paths are lstat'ed and, if their stat changed, read and hashed; only
 * the directories on their paths get new tree objects. The in-memory LiveTree of each root holds
 * everything else. The first checkpoint of a root in a process is a full lstat walk, which re-reads
 * only files whose stat differs from the persisted stat cache.
 *
 * Safety: restore/materialise check every path before writing anything (PathEscapeError); tree
 * entries with unsafe names are rejected on read (InvalidTreeError); every object read is verified
 * (CorruptObjectError, after moving the bad copy to quarantine/ and trying to re-store it from a
 * live file with the same content). Restore never writes or deletes ignored paths nor any `.git`,
 * refuses symlinks pointing outside the workspace unless allowed, and can pin its safety snapshot
 * (`pins/`: pinned snapshots survive GC and the size budget).
 */
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { newId } from '../model/ids';
import { PathEscapeError, type FileChange, type RestoreResult, type TreeEntry } from './api';
import { FullScanSource, HintsSource, type ChangeSource, type ChangeSourceKind } from './changeSource';
import { diffViews } from './diff';
import { DEFAULT_IGNORE_GLOBS, IgnoreMatcher } from './ignore';
import { LiveTree, type DirNode, type LiveNode } from './liveTree';
import { CorruptObjectError, DEFAULT_OBJECT_OPTIONS, ObjectStore, type ObjectStoreOptions } from './objects';
import { RefStore, type SnapshotRecord } from './refs';
import { loadState, saveState, stateFile } from './statCache';
import { applyPlan, checkPlan, planTransform, type ApplyResult, type PlanOp } from './restore';
import { PinStore } from './pins';
import { OutsideSymlinkError, outsideTarget } from './symlinkTargets';
import { acquireStoreLock } from './storeLock';
import { compareNames, hashTreeBytes, isSafeName, parseTree, serializeTree } from './tree';
import { EMPTY_VIEW, liveView, storeView, type TreeView } from './treeView';
import { WatcherSource, unwatchableReason } from './watcher';

export interface SnapshotEngineOptions {
  /** User ignore globs (see ignore.ts); default DEFAULT_IGNORE_GLOBS. The store and `.git/` are always ignored. */
  ignore?: readonly string[];
  /** Include the user's `.git/` (read-only: restore never writes or deletes inside it either way). */
  includeGit?: boolean;
  /** Default change source for `take` / `diffLive`; default `auto`. */
  changeSource?: ChangeSourceKind;
  /** With the watcher, walk everything every N checkpoints to verify it (0 = never); default 50. */
  verifyEvery?: number;
  /** Events between two checkpoints beyond which a full walk is forced (possible queue overflow). */
  watcherOverflowEvents?: number;
  /** Size budget: after a checkpoint, drop the oldest unprotected snapshots and GC while over it. */
  budget?: { maxBytes: number; protect?: () => Iterable<string> };
  objects?: Partial<ObjectStoreOptions>;
  /**
   * Persist each root's stat cache (so the first checkpoint of the next process re-reads only what
   * changed) on close, after the first walk, and at most this often after checkpoints; -1 = never.
   * Default 5 minutes.
   */
  persistStatCacheMs?: number;
  /** How long to wait for another process holding the store lock; default 30 s. */
  lockTimeoutMs?: number;
}

export interface TakeOptions {
  reason: string;
  /** Parent for `changedCount`; default the newest snapshot of this root (by this or an earlier process). */
  parentId?: string | null;
  changeSource?: ChangeSourceKind;
  /** Root-relative paths the caller knows changed; added to what the source finds. */
  hints?: Iterable<string>;
}

export interface RestoreOptions {
  /** Recreate symlinks that point outside the workspace (refused by default: OutsideSymlinkError). */
  allowOutsideSymlinks?: boolean;
  /** Pin the safety snapshot (an undo point) with this reason before writing, so no GC or budget drops it. */
  pinSafety?: string;
}

export interface GcResult {
  droppedSnapshots: string[];
  removedObjects: number;
  freedBytes: number;
  keptObjects: number;
}

export interface FsckResult {
  checked: number;
  corrupt: string[];
  repaired: string[];
}

interface RootState {
  tree: LiveTree;
  watcher: WatcherSource | undefined;
  /** Why this root is not watched (shown in snapshot notes). */
  noWatchReason: string | undefined;
  initialised: boolean;
  lastId: string | null;
  sinceVerify: number;
  gcGen: number;
  /** Paths this engine wrote by restore: re-examined at the next refresh whatever the source. */
  pending: Set<string>;
  /** When the stat cache was last persisted (0: never). */
  savedAt: number;
}

const TREE_CACHE_MAX = 100_000;

export class SnapshotEngine {
  readonly objects: ObjectStore;
  readonly refs: RefStore;
  readonly ignore: IgnoreMatcher;
  /** Snapshots no GC or size budget may drop (undo points). */
  readonly pins: PinStore;
  private readonly states = new Map<string, RootState>();
  private readonly treeCache = new Map<string, TreeEntry[]>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly lockPath: string;
  private readonly genPath: string;
  private readonly storeReal: string;
  private approxSize: number | undefined;
  private closed = false;

  private constructor(readonly storeDir: string, readonly options: SnapshotEngineOptions) {
    fs.mkdirSync(storeDir, { recursive: true });
    this.storeReal = fs.realpathSync(storeDir);
    this.objects = new ObjectStore(this.storeReal, { ...DEFAULT_OBJECT_OPTIONS, ...options.objects });
    this.refs = new RefStore(this.storeReal, this.objects.options.fsync);
    this.pins = new PinStore(this.storeReal);
    this.ignore = new IgnoreMatcher(options.ignore ?? DEFAULT_IGNORE_GLOBS, { includeGit: options.includeGit });
    this.lockPath = path.join(this.storeReal, 'lock');
    this.genPath = path.join(this.storeReal, 'gc-generation');
  }

  /** Opens (creating if needed) a store, and cleans what a crashed process left behind. */
  static async open(storeDir: string, options: SnapshotEngineOptions = {}): Promise<SnapshotEngine> {
    const eng = new SnapshotEngine(storeDir, options);
    const release = await eng.lock();
    try {
      eng.objects.cleanTemp();
      eng.refs.cleanTemp();
      eng.cleanStaleBarriers();
    } finally {
      release();
    }
    return eng;
  }

  private lock(): Promise<() => void> {
    return acquireStoreLock(this.lockPath, this.options.lockTimeoutMs ?? 30_000);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The snapshot engine is closed. Open it again to use the store.'));
    const p = this.queue.then(fn, fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private cleanStaleBarriers(): void {
    const dir = path.join(this.storeReal, 'barrier');
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const pid = Number(n.split('-')[0]);
      let alive = false;
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
      if (!alive) fs.rmSync(path.join(dir, n), { recursive: true, force: true });
    }
  }

  private readGeneration(): number {
    try {
      return Number(fs.readFileSync(this.genPath, 'utf8')) || 0;
    } catch {
      return 0;
    }
  }

  private stateFor(rootAbs: string, wanted: ChangeSourceKind): RootState {
    let st = this.states.get(rootAbs);
    if (st) return st;
    const excluded = new Set([this.storeReal]);
    const tree = new LiveTree(rootAbs, this.ignore, excluded, this.objects);
    st = {
      tree, watcher: undefined, noWatchReason: undefined, initialised: false, lastId: null,
      sinceVerify: 0, gcGen: this.readGeneration(), pending: new Set(), savedAt: 0,
    };
    // Lineage continues across processes: the default parent is this folder's newest snapshot.
    const prev = this.refs.list().filter((r) => r.rootPath === rootAbs);
    st.lastId = prev.length > 0 ? prev[prev.length - 1]!.id : null;
    const saved = loadState(stateFile(this.storeReal, rootAbs), rootAbs, fs.lstatSync(rootAbs).ino);
    if (saved) {
      tree.root = saved.root;
      // Objects are only ever removed by GC: if one ran since the save, re-check what the cache claims.
      if (saved.gen !== st.gcGen) tree.revalidate((h) => this.objects.has(h));
    }
    // Watch when this call or the engine's default wants it; an explicit 'watcher' watches anywhere.
    const kinds = [wanted, this.options.changeSource ?? 'auto'];
    const unwatchable = kinds.includes('watcher') ? undefined : unwatchableReason(rootAbs);
    if (unwatchable) {
      st.noWatchReason = unwatchable;
    } else if (kinds.includes('auto') || kinds.includes('watcher')) {
      const w = new WatcherSource(path.join(this.storeReal, 'barrier', `${process.pid}-${randomBytes(4).toString('hex')}`), {
        overflowEvents: this.options.watcherOverflowEvents,
      });
      if (w.healthy) {
        st.watcher = w;
        tree.hooks = w;
      } else {
        st.noWatchReason = w.failureReason;
        w.close();
      }
    } else {
      st.noWatchReason = `change source "${wanted}" requested`;
    }
    this.states.set(rootAbs, st);
    return st;
  }

  private resolveRoot(root: string): string {
    try {
      return fs.realpathSync(root);
    } catch {
      throw new Error(`The workspace folder ${root} does not exist. Open an existing folder or create it first.`);
    }
  }

  /**
   * Brings the LiveTree of a root up to date. `storeBlobs` false hashes without storing (diffLive).
   */
  private async refresh(st: RootState, wanted: ChangeSourceKind, hints: Iterable<string> | undefined, storeBlobs: boolean) {
    const tree = st.tree;
    tree.resetCounters();
    const extra = [...st.pending, ...(hints ?? [])];
    st.pending.clear();
    const w = st.watcher;
    const full = (forceRearm: boolean): void => {
      w?.drain(); // events before this walk are covered by it
      if (w) w.forceRearm = forceRearm;
      try {
        tree.fullScan(storeBlobs);
      } finally {
        if (w) w.forceRearm = false;
      }
    };
    let source: ChangeSource;
    if (!st.initialised) source = new FullScanSource('first checkpoint of this folder in this process: full walk');
    else if (wanted === 'hints') source = new HintsSource(extra);
    else if (wanted === 'full-scan') source = new FullScanSource();
    else if (!w) source = new FullScanSource(st.noWatchReason && `not watched: ${st.noWatchReason}`);
    else source = w;
    const set = await source.collect();
    st.initialised = true;

    if (source === w) {
      let why = set.note;
      if (!set.full) {
        let rootMoved = false;
        try {
          rootMoved = fs.lstatSync(tree.rootAbs).ino !== tree.root.ino;
        } catch {
          rootMoved = true;
        }
        const paths = set.paths as Set<string>;
        if (rootMoved) why = 'the workspace folder was replaced';
        else if (paths.has('.')) why = 'the watcher reported an unnamed change';
      }
      if (set.full || why !== undefined) {
        full(true);
        if (!w.resetFailure()) {
          tree.disarmTree(tree.root);
          w.close();
          st.watcher = undefined;
          tree.hooks = undefined;
          st.noWatchReason = why;
        }
        return { source: 'full-scan' as const, events: set.events, note: `watcher: ${why ?? 'events may be lost'}; fell back to a full walk` };
      }
    } else if (set.full) {
      full(false);
      return { source: 'full-scan' as const, events: 0, note: set.note };
    }

    if (w) w.forceRearm = true; // a directory named by an event may have been replaced
    try {
      for (const p of set.paths) tree.refreshPath(p, storeBlobs);
      if (source !== w) return { source: source.kind, events: 0, note: undefined };
      for (const p of extra) tree.refreshPath(p, storeBlobs);
    } finally {
      if (w) w.forceRearm = false;
    }
    const every = this.options.verifyEvery ?? 50;
    st.sinceVerify++;
    if (every > 0 && st.sinceVerify >= every) {
      st.sinceVerify = 0;
      const before = tree.counters.changes;
      full(false);
      const missed = tree.counters.changes - before;
      return {
        source: 'watcher' as const,
        events: set.events,
        note: missed > 0 ? `verification walk found ${missed} change(s) the watcher missed` : 'verification walk agreed with the watcher',
      };
    }
    return { source: 'watcher' as const, events: set.events, note: undefined };
  }

  /** Takes a checkpoint of `root`. */
  take(root: string, opts: TakeOptions): Promise<SnapshotRecord> {
    return this.serial(() => this.takeNow(root, opts));
  }

  private async takeNow(root: string, opts: TakeOptions): Promise<SnapshotRecord> {
    const t0 = performance.now();
    const rootAbs = this.resolveRoot(root);
    const wanted = opts.changeSource ?? this.options.changeSource ?? 'auto';
    const st = this.stateFor(rootAbs, wanted);
    const release = await this.lock();
    let rec: SnapshotRecord;
    try {
      const gen = this.readGeneration();
      if (gen !== st.gcGen) {
        st.tree.revalidate((h) => this.objects.has(h));
        st.gcGen = gen;
      }
      const r = await this.refresh(st, wanted, opts.hints, true);
      const rootHash = st.tree.finalize(true, (h, e) => this.cacheTree(h, e));
      // The default parent (this root's previous snapshot) may have been collected since: then none.
      const parent = opts.parentId ? this.refs.get(opts.parentId) : opts.parentId === undefined && st.lastId ? this.refs.get(st.lastId) : undefined;
      if (opts.parentId && !parent) throw new Error(`Parent snapshot ${opts.parentId} does not exist. Pass an id from the snapshot list, or none.`);
      const parentId = parent?.id ?? null;
      const changedCount = parent
        ? diffViews(this.view(parent.root), this.view(rootHash)).length
        : st.tree.root.fileCount;
      rec = {
        id: newId('snap'),
        root: rootHash,
        parentId,
        createdAt: Date.now(),
        fileCount: st.tree.root.fileCount,
        changedCount,
        bytesWritten: st.tree.counters.bytesWritten,
        reason: opts.reason,
        rootPath: rootAbs,
        changeSource: r.source,
        ...(r.note ? { note: r.note } : {}),
        stats: { lstats: st.tree.counters.lstats, hashed: st.tree.counters.hashed, events: r.events, ms: 0 },
      };
      const unreadable = st.tree.counters.unreadable;
      if (unreadable.length > 0) {
        const more = `${unreadable.length} path(s) could not be read and are not in this snapshot (${unreadable.slice(0, 3).join(', ')}${unreadable.length > 3 ? ', ...' : ''}); restore leaves them alone. To include them, give this user read access (or rename files whose names are not valid UTF-8).`;
        rec.note = rec.note ? `${rec.note}; ${more}` : more;
      }
      rec.stats.ms = Math.round((performance.now() - t0) * 100) / 100;
      const refBytes = this.refs.write(rec);
      st.lastId = rec.id;
      const every = this.options.persistStatCacheMs ?? 5 * 60_000;
      if (r.source === 'full-scan' && st.savedAt === 0) this.persist(rootAbs, st);
      else if (every >= 0 && Date.now() - st.savedAt > every) this.persist(rootAbs, st);
      if (this.approxSize !== undefined) this.approxSize += rec.bytesWritten + refBytes;
    } finally {
      release();
    }
    const budget = this.options.budget;
    if (budget) {
      if (this.approxSize === undefined) this.approxSize = this.sizeOnDisk();
      if (this.approxSize > budget.maxBytes) {
        await this.enforceBudgetNow(budget.maxBytes, new Set([...(budget.protect?.() ?? []), rec.id]));
      }
    }
    return rec;
  }

  private cacheTree(hash: string, entries: TreeEntry[]): void {
    if (this.treeCache.size >= TREE_CACHE_MAX) this.treeCache.clear();
    this.treeCache.set(hash, entries);
  }

  /** Reads (and verifies) a tree object; a damaged one is repaired from the live folder when possible. */
  readTree(hash: string): TreeEntry[] {
    const hit = this.treeCache.get(hash);
    if (hit) return hit;
    let bytes: Buffer;
    try {
      bytes = this.objects.read(hash, 't');
    } catch (e) {
      if (!(e instanceof CorruptObjectError) || !this.repair(hash)) throw e;
      bytes = this.objects.read(hash, 't');
    }
    const entries = parseTree(hash, bytes);
    this.cacheTree(hash, entries);
    return entries;
  }

  private readBlob(hash: string): Buffer {
    try {
      return this.objects.read(hash, 'b');
    } catch (e) {
      if (!(e instanceof CorruptObjectError) || !this.repair(hash)) throw e;
      return this.objects.read(hash, 'b');
    }
  }

  private view(hash: string): TreeView {
    return storeView(hash, (h) => this.readTree(h));
  }

  private record(id: string): SnapshotRecord {
    const rec = this.refs.get(id);
    if (!rec) throw new Error(`Snapshot ${id} does not exist (it may have been removed by garbage collection). Pick one from the snapshot list.`);
    return rec;
  }

  get(id: string): SnapshotRecord | undefined {
    return this.refs.get(id);
  }

  /** All snapshots in the store, oldest first. */
  list(): SnapshotRecord[] {
    return this.refs.list();
  }

  diff(aId: string, bId: string): FileChange[] {
    return diffViews(this.view(this.record(aId).root), this.view(this.record(bId).root));
  }

  /** What changed in the live folder since snapshot `id` (hashes changed files, stores nothing). */
  diffLive(id: string, root: string): Promise<FileChange[]> {
    return this.serial(async () => diffViews(this.view(this.record(id).root), await this.liveViewOf(root)));
  }

  /** The entry at a root-relative path in a snapshot, or undefined. Unsafe paths are refused. */
  entryAt(id: string, relPath: string): TreeEntry | undefined {
    const parts = relPath.split('/').filter((p) => p !== '');
    if (!parts.every(isSafeName)) throw new PathEscapeError(relPath, 'it is not a plain relative path inside the workspace');
    let entries = this.readTree(this.record(id).root);
    let found: TreeEntry | undefined;
    for (let i = 0; i < parts.length; i++) {
      found = entries.find((e) => e.name === parts[i]);
      if (!found) return undefined;
      if (i < parts.length - 1) {
        if (found.type !== 'dir') return undefined;
        entries = this.readTree(found.hash);
      }
    }
    return found;
  }

  /** A file's bytes (a symlink's target) in a snapshot; undefined if absent or a directory. */
  readFile(id: string, relPath: string): Buffer | undefined {
    const e = this.entryAt(id, relPath);
    if (!e || e.type === 'dir') return undefined;
    return this.readBlob(e.hash);
  }

  /** Every file and symlink path in a snapshot, sorted. O(snapshot size). */
  listFiles(id: string): string[] {
    const out: string[] = [];
    const walk = (hash: string, prefix: string): void => {
      for (const e of this.readTree(hash)) {
        const p = prefix === '' ? e.name : `${prefix}/${e.name}`;
        if (e.type === 'dir') walk(e.hash, p);
        else out.push(p);
      }
    };
    walk(this.record(id).root, '');
    return out;
  }

  /** Writes a snapshot into an empty (or missing) folder. */
  materialise(id: string, dir: string): Promise<ApplyResult> {
    return this.serial(async () => {
      const rec = this.record(id);
      fs.mkdirSync(dir, { recursive: true });
      const abs = fs.realpathSync(dir);
      if (fs.readdirSync(abs).length > 0) {
        throw new Error(`Refusing to materialise snapshot ${id} into ${dir}: the folder is not empty. Choose an empty or new folder.`);
      }
      const plan = planTransform(EMPTY_VIEW, this.view(rec.root), this.ignore);
      checkPlan(abs, plan);
      this.preverify(plan);
      return applyPlan(abs, plan, this.objects);
    });
  }

  /**
   * Makes `root` match snapshot `id`: first takes a safety snapshot (restore it to undo), then
   * writes only what differs, deletes what the snapshot lacks (never ignored paths), fixes modes,
   * recreates symlinks as links. Every path is checked before anything is written.
   */
  restore(id: string, root: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
    return this.serial(async () => {
      const rec = this.record(id);
      const safety = await this.takeNow(root, { reason: `safety snapshot before restoring ${id}` });
      const rootAbs = safety.rootPath;
      const release = await this.lock();
      try {
        const plan = planTransform(this.view(safety.root), this.view(rec.root), this.ignore, { protectGit: true });
        checkPlan(rootAbs, plan);
        if (!opts.allowOutsideSymlinks) this.refuseOutsideSymlinks(rootAbs, plan);
        this.preverify(plan);
        // The undo point is pinned before the first write: from then on no GC or budget may drop it.
        if (opts.pinSafety) this.pins.pin(safety.id, opts.pinSafety);
        const st = this.states.get(rootAbs);
        for (const o of plan) st?.pending.add(o.path);
        const r = applyPlan(rootAbs, plan, this.objects);
        return { written: r.written, deleted: r.deleted, undoSnapshotId: safety.id };
      } finally {
        release();
      }
    });
  }

  /**
   * What restore(id, root) would do now, without writing anything or taking a safety snapshot:
   * the same plan restore computes (live folder -> snapshot), for a preview.
   */
  planRestore(id: string, root: string): Promise<PlanOp[]> {
    return this.serial(async () => planTransform(await this.liveViewOf(root), this.view(this.record(id).root), this.ignore, { protectGit: true }));
  }

  /** The live folder as a tree (refreshed from the change source; hashes changed files, stores nothing). */
  private async liveViewOf(root: string): Promise<TreeView> {
    const rootAbs = this.resolveRoot(root);
    const wanted = this.options.changeSource ?? 'auto';
    const st = this.stateFor(rootAbs, wanted);
    await this.refresh(st, wanted, undefined, false);
    st.tree.finalize(false);
    return liveView(st.tree.root);
  }

  /** A symlink's target in a snapshot (its blob). */
  symlinkTarget(entry: TreeEntry): string {
    return this.readBlob(entry.hash).toString('utf8');
  }

  private refuseOutsideSymlinks(rootAbs: string, plan: readonly PlanOp[]): void {
    const bad: Array<{ path: string; target: string }> = [];
    for (const o of plan) {
      if (o.op !== 'symlink') continue;
      const target = this.symlinkTarget(o.entry);
      if (outsideTarget(rootAbs, o.path, target) !== null) bad.push({ path: o.path, target });
    }
    if (bad.length) throw new OutsideSymlinkError(bad);
  }

  /** Every blob a plan needs must be sound before the first write (repairing from live files if possible). */
  private preverify(plan: ReturnType<typeof planTransform>): void {
    for (const o of plan) {
      if (o.op !== 'write' && o.op !== 'symlink') continue;
      try {
        this.objects.verify(o.entry.hash);
      } catch (e) {
        if (!(e instanceof CorruptObjectError) || !this.repair(o.entry.hash)) throw e;
      }
    }
  }

  deleteSnapshot(id: string): void {
    this.refs.remove(id);
  }

  /**
   * Mark & sweep. With `liveSnapshotIds`, refs not in it are deleted first; without, every ref is
   * live. Objects reachable from live refs, or from this engine's in-memory state, are kept.
   */
  gc(liveSnapshotIds?: Iterable<string>): Promise<GcResult> {
    return this.serial(() => this.gcNow(liveSnapshotIds ? new Set(liveSnapshotIds) : undefined));
  }

  private async gcNow(live: Set<string> | undefined): Promise<GcResult> {
    const release = await this.lock();
    try {
      const dropped: string[] = [];
      if (live) {
        const pinned = this.pins.list();
        for (const rec of this.refs.list()) {
          if (!live.has(rec.id) && !pinned.has(rec.id)) {
            this.refs.remove(rec.id);
            dropped.push(rec.id);
          }
        }
      }
      const reachable = new Set<string>();
      const mark = (hash: string): void => {
        if (reachable.has(hash)) return;
        reachable.add(hash);
        for (const e of this.readTree(hash)) {
          if (e.type === 'dir') mark(e.hash);
          else reachable.add(e.hash);
        }
      };
      const unreadable: string[] = [];
      const recs = this.refs.list(unreadable);
      if (unreadable.length > 0) {
        throw new Error(`Garbage collection stopped: snapshot refs ${unreadable.join(', ')} cannot be read, so what they reference is unknown. Nothing was deleted. Move those files out of ${this.refs.dir} and retry.`);
      }
      for (const rec of recs) mark(rec.root);
      for (const st of this.states.values()) st.tree.collectHashes(reachable);
      // Bump the generation BEFORE deleting: a crash mid-sweep must still make other processes
      // re-check the objects their caches believe stored.
      const gen = this.readGeneration() + 1;
      const tmp = `${this.genPath}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, String(gen));
      fs.renameSync(tmp, this.genPath);
      let removed = 0;
      let freed = 0;
      let kept = 0;
      for (const o of this.objects.list()) {
        if (reachable.has(o.hash)) {
          kept++;
          continue;
        }
        this.objects.remove(o.hash);
        this.treeCache.delete(o.hash);
        removed++;
        freed += o.bytes;
      }
      this.objects.cleanTemp();
      for (const st of this.states.values()) st.gcGen = gen; // our own state was a GC root: still valid
      this.approxSize = undefined;
      return { droppedSnapshots: dropped, removedObjects: removed, freedBytes: freed, keptObjects: kept };
    } finally {
      release();
    }
  }

  /** Bytes used by objects and refs. O(objects). */
  sizeOnDisk(): number {
    let n = this.refs.bytes();
    for (const o of this.objects.list()) n += o.bytes;
    this.approxSize = n;
    return n;
  }

  /** Drops the oldest snapshots not in `protectedIds`, with GC, until the store fits `maxBytes`. */
  enforceBudget(maxBytes: number, protectedIds: Iterable<string> = []): Promise<{ dropped: string[]; sizeAfter: number }> {
    return this.serial(() => this.enforceBudgetNow(maxBytes, new Set(protectedIds)));
  }

  private async enforceBudgetNow(maxBytes: number, protect: Set<string>): Promise<{ dropped: string[]; sizeAfter: number }> {
    const dropped: string[] = [];
    let size = this.sizeOnDisk();
    while (size > maxBytes) {
      const pinned = this.pins.list();
      const victims = this.refs.list().filter((r) => !protect.has(r.id) && !pinned.has(r.id));
      if (victims.length === 0) break;
      // Drop about a quarter of what is left per round: few GC passes, little over-deletion.
      const batch = victims.slice(0, Math.max(1, Math.ceil(victims.length / 4)));
      const keep = new Set(this.refs.list().map((r) => r.id));
      for (const v of batch) {
        keep.delete(v.id);
        dropped.push(v.id);
      }
      await this.gcNow(keep);
      size = this.sizeOnDisk();
    }
    return { dropped, sizeAfter: size };
  }

  /**
   * Verifies every object. Damaged ones are quarantined and, when an open root still holds the
   * same content, re-written from it.
   */
  fsck(): Promise<FsckResult> {
    return this.serial(async () => {
      const release = await this.lock();
      try {
        const res: FsckResult = { checked: 0, corrupt: [], repaired: [] };
        for (const o of [...this.objects.list()]) {
          res.checked++;
          try {
            const fd = fs.openSync(this.objects.pathOf(o.hash), 'r');
            const head = Buffer.alloc(4);
            fs.readSync(fd, head, 0, 4, 0);
            fs.closeSync(fd);
            const kind = head[2] === 0x74 ? 't' : 'b';
            if (kind === 't') parseTree(o.hash, this.objects.read(o.hash, 't'));
            else this.objects.verify(o.hash, 'b');
          } catch (e) {
            if (!(e instanceof CorruptObjectError)) throw e;
            res.corrupt.push(o.hash);
            this.treeCache.delete(o.hash);
            if (this.repair(o.hash)) res.repaired.push(o.hash);
          }
        }
        return res;
      } finally {
        release();
      }
    });
  }

  /** Re-stores an object from a live file / directory known to hold exactly that content. */
  private repair(hash: string): boolean {
    for (const st of this.states.values()) {
      const found = findNode(st.tree.root, hash, '');
      if (!found) continue;
      const node = found.node;
      if (node.type === 'dir') {
        const entries = [...node.children.keys()].sort(compareNames).map((name) => {
          const c = node.children.get(name)!;
          return c.type === 'dir'
            ? { name, type: 'dir' as const, mode: 0, size: 0, hash: c.hash ?? '' }
            : { name, type: c.type, mode: c.mode, size: c.size, hash: c.hash };
        });
        const bytes = serializeTree(entries);
        if (hashTreeBytes(bytes) !== hash) continue;
        this.objects.putBytes('t', bytes, hash);
        return true;
      }
      const abs = path.join(st.tree.rootAbs, found.rel);
      if (found.node.type === 'symlink') {
        try {
          if (this.objects.putBytes('b', fs.readlinkSync(abs, { encoding: 'buffer' })).hash === hash) return true;
        } catch {
          // gone
        }
        continue;
      }
      // If the live file no longer holds that content, what putFile stored is just unreferenced.
      const r = this.objects.putFile(abs);
      if (r && r.hash === hash) return true;
    }
    return false;
  }

  private persist(rootAbs: string, st: RootState): void {
    try {
      saveState(stateFile(this.storeReal, rootAbs), rootAbs, st.tree.root, st.gcGen);
      st.savedAt = Date.now();
    } catch {
      // Only a speed-up for the next process: never fail a checkpoint for it.
    }
  }

  /** Stops watchers, saves each root's stat cache for the next process, releases in-memory state. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [rootAbs, st] of this.states) {
      if (st.initialised && (this.options.persistStatCacheMs ?? 0) >= 0) this.persist(rootAbs, st);
      st.tree.disarmTree(st.tree.root);
      st.watcher?.close();
    }
    this.states.clear();
  }

  /** For tests and diagnostics: the change source a root is using now. */
  sourceOf(root: string): 'watcher' | 'full-scan' | 'none' {
    const st = this.states.get(this.resolveRoot(root));
    if (!st) return 'none';
    return st.watcher ? 'watcher' : 'full-scan';
  }
}

function findNode(d: DirNode, hash: string, rel: string): { node: LiveNode; rel: string } | undefined {
  if (d.hash === hash) return { node: d, rel };
  for (const [name, c] of d.children) {
    const p = rel === '' ? name : `${rel}/${name}`;
    if (c.type === 'dir') {
      const f = findNode(c, hash, p);
      if (f) return f;
    } else if (c.hash === hash) {
      return { node: c, rel: p };
    }
  }
  return undefined;
}
