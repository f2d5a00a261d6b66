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
import { DEFAULT_IGNORE_GLOBS, IgnoreMatcher, type RootIgnore } from './ignore';
import { LiveTree, cloneDir, newDir, type DirNode, type LiveNode } from './liveTree';
import { OverlaySource } from './overlaySource';
import { CorruptObjectError, DEFAULT_OBJECT_OPTIONS, ObjectStore, type ObjectStoreOptions } from './objects';
import { RefStore, type SnapshotRecord } from './refs';
import { loadState, saveState, stateFile } from './statCache';
import { SyncBatch } from './durability';
import { applyPlan, applyPlanConcurrently, checkPlan, planTransform, removeRestoreTemps, type ApplyResult, type PlanOp } from './restore';
import { RestoreJournal, type RestoreIntent } from './restoreJournal';
import { PinStore } from './pins';
import { OutsideSymlinkError, outsideTarget } from './symlinkTargets';
import { acquireStoreLock } from './storeLock';
import { compareNames, hashTreeBytes, isSafeName, parseTree, serializeTree } from './tree';
import { EMPTY_VIEW, liveView, storeView, type TreeView } from './treeView';
import { BackgroundVerifier } from './verifier';
import { WatcherSource, unwatchableReason } from './watcher';

export interface SnapshotEngineOptions {
  /** User ignore globs (see ignore.ts); default DEFAULT_IGNORE_GLOBS. The store and `.git/` are always ignored. */
  ignore?: readonly string[];
  /** Include the user's `.git/` (read-only: restore never writes or deletes inside it either way). */
  includeGit?: boolean;
  /**
   * Honour the workspace's own ignore files (`.gitignore` at every level, `.git/info/exclude`,
   * `.nemocognitionignore`) besides `ignore`; default true. See ignore.ts.
   */
  ignoreFiles?: boolean;
  /** Default change source for `take` / `diffLive`; default `auto`. */
  changeSource?: ChangeSourceKind;
  /**
   * With the watcher, compare everything with a full walk at least every N checkpoints (0 = never);
   * default 50. The walk runs in idle time from checkpoint N/2 on and is reconciled into the next
   * checkpoint; only a walk still unfinished when checkpoint N falls due is completed inline.
   */
  verifyEvery?: number;
  /** Events between two checkpoints beyond which a full walk is forced (possible queue overflow). */
  watcherOverflowEvents?: number;
  /**
   * Size budget: after a checkpoint that leaves the store over `maxBytes`, drop the oldest
   * unprotected snapshots and GC until it is under 80 % of it (or nothing unprotected is left).
   */
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
  /**
   * When a restore's writes are flushed (every written file's data and every folder written into):
   * `background` (default) after restore() returns, while the store lock and the restore's journal
   * record are still held, so a crash or power loss before the flush is done is completed by the
   * next open; the engine's next operation waits for it. `inline` before restore() returns.
   */
  restoreDurability?: 'background' | 'inline';
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
  /** The background verification walk in progress, if any. */
  verifier: BackgroundVerifier | undefined;
  gcGen: number;
  /** Paths this engine wrote by restore: re-examined at the next refresh whatever the source. */
  pending: Set<string>;
  /** When the stat cache was last persisted (0: never). */
  savedAt: number;
  /** An overlay-backed branch sandbox: its upper layer says what changed. */
  overlay?: OverlaySource;
  /** A root adopted from a materialisation (a branch sandbox): its stat cache is never persisted. */
  ephemeral?: boolean;
}

/** How `adoptRoot` sets up a branch sandbox's folder. */
export interface AdoptOptions {
  /** The snapshot the folder was made from (the first checkpoint's parent). */
  snapshotId: string;
  /** A folder materialised by `materialise(..., { seed: true })` whose tree and stat the new root starts from. */
  seedFrom: string;
  /** Where this process sees the folder's content, when not at its own path (an overlay mounted in another namespace). */
  view?: string;
  /** The overlay's upper layer: the change source. Without it, a watcher is armed on every folder. */
  upperDir?: string;
  /** The folder whose ignore files govern this root (the user's workspace); default the root itself. */
  rulesFrom?: string;
}

const TREE_CACHE_MAX = 100_000;
/** A checkpoint over the size budget collects down to this share of it. */
const BUDGET_LOW_WATER = 0.8;
/** Blob bytes a restore holds in memory between verifying and writing them. */
const PREREAD_BYTES = 64 * 1024 * 1024;

/** An interrupted restore found (and, when possible, completed) by `SnapshotEngine.open`. */
export interface RestoreRepair {
  rootPath: string;
  target: string;
  interruptedAt: number;
  completed: boolean;
  /** Safety snapshot of what the interruption left (restore it to go back to that). */
  undoSnapshotId?: string;
  /** The undo point of the interrupted restore itself (what was there before it). */
  originalUndoSnapshotId: string;
  message: string;
}

