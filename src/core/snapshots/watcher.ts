import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChangeSet, ChangeSource } from './changeSource';
import type { DirNode, ScanHooks } from './liveTree';

/**
 * Knows what changed since the last checkpoint from `fs.watch` events, one non-recursive watch
 * per directory. libuv multiplexes every watch of a process onto ONE inotify descriptor, whose
 * queue is ordered, so a barrier file written into a watched folder of our own and seen coming
 * back proves that every event queued before it has been delivered ("flush").
 *
 * Blind spots, covered by the periodic verification walk (see the engine's `verifyEvery`):
 * writes through mmap, changes through a hard link outside the root, and events dropped on
 * inotify queue overflow (libuv discards IN_Q_OVERFLOW silently, so a burst of events at least
 * the size of the queue is treated as a possible overflow and forces a full walk).
 */

export interface WatchDrain {
  /** Root-relative paths named by events (a directory's path means: re-examine it recursively). */
  paths: Set<string>;
  /** Set when events may have been lost: the caller must walk everything. */
  fullScanReason: string | undefined;
  events: number;
}

/**
 * Filesystems whose changes may not come from this kernel (network, FUSE, 9p): inotify misses
 * writes made by other hosts or by the FUSE daemon's own backend, so they get the full walk.
 */
const UNWATCHABLE_FS: ReadonlyMap<number, string> = new Map([
  [0x6969, 'NFS'], [0x517b, 'SMB'], [0xff534d42, 'CIFS'], [0xfe534d42, 'SMB2'], [0x65735546, 'FUSE'],
  [0x01021997, '9p'], [0x73757245, 'Coda'], [0x5346414f, 'AFS'], [0x00c36400, 'Ceph'], [0x47504653, 'GPFS'],
  [0x0bd00bd0, 'Lustre'],
]);

/** Why `root` should not be watched, or undefined when inotify sees every change to it. */
export function unwatchableReason(root: string): string | undefined {
  if (process.platform !== 'linux') return 'the barrier-flushed watcher is implemented for Linux (inotify) only';
  try {
    const name = UNWATCHABLE_FS.get(Number(fs.statfsSync(root).type));
    if (name) return `the folder is on a ${name} filesystem, where file watching can miss changes`;
  } catch {
    // statfs unavailable: nothing known against watching
  }
  return undefined;
}

function readQueueLimit(): number {
  try {
    const n = Number(fs.readFileSync('/proc/sys/fs/inotify/max_queued_events', 'utf8').trim());
    if (Number.isFinite(n) && n > 0) return n;
  } catch {
    // not Linux, or /proc hidden: keep the kernel's default
  }
  return 16384;
}

export class WatcherSource implements ScanHooks, ChangeSource {
  readonly kind = 'watcher' as const;
  private paths = new Set<string>();
  private events = 0;
  private failure: string | undefined;
  private permanent = false;
  private readonly overflowAt: number;
  private barrierWatch: fs.FSWatcher | undefined;
  private barrierWaiters = new Map<string, () => void>();
  private barrierSeq = 0;
  private lateBarriers = 0;
  private watched = 0;
  /** When true, armDir re-creates an existing watch (the directory may have been replaced). */
  forceRearm = false;

  constructor(private readonly barrierDir: string, opts: { overflowEvents?: number } = {}) {
    // Other fs.watch users in this process share the queue: stay well under its size.
    this.overflowAt = opts.overflowEvents ?? Math.max(256, Math.floor(readQueueLimit() / 4));
    fs.mkdirSync(barrierDir, { recursive: true });
    try {
      this.barrierWatch = fs.watch(barrierDir, { persistent: false }, (_ev, name) => {
        if (typeof name !== 'string') return;
        const w = this.barrierWaiters.get(name);
        if (w) {
          this.barrierWaiters.delete(name);
          w();
        }
      });
      this.barrierWatch.on('error', (e) => this.fail(`barrier watch failed: ${e.message}`));
    } catch (e) {
      this.fail(`cannot watch the barrier folder: ${(e as Error).message}`, true);
    }
  }