export class SnapshotEngine {
  readonly objects: ObjectStore;
  readonly refs: RefStore;
  readonly ignore: IgnoreMatcher;
  /** Snapshots no GC or size budget may drop (undo points). */
  readonly pins: PinStore;
  /** Restores that a crash interrupted, found (and completed where possible) when this engine was opened. */
  repairs: RestoreRepair[] = [];
  private readonly journal: RestoreJournal;
  private readonly states = new Map<string, RootState>();
  /** Roots adopted by `adoptRoot`, by the path callers use (not resolved: it may be a mount point seen empty from here). */
  private readonly adopted = new Set<string>();
  /** Trees of folders materialised with `seed`, by absolute path. */
  private readonly seeds = new Map<string, { tree: DirNode; snapshotId: string }>();
  private readonly treeCache = new Map<string, TreeEntry[]>();
  private queue: Promise<unknown> = Promise.resolve();
  /** A restore whose writes are being flushed (it holds the store lock until then). */
  private settling: { promise: Promise<void>; finishSync: () => void } | undefined;
  /** Operations queued or running: background walks wait while this is above 0. */
  private busy = 0;
  private readonly lockPath: string;
  private readonly genPath: string;
  private readonly storeReal: string;
  private approxSize: number | undefined;
  private lastCollectMs = 0;
  private closed = false;

  private constructor(readonly storeDir: string, readonly options: SnapshotEngineOptions) {
    fs.mkdirSync(storeDir, { recursive: true });
    this.storeReal = fs.realpathSync(storeDir);
    this.objects = new ObjectStore(this.storeReal, { ...DEFAULT_OBJECT_OPTIONS, ...options.objects });
    this.refs = new RefStore(this.storeReal, this.objects.options.fsync);
    this.pins = new PinStore(this.storeReal);
    this.ignore = new IgnoreMatcher(options.ignore ?? DEFAULT_IGNORE_GLOBS, { includeGit: options.includeGit, ignoreFiles: options.ignoreFiles });
    this.lockPath = path.join(this.storeReal, 'lock');
    this.genPath = path.join(this.storeReal, 'gc-generation');
    this.journal = new RestoreJournal(this.storeReal, this.objects.options.fsync);
  }

  /** Opens (creating if needed) a store, and cleans what a crashed process left behind. */
  static async open(storeDir: string, options: SnapshotEngineOptions = {}): Promise<SnapshotEngine> {
    const eng = new SnapshotEngine(storeDir, options);
    const release = await eng.lock();
    try {
      eng.objects.cleanTemp();
      eng.refs.cleanTemp();
      eng.refs.quarantineUnreadable(path.join(eng.storeReal, 'quarantine'));
      eng.quarantineUnbackedRefs();
      eng.cleanStaleBarriers();
    } finally {
      release();
    }
    eng.repairs = await eng.completeInterruptedRestores();
    return eng;
  }

  /**
   * Sets aside the newest ref if its object files did not survive (see SnapshotRecord.deps).
   * Checkpoints are taken one at a time under the store lock, each flushed before the next
   * begins, so only the newest one can have been cut by a power loss; an older ref with a damaged
   * object was acknowledged, and is reported (and repaired) object by object instead.
   */
  private quarantineUnbackedRefs(): string[] {
    const gen = this.readGeneration();
    const moved: string[] = [];
    for (const rec of this.refs.list().slice(-1)) {
      const d = rec.deps;
      if (!d || d.gen !== gen) continue;
      const lost = d.packs.some((p) => !this.objects.packs.packs.has(p)) || d.loose.some((h) => !this.objects.hasLoose(h));
      if (!lost) continue;
      this.refs.setAside(rec.id, path.join(this.storeReal, 'quarantine'));
      moved.push(rec.id);
    }
    return moved;
  }

  private async lock(): Promise<() => void> {
    const release = await acquireStoreLock(this.lockPath, this.options.lockTimeoutMs ?? 30_000);
    this.objects.lockTaken();
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.objects.lockReleased();
      release();
    };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The snapshot engine is closed. Open it again to use the store.'));
    this.busy++;
    const run = async (): Promise<T> => {
      // A restore's background flush holds the store lock: every next operation comes after it.
      if (this.settling) await this.settling.promise.catch(() => undefined);
      return fn();
    };
    const p = this.queue.then(run, run).finally(() => {
      if (--this.busy === 0) for (const st of this.states.values()) st.verifier?.kick();
    });
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Resolves when no background verification walk is running (for tests and benchmarks). */
  async idle(): Promise<void> {
    await this.queue;
    if (this.settling) await this.settling.promise.catch(() => undefined);
    await Promise.all([...this.states.values()].map((st) => st.verifier?.done));
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
    const tree = new LiveTree(rootAbs, this.ignore.forRoot(rootAbs), excluded, this.objects);
    st = {
      tree, watcher: undefined, noWatchReason: undefined, initialised: false, lastId: null,
      sinceVerify: 0, verifier: undefined, gcGen: this.readGeneration(), pending: new Set(), savedAt: 0,
    };
    // Lineage continues across processes: the default parent is this folder's newest snapshot.
    const prev = this.refs.list().filter((r) => r.rootPath === rootAbs);
    st.lastId = prev.length > 0 ? prev[prev.length - 1]!.id : null;
    const saved = loadState(stateFile(this.storeReal, rootAbs), rootAbs, fs.lstatSync(rootAbs).ino);
    if (saved) {
      tree.root = saved.root;
      // Objects are only ever removed by GC: if one ran since the save, re-check what the cache claims.
      if (saved.gen !== st.gcGen) {
        this.objects.packs.rescan();
        tree.revalidate((h) => this.objects.has(h));
      }
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
    if (this.adopted.has(root)) return root;
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
      // A full walk is a verification too.
      st.verifier?.stop();
      st.verifier = undefined;
      st.sinceVerify = 0;
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
    else if (st.overlay) source = st.overlay;
    else if (!w) source = new FullScanSource(st.noWatchReason && `not watched: ${st.noWatchReason}`);
    else source = w;
    const tc = performance.now();
    const set = await source.collect();
    this.lastCollectMs = performance.now() - tc;
    st.initialised = true;
    if (set.ignored) for (const p of set.ignored) if (tree.counters.ignored.length < 200) tree.counters.ignored.push(p);

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
      const named = source === st.overlay ? new Set([...set.paths, ...extra]) : set.paths;
      for (const p of named) tree.refreshPath(p, storeBlobs, true);
      if (source !== w) {
        this.applyIgnoreFileChanges(tree, storeBlobs);
        return { source: source.kind, events: set.events, note: undefined };
      }
      for (const p of extra) if (!(set.paths as Set<string>).has(p)) tree.refreshPath(p, storeBlobs, true);
      this.applyIgnoreFileChanges(tree, storeBlobs);
    } finally {
      if (w) w.forceRearm = false;
    }
    const every = this.options.verifyEvery ?? 50;
    st.sinceVerify++;
    const v = st.verifier;
    if (every > 0 && v && (v.finished || st.sinceVerify >= every)) {
      // Reconcile the background walk: re-examine what it flagged (O(flagged)), finishing it
      // here only if it is still running when due.
      const res = v.finish();
      st.verifier = undefined;
      st.sinceVerify = 0;
      if (res.suspects.has('.')) {
        full(true);
        return { source: 'watcher' as const, events: set.events, note: 'verification walk: the workspace folder changed as a whole; walked everything' };
      }
      for (const [p, node] of res.settled) tree.settleRacy(p, node);
      const reported = new Set<string>([...set.paths, ...extra]);
      let missed = 0;
      w.forceRearm = true;
      try {
        for (const p of res.suspects) if (tree.refreshPath(p, storeBlobs) && !reported.has(p)) missed++;
      } finally {
        w.forceRearm = false;
      }
      const how = res.inlineEntries === 0 ? `in idle time, ${res.entries} entries` : `${res.entries} entries, ${res.inlineEntries} of them inside this checkpoint`;
      return {
        source: 'watcher' as const,
        events: set.events,
        note: missed > 0 ? `verification walk (${how}) found ${missed} change(s) the watcher missed` : `verification walk (${how}) agreed with the watcher`,
      };
    }
    if (every > 0 && !v && st.sinceVerify >= Math.max(1, Math.floor(every / 2))) {
      // Starts walking once this checkpoint is done (the engine is busy until then).
      st.verifier = new BackgroundVerifier(tree, (rel, name, abs, isDir) => tree.skips(rel, name, abs, isDir), () => this.busy > 0);
    }
    return { source: 'watcher' as const, events: set.events, note: undefined };
  }

  /**
   * A `.gitignore` or `.nemocognitionignore` that changed changes what is in the snapshot below
   * its folder: that folder is walked again with the new rules (O(that subtree), and rare).
   */
  private applyIgnoreFileChanges(tree: LiveTree, storeBlobs: boolean): void {
    for (let round = 0; round < 4 && tree.counters.ignoreFilesChanged.size > 0; round++) {
      const dirs = [...tree.counters.ignoreFilesChanged].sort((a, b) => a.length - b.length);
      tree.counters.ignoreFilesChanged.clear();
      for (const d of dirs) {
        if (!tree.ignore.refresh(d)) continue;
        if (d === '') tree.fullScan(storeBlobs);
        else tree.refreshPath(d, storeBlobs);
      }
    }
  }

  /** Takes a checkpoint of `root`. */
  take(root: string, opts: TakeOptions): Promise<SnapshotRecord> {
    return this.serial(() => this.takeNow(root, opts));
  }