  get healthy(): boolean {
    return this.failure === undefined;
  }

  get failureReason(): string | undefined {
    return this.failure;
  }

  get watchCount(): number {
    return this.watched;
  }

  private fail(why: string, permanent = false): void {
    if (this.failure === undefined) this.failure = why;
    if (permanent) this.permanent = true;
  }

  /** The inode each watch was placed on: a directory replaced under the same path needs a new one. */
  private readonly armedIno = new WeakMap<DirNode, number>();

  armDir(rel: string, abs: string, node: DirNode): void {
    if (this.failure !== undefined) return;
    if (node.watch && !this.forceRearm && this.armedIno.get(node) === node.ino) return;
    const old = node.watch;
    try {
      const w = fs.watch(abs, { persistent: false }, (_ev, name) => {
        this.events++;
        if (typeof name === 'string' && name !== '') this.paths.add(rel === '' ? name : `${rel}/${name}`);
        else this.paths.add(rel === '' ? '.' : rel);
      });
      w.on('error', (e) => this.fail(`watch on "${rel || '.'}" failed: ${e.message}`));
      node.watch = w;
      this.armedIno.set(node, node.ino);
      this.watched++;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return; // vanished while scanning: its parent's event covers it
      this.fail(
        code === 'ENOSPC'
          ? 'the system limit of inotify watches was reached (raise fs.inotify.max_user_watches)'
          : `cannot watch "${rel || '.'}": ${(e as Error).message}`,
        true,
      );
      return;
    }
    // The new watch exists before the old one goes, so no event falls between them.
    if (old) {
      old.close();
      this.watched--;
    }
  }

  disarmDir(node: DirNode): void {
    if (node.watch) {
      node.watch.close();
      node.watch = undefined;
      this.watched--;
    }
  }

  /** Resolves once every event queued before this call has been delivered; false on timeout. */
  async flush(timeoutMs = 3000): Promise<boolean> {
    if (!this.barrierWatch || this.failure !== undefined) return false;
    const name = `b-${process.pid}-${++this.barrierSeq}`;
    const file = path.join(this.barrierDir, name);
    let timer: NodeJS.Timeout | undefined;
    const seen = new Promise<boolean>((resolve) => {
      this.barrierWaiters.set(name, () => resolve(true));
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    fs.writeFileSync(file, '');
    const ok = await seen;
    clearTimeout(timer);
    this.barrierWaiters.delete(name);
    fs.rmSync(file, { force: true });
    // One late barrier (a stalled event loop) is forgiven after a full walk; two in a row mean
    // events are not arriving: stop paying the timeout on every checkpoint.
    this.lateBarriers = ok ? 0 : this.lateBarriers + 1;
    if (!ok) this.fail(`the watcher did not deliver its barrier event within ${timeoutMs} ms`, this.lateBarriers >= 2);
    return ok;
  }

  /** Flushes, then hands over what changed; `full` when events may have been lost. */
  async collect(): Promise<ChangeSet> {
    await this.flush();
    const d = this.drain();
    return { full: d.fullScanReason !== undefined, paths: d.paths, events: d.events, ...(d.fullScanReason ? { note: d.fullScanReason } : {}) };
  }

  /** Takes the changes collected since the last drain. */
  drain(): WatchDrain {
    const out: WatchDrain = {
      paths: this.paths,
      events: this.events,
      fullScanReason: this.failure ?? (this.events >= this.overflowAt ? `${this.events} events since the last checkpoint (possible inotify overflow)` : undefined),
    };
    this.paths = new Set();
    this.events = 0;
    return out;
  }

  /** After a failure has been handled by a full walk, a re-armed watcher may be trusted again. */
  resetFailure(): boolean {
    if (this.permanent) return false;
    this.failure = undefined;
    return true;
  }

  close(): void {
    this.barrierWatch?.close();
    this.barrierWatch = undefined;
    for (const w of this.barrierWaiters.values()) w();
    this.barrierWaiters.clear();
    fs.rmSync(this.barrierDir, { recursive: true, force: true });
  }
}