  private async takeNow(root: string, opts: TakeOptions, flags: { reuseUnchanged?: boolean } = {}): Promise<SnapshotRecord> {
    const t0 = performance.now();
    const rootAbs = this.resolveRoot(root);
    const wanted = opts.changeSource ?? this.options.changeSource ?? 'auto';
    const st = this.stateFor(rootAbs, wanted);
    const release = await this.lock();
    let rec: SnapshotRecord;
    try {
      const gen = this.readGeneration();
      if (gen !== st.gcGen) {
        this.objects.packs.rescan(); // packs may have been rewritten or removed
        st.tree.revalidate((h) => this.objects.has(h));
        st.gcGen = gen;
      }
      const tLocked = performance.now();
      this.lastCollectMs = 0;
      const r = await this.refresh(st, wanted, opts.hints, true);
      const tRefreshed = performance.now();
      const rootHash = st.tree.finalize(true, (h, e) => this.cacheTree(h, e), (h) => this.treeCache.get(h));
      const tFinal = performance.now();
      // The default parent (this root's previous snapshot) may have been collected since: then none.
      const parent = opts.parentId ? this.refs.get(opts.parentId) : opts.parentId === undefined && st.lastId ? this.refs.get(st.lastId) : undefined;
      if (opts.parentId && !parent) throw new Error(`Parent snapshot ${opts.parentId} does not exist. Pass an id from the snapshot list, or none.`);
      const parentId = parent?.id ?? null;
      if (flags.reuseUnchanged && parent && parent.root === rootHash && parent.rootPath === rootAbs && st.tree.counters.ignored.length === 0) {
        // Nothing changed since the last checkpoint of this folder (already durable): it is the state to go back to.
        return parent;
      }
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
      const ignored = st.tree.counters.ignored;
      if (ignored.length > 0) {
        rec.ignoredChanges = ignored.slice();
        const more = `${ignored.length}${ignored.length >= 200 ? '+' : ''} changed path(s) in ignored folders are listed, not stored (${ignored.slice(0, 3).join(', ')}${ignored.length > 3 ? ', ...' : ''}); restore neither writes nor deletes them`;
        rec.note = rec.note ? `${rec.note}; ${more}` : more;
      }
      const unreadable = st.tree.counters.unreadable;
      if (unreadable.length > 0) {
        const more = `${unreadable.length} path(s) could not be read and are not in this snapshot (${unreadable.slice(0, 3).join(', ')}${unreadable.length > 3 ? ', ...' : ''}); restore leaves them alone. To include them, give this user read access (or rename files whose names are not valid UTF-8).`;
        rec.note = rec.note ? `${rec.note}; ${more}` : more;
      }
      // Durable before acknowledged: the new objects and the ref that names them, in one round
      // of parallel flushes; the ref lists them (deps), so a power loss that kept only the ref is
      // detected by the next open.
      const tCommit = performance.now();
      const staged = this.objects.stage();
      if (staged.packs.length || staged.loose.length) rec.deps = { gen, ...staged };
      const tDone = performance.now();
      const r2 = (x: number): number => Math.round(x * 100) / 100;
      rec.stats.phases = {
        lock: r2(tLocked - t0),
        changes: r2(this.lastCollectMs),
        examine: r2(tRefreshed - tLocked - this.lastCollectMs),
        trees: r2(tFinal - tRefreshed),
        diff: r2(tCommit - tFinal),
        pack: r2(tDone - tCommit),
      };
      rec.stats.ms = r2(tDone - t0);
      const refBytes = await this.refs.write(rec, () => this.objects.flush());
      st.lastId = rec.id;
      const every = this.options.persistStatCacheMs ?? 5 * 60_000;
      if (st.ephemeral) {
        // a branch sandbox: nothing to keep for a later process
      } else if (r.source === 'full-scan' && st.savedAt === 0) this.persist(rootAbs, st);
      else if (every >= 0 && Date.now() - st.savedAt > every) this.persist(rootAbs, st);
      if (this.approxSize !== undefined) this.approxSize += rec.bytesWritten + refBytes;
    } finally {
      release();
    }
    const budget = this.options.budget;
    if (budget) {
      if (this.approxSize === undefined) this.approxSize = this.sizeOnDisk();
      if (this.approxSize > budget.maxBytes) {
        // Down to a low-water mark, so that the next checkpoints do not each pay for a GC pass.
        await this.enforceBudgetNow(budget.maxBytes, new Set([...(budget.protect?.() ?? []), rec.id]), Math.floor(budget.maxBytes * BUDGET_LOW_WATER));
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

  /**
   * Writes a snapshot into an empty (or missing) folder. With `seed`, also keeps the folder's
   * tree with the stat of every file written (one lstat each), for `adoptRoot`.
   */
  materialise(id: string, dir: string, opts: { seed?: boolean } = {}): Promise<ApplyResult> {
    return this.serial(async () => {
      const rec = this.record(id);
      fs.mkdirSync(dir, { recursive: true });
      const abs = fs.realpathSync(dir);
      if (fs.readdirSync(abs).length > 0) {
        throw new Error(`Refusing to materialise snapshot ${id} into ${dir}: the folder is not empty. Choose an empty or new folder.`);
      }
      const plan = planTransform(EMPTY_VIEW, this.view(rec.root), this.ignore);
      const dirs = checkPlan(abs, plan);
      const blobs = this.preverify(plan);
      const r = applyPlan(abs, plan, this.objects, { blobs, dirs, fresh: true });
      if (opts.seed) this.seeds.set(abs, { tree: this.seedTree(rec.root, abs), snapshotId: id });
      return r;
    });
  }

  /**
   * Makes `root` match snapshot `id`: first takes a safety snapshot (restore it to undo), then
   * writes only what differs, deletes what the snapshot lacks (never ignored paths), fixes modes,
   * recreates symlinks as links. Every path is checked before anything is written.
   *
   * Cost follows the files that differ: the safety snapshot comes from the change source (the
   * watcher's events), the plan from a Merkle diff that skips equal subtrees, each blob is read
   * and verified once, existing single-link files are overwritten in place (others by temp name and
   * rename, restore.ts), and the intent is on record (restoreJournal.ts) before the first write. It
   * returns once everything is written; the written files and folders are flushed right after, while
   * the record and the store lock are still held (settleRestore), so a crash at any point is
   * completed by the next open. `phases` says where the time went; `durable` when the flush is done.
   */
  // TODO(nemocog): issue 14's aim is 10x `git read-tree -u --reset` (at least 3x to land, which this
  // meets: bench/RESULTS.md). What is left is reading and verifying every blob (decompression, deltas,
  // SHA-256) and the writes themselves, each O(files that differ); a worker thread could decode while
  // the main thread writes, at the price of verifying blobs after the first write instead of before.
  restore(id: string, root: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
    return this.serial(() => this.restoreNow(id, root, opts));
  }

  private async restoreNow(id: string, root: string, opts: RestoreOptions): Promise<RestoreResult> {
    const t0 = performance.now();
    const rec = this.record(id);
    const safety = await this.takeNow(root, { reason: `safety snapshot before restoring ${id}` }, { reuseUnchanged: true });
    const t1 = performance.now();
    const rootAbs = safety.rootPath;
    const release = await this.lock();
    let handedOff = false;
    try {
      const plan = planTransform(this.view(safety.root), this.view(rec.root), this.rulesOf(rootAbs), { protectGit: true });
      const dirs = checkPlan(rootAbs, plan);
      if (!opts.allowOutsideSymlinks) this.refuseOutsideSymlinks(rootAbs, plan);
      const t2 = performance.now();
      // The intent is recorded first and flushed while the blobs are read and verified: it must be
      // durable before the first write, not before the reads.
      const recording = this.journal.begin({
        v: 1, rootPath: rootAbs, target: id, targetRoot: rec.root, safety: safety.id, fromRoot: safety.root, startedAt: Date.now(), pid: process.pid,
      });
      let blobs: Map<string, Buffer>;
      try {
        blobs = this.preverify(plan);
      } catch (e) {
        // Nothing written: the record must not make the next open run this restore.
        await this.journal.end(await recording);
        throw e;
      }
      const t3 = performance.now();
      // The undo point is pinned before the first write: from then on no GC or budget may drop it.
      if (opts.pinSafety) this.pins.pin(safety.id, opts.pinSafety);
      const journal = await recording;
      const t4 = performance.now();
      const st = this.states.get(rootAbs);
      for (const o of plan) st?.pending.add(o.path);
      let r: ApplyResult;
      try {
        r = await applyPlanConcurrently(rootAbs, plan, this.objects, { blobs, dirs });
      } catch (e) {
        // Stopped part-way by an error (not a crash): say how to go back, and do not let the next
        // open complete a restore the user saw fail.
        await this.journal.end(journal);
        const err = e as Error;
        err.message = `${err.message}. The restore of ${id} stopped part-way; restore snapshot ${safety.id} to go back to what was there before it.`;
        throw err;
      }
      const t5 = performance.now();
      const durable = this.settleRestore(r, journal, release);
      handedOff = true;
      if (this.options.restoreDurability === 'inline') await durable;
      const t6 = performance.now();
      const r2 = (x: number): number => Math.round(x * 100) / 100;
      return {
        written: r.written,
        deleted: r.deleted,
        undoSnapshotId: safety.id,
        phases: { safety: r2(t1 - t0), plan: r2(t2 - t1), read: r2(t3 - t2), journal: r2(t4 - t3), write: r2(t5 - t4), durable: r2(t6 - t5), ms: r2(t6 - t0) },
        folders: r.dirs.length,
        durable,
      };
    } finally {
      if (!handedOff) release();
    }
  }

  /**
   * Makes a restore's writes durable (each written file's data and each folder written into, in
   * one round of parallel flushes), then removes its journal record and releases the store lock.
   * Until then the record stays: a crash or power loss meanwhile is completed by the next open.
   * Never rejects (resolves with the error): nobody has to wait for it, and the engine's next
   * operation, idle() and close() do.
   */
  private settleRestore(r: ApplyResult, journalFile: string, release: () => void): Promise<{ ms: number; error?: string }> {
    const t0 = performance.now();
    let done = false;
    const finish = (): void => {
      done = true;
      release();
      if (this.settling === entry) this.settling = undefined;
    };
    const promise = (async () => {
      try {
        await new Promise((res) => setImmediate(res)); // restore() returns first
        await this.flushRestore(r);
        await this.journal.end(journalFile);
      } finally {
        if (!done) finish();
      }
    })();
    const entry = {
      promise,
      // close() cannot wait: it finishes the flush synchronously.
      finishSync: (): void => {
        if (done) return;
        try {
          this.restoreBatch(r).flushSync();
          this.journal.endSync(journalFile);
        } finally {
          finish();
        }
      },
    };
    this.settling = entry;
    return promise.then(
      () => ({ ms: Math.round((performance.now() - t0) * 100) / 100 }),
      // The record stays: the next open completes this restore and says so.
      (e: unknown) => ({ ms: Math.round((performance.now() - t0) * 100) / 100, error: `the restored files could not be flushed to disk (${(e as Error).message}); the next open of the store completes the restore` }),
    );
  }

  /** Each written file's data and each folder written into (nothing when the store runs without fsync). */
  private restoreBatch(r: ApplyResult): SyncBatch {
    const batch = new SyncBatch(this.objects.options.fsync);
    for (const d of r.dirs) batch.dir(d);
    for (const f of r.files) batch.file(f);
    return batch;
  }

  /** The same, in parallel. */
  private async flushRestore(r: ApplyResult): Promise<void> {
    await this.restoreBatch(r).flush();
  }

  /**
   * Completes restores that a crash interrupted (their journal records are still there). For
   * each: a safety snapshot of what is on disk now (so nothing is lost), then the interrupted
   * plan run again to its end, leftover temp files removed, the record deleted.
   */
  private async completeInterruptedRestores(): Promise<RestoreRepair[]> {
    const found = await (async () => {
      const release = await this.lock();
      try {
        return this.journal.pending();
      } finally {
        release();
      }
    })();
    const out: RestoreRepair[] = [];
    for (const { file, intent } of found) {
      if (!intent) {
        await this.journal.end(file);
        continue;
      }
      try {
        out.push(await this.serial(() => this.completeRestore(file, intent)));
      } catch (e) {
        // Never block opening the store: report it once, with the way back.
        await this.journal.end(file).catch(() => undefined);
        out.push({
          rootPath: intent.rootPath, target: intent.target, interruptedAt: intent.startedAt, originalUndoSnapshotId: intent.safety, completed: false,
          message: `a restore of ${intent.target} into ${intent.rootPath} was interrupted and could not be completed (${(e as Error).message}); restore ${intent.safety} to go back to what was there before it`,
        });
      }
    }
    return out;
  }

  /**
   * What restore(id, root) would do now, without writing anything or taking a safety snapshot:
   * the same plan restore computes (live folder -> snapshot), for a preview.
   */
  planRestore(id: string, root: string): Promise<PlanOp[]> {
    return this.serial(async () => planTransform(await this.liveViewOf(root), this.view(this.record(id).root), this.rulesOf(this.resolveRoot(root)), { protectGit: true }));
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

  private async completeRestore(file: string, intent: RestoreIntent): Promise<RestoreRepair> {
    const base = { rootPath: intent.rootPath, target: intent.target, interruptedAt: intent.startedAt, originalUndoSnapshotId: intent.safety };
    if (!fs.existsSync(file)) return { ...base, completed: true, message: 'completed by another process' };
    if (!fs.existsSync(intent.rootPath)) {
      await this.journal.end(file);
      return { ...base, completed: false, message: `the folder ${intent.rootPath} no longer exists; nothing to complete` };
    }
    const hasTree = (h: string): boolean => this.objects.has(h);
    if (!hasTree(intent.fromRoot) || !hasTree(intent.targetRoot)) {
      return {
        ...base,
        completed: false,
        message: `the snapshots of the interrupted restore are no longer in the store; the folder was left as the crash left it (remove ${file} after checking it)`,
      };
    }
    const safety = await this.takeNow(intent.rootPath, { reason: `safety snapshot before completing an interrupted restore of ${intent.target}` });
    const release = await this.lock();
    try {
      const rootAbs = safety.rootPath;
      const plan = planTransform(this.view(intent.fromRoot), this.view(intent.targetRoot), this.rulesOf(rootAbs), { protectGit: true });
      const dirs = checkPlan(rootAbs, plan);
      const blobs = this.preverify(plan);
      const st = this.states.get(rootAbs);
      for (const o of plan) st?.pending.add(o.path);
      const r = await applyPlanConcurrently(rootAbs, plan, this.objects, { blobs, dirs, replay: true });
      const folders = new Set(r.dirs);
      for (const o of plan) folders.add(path.dirname(path.join(rootAbs, ...o.path.split('/'))));
      const temps = removeRestoreTemps(folders);
      await this.flushRestore({ ...r, dirs: [...folders] });
      await this.journal.end(file);
      return {
        ...base,
        completed: true,
        undoSnapshotId: safety.id,
        message: `a restore of ${intent.target} into ${intent.rootPath} was interrupted; it was completed (${r.written.length} written, ${r.deleted.length} deleted, ${temps} temp file(s) removed). Restore ${safety.id} to go back to what the interruption left, or ${intent.safety} to what was there before the restore.`,
      };
    } finally {
      release();
    }
  }

  /** The tree of a folder just materialised from tree `hash`: hashes from the snapshot, stat from disk. */
  private seedTree(hash: string, abs: string): DirNode {
    const build = (h: string, dirAbs: string, ino: number): DirNode => {
      const d = newDir(ino);
      let complete = true;
      let count = 0;
      for (const e of this.readTree(h)) {
        const a = `${dirAbs}/${e.name}`;
        let st: fs.Stats;
        try {
          st = fs.lstatSync(a);
        } catch {
          complete = false; // left out (ignored by the setting)
          continue;
        }
        if (e.type === 'dir') {
          if (!st.isDirectory()) {
            complete = false;
            continue;
          }
          const c = build(e.hash, a, st.ino);
          if (c.hash !== e.hash) complete = false;
          d.children.set(e.name, c);
          count += c.fileCount;
        } else {
          if ((e.type === 'file') !== st.isFile()) {
            complete = false;
            continue;
          }
          d.children.set(e.name, {
            type: e.type, mode: e.type === 'file' ? st.mode & 0o777 : 0, size: e.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino,
            hash: e.hash, stored: true, racy: false,
          });
          count++;
        }
      }
      d.hash = complete ? h : null;
      d.clean = complete;
      d.fileCount = count;
      return d;
    };
    return build(hash, abs, fs.lstatSync(abs).ino);
  }

  /** The ignore rules of a live folder (what a restore there must neither write nor delete). */
  private rulesOf(rootAbs: string): RootIgnore {
    return this.states.get(rootAbs)?.tree.ignore ?? this.ignore.forRoot(rootAbs);
  }

  /**
   * Every blob a plan needs must be sound before the first write (repairing from live files if
   * possible). Blobs are read and verified once here and handed to the writer, up to a memory
   * bound; larger ones are verified by streaming here and streamed (and verified) again when written.
   */
  private preverify(plan: ReturnType<typeof planTransform>): Map<string, Buffer> {
    const held = new Map<string, Buffer>();
    let bytes = 0;
    for (const o of plan) {
      if (o.op !== 'write' && o.op !== 'symlink') continue;
      const h = o.entry.hash;
      if (held.has(h)) continue;
      const small = o.entry.size <= this.objects.options.streamAbove && bytes + o.entry.size <= PREREAD_BYTES;
      const load = (): void => {
        if (small) {
          const raw = this.objects.read(h, 'b');
          held.set(h, raw);
          bytes += raw.length;
        } else {
          this.objects.verify(h);
        }
      };
      try {
        load();
      } catch (e) {
        if (!(e instanceof CorruptObjectError) || !this.repair(h)) throw e;
        load();
      }
    }
    return held;
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
      const trees = new Set<string>();
      const mark = (hash: string): void => {
        if (reachable.has(hash)) return;
        reachable.add(hash);
        trees.add(hash);
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
      for (const st of this.states.values()) st.tree.collectHashes(reachable, trees);
      // An object stored as a delta (a tree, or a blob) needs its base (and the base's base...) to be read.
      for (const h of [...reachable]) {
        for (let b = this.objects.deltaBaseOf(h); b !== undefined && !reachable.has(b); b = this.objects.deltaBaseOf(b)) reachable.add(b);
      }
      // Bump the generation BEFORE deleting: a crash mid-sweep must still make other processes
      // re-check the objects their caches believe stored.
      const gen = this.readGeneration() + 1;
      const tmp = `${this.genPath}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, String(gen));
      fs.renameSync(tmp, this.genPath);
      const swept = await this.objects.sweep(reachable);
      for (const h of [...this.treeCache.keys()]) if (!reachable.has(h)) this.treeCache.delete(h);
      this.objects.cleanTemp();
      for (const st of this.states.values()) st.gcGen = gen; // our own state was a GC root: still valid
      this.approxSize = undefined;
      return { droppedSnapshots: dropped, removedObjects: swept.removedObjects, freedBytes: swept.freedBytes, keptObjects: swept.keptObjects };
    } finally {
      release();
    }
  }

  /** Bytes used by objects (packs and loose files) and refs. O(loose objects + refs). */
  sizeOnDisk(): number {
    const n = this.refs.bytes() + this.objects.diskBytes();
    this.approxSize = n;
    return n;
  }

  /** Drops the oldest snapshots not in `protectedIds`, with GC, until the store fits `maxBytes`. */
  enforceBudget(maxBytes: number, protectedIds: Iterable<string> = []): Promise<{ dropped: string[]; sizeAfter: number }> {
    return this.serial(() => this.enforceBudgetNow(maxBytes, new Set(protectedIds)));
  }

  private async enforceBudgetNow(maxBytes: number, protect: Set<string>, target = maxBytes): Promise<{ dropped: string[]; sizeAfter: number }> {
    const dropped: string[] = [];
    let size = this.sizeOnDisk();
    if (size <= maxBytes) return { dropped, sizeAfter: size };
    while (size > target) {
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
            const kind = this.objects.kindOf(o.hash) ?? 'b';
            if (kind === 't') parseTree(o.hash, this.objects.read(o.hash, 't', { fromDisk: true }));
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
        this.objects.commitSync();
        return true;
      }
      const abs = path.join(st.tree.rootAbs, found.rel);
      if (found.node.type === 'symlink') {
        try {
          if (this.objects.putBytes('b', fs.readlinkSync(abs, { encoding: 'buffer' })).hash === hash) {
            this.objects.commitSync();
            return true;
          }
        } catch {
          // gone
        }
        continue;
      }
      // If the live file no longer holds that content, what putFile stored is just unreferenced.
      const r = this.objects.putFile(abs);
      if (r && r.hash === hash) {
        this.objects.commitSync();
        return true;
      }
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
    this.settling?.finishSync();
    // Objects a caller stored outside a checkpoint (repairs, tests) are written before the state that names them.
    this.objects.close();
    for (const [rootAbs, st] of this.states) {
      st.verifier?.stop();
      if (st.initialised && !st.ephemeral && (this.options.persistStatCacheMs ?? 0) >= 0) this.persist(rootAbs, st);
      st.tree.disarmTree(st.tree.root);
      st.watcher?.close();
    }
    this.states.clear();
  }

  /** For tests and diagnostics: the change source a root is using now. */
  sourceOf(root: string): 'watcher' | 'full-scan' | 'overlay' | 'none' {
    const st = this.states.get(this.resolveRoot(root));
    if (!st) return 'none';
    return st.overlay ? 'overlay' : st.watcher ? 'watcher' : 'full-scan';
  }

  /**
   * Registers a branch sandbox's folder so that its first checkpoint costs only what changed:
   * its tree (hashes, and the stat that proves them) starts as a copy of `seedFrom`'s, a folder
   * materialised with `seed` from the snapshot the branch starts at; with an overlay, the folder
   * is read through `view` and what changed comes from `upperDir`; without one, a watcher is armed
   * on every folder (no file is looked at). Checkpoints name the root by `root`.
   */
  adoptRoot(root: string, opts: AdoptOptions): void {
    if (this.closed) throw new Error('The snapshot engine is closed. Open it again to use the store.');
    const seed = this.seeds.get(opts.seedFrom);
    if (!seed) throw new Error(`No materialised folder ${opts.seedFrom} to seed ${root} from; materialise it with { seed: true } first.`);
    this.forgetRoot(root);
    const viewAbs = opts.view ?? root;
    const tree = new LiveTree(viewAbs, this.ignore.forRoot(viewAbs, opts.rulesFrom ?? viewAbs), new Set([this.storeReal]), this.objects);
    tree.root = cloneDir(seed.tree);
    const st: RootState = {
      tree, watcher: undefined, noWatchReason: undefined, initialised: true, lastId: opts.snapshotId,
      sinceVerify: 0, verifier: undefined, gcGen: this.readGeneration(), pending: new Set(), savedAt: 0, ephemeral: true,
    };
    if (opts.upperDir) {
      st.overlay = new OverlaySource(opts.upperDir, tree);
    } else {
      const w = new WatcherSource(path.join(this.storeReal, 'barrier', `${process.pid}-${randomBytes(4).toString('hex')}`), {
        overflowEvents: this.options.watcherOverflowEvents,
      });
      if (w.healthy) {
        st.watcher = w;
        tree.hooks = w;
        tree.armAll();
      } else {
        w.close();
      }
      if (!w.healthy) {
        // Could not watch everything: the first checkpoint walks (with the seeded stat, reading nothing unchanged).
        tree.disarmTree(tree.root);
        st.watcher?.close();
        st.watcher = undefined;
        tree.hooks = undefined;
        st.noWatchReason = w.failureReason;
        st.initialised = false;
      }
    }
    this.adopted.add(root);
    this.states.set(root, st);
  }

  /**
   * Brings an adopted root from snapshot `fromId` (what it holds now) to `toId` by writing only
   * the difference (through its view; the change source then sees exactly those paths). For a
   * branch forked from a later node than its lower layer holds: O(difference), no safety
   * snapshot (the folder is a fresh sandbox, not the user's workspace).
   */
  advanceRoot(root: string, fromId: string, toId: string): Promise<ApplyResult> {
    return this.serial(async () => {
      const st = this.states.get(root);
      if (!st || !this.adopted.has(root)) throw new Error(`${root} is not an adopted branch folder; call adoptRoot first.`);
      const from = this.record(fromId);
      const to = this.record(toId);
      const release = await this.lock();
      try {
        const plan = planTransform(this.view(from.root), this.view(to.root), st.tree.ignore, { protectGit: true });
        const dirs = checkPlan(st.tree.rootAbs, plan);
        const blobs = this.preverify(plan);
        for (const o of plan) st.pending.add(o.path);
        const r = applyPlan(st.tree.rootAbs, plan, this.objects, { blobs, dirs });
        st.lastId = toId;
        return r;
      } finally {
        release();
      }
    });
  }

  /** Drops a root's in-memory state and watches (its snapshots stay); the next checkpoint of it starts afresh. */
  forgetRoot(root: string): void {
    let key = root;
    if (!this.adopted.has(root)) {
      try {
        key = fs.realpathSync(root);
      } catch {
        // gone already: its state is under the name it had
      }
    }
    const st = this.states.get(key);
    if (st) {
      st.verifier?.stop();
      st.tree.disarmTree(st.tree.root);
      st.watcher?.close();
      this.states.delete(key);
    }
    this.adopted.delete(root);
  }

  /** Forgets the seed kept for a materialised folder. */
  dropSeed(dir: string): void {
    this.seeds.delete(dir);
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
