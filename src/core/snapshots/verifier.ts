import * as fs from 'node:fs';
import { hashFileNoFollow, RACY_MS, type DirNode, type FileNode, type LiveTree } from './liveTree';
import { hashBlobBytes } from './tree';

/**
 * The watcher's safety net, off the checkpoint path: a walk of the live folder that compares
 * every entry's stat with what the in-memory tree believes, in small slices while the engine is
 * idle (between tool calls), and only collects the paths that disagree. The next checkpoint
 * re-examines those paths (that is where its result is reconciled): the tree itself is never
 * changed here. If a checkpoint falls due before the walk is done, it finishes the walk inline,
 * so a full comparison still happens at least every `verifyEvery` checkpoints.
 *
 * Catches what inotify cannot see (writes through mmap or through a hard link from outside the
 * folder, lost events); a path it flags that the watcher also reported is not counted as missed.
 */

export interface VerifyResult {
  /** Root-relative paths whose stat (or presence) differs from the tree: re-examine them. */
  suspects: Set<string>;
  /**
   * Racy entries (written too recently to trust their stat when the tree saw them) that the walk
   * re-hashed once their stat was old enough, and found equal to the tree: settle them
   * (LiveTree.settleRacy) instead of re-examining them inside a checkpoint.
   */
  settled: Map<string, FileNode>;
  /** Entries compared. */
  entries: number;
  /** How much of the walk ran inside a checkpoint (0 when it finished in idle time). */
  inlineEntries: number;
  slices: number;
}

interface Frame {
  node: DirNode;
  rel: string;
  abs: string;
}

export class BackgroundVerifier {
  private readonly stack: Frame[];
  private readonly suspects = new Set<string>();
  private readonly settled = new Map<string, FileNode>();
  private entries = 0;
  private inlineEntries = 0;
  private slices = 0;
  private timer: NodeJS.Immediate | undefined;
  private stopped = false;
  private doneResolve: (() => void) | undefined;
  /** Resolves when the walk has finished (for tests and `SnapshotEngine.idle()`). */
  readonly done: Promise<void>;

  constructor(
    tree: LiveTree,
    /** Is this entry outside the snapshot (store folder, ignore rules)? */
    private readonly skip: (rel: string, name: string, abs: string, isDir: boolean) => boolean,
    /** True while the engine works (a checkpoint, a restore): the walk waits. */
    private readonly busy: () => boolean,
    private readonly sliceMs = 3,
  ) {
    this.stack = [{ node: tree.root, rel: '', abs: tree.rootAbs }];
    this.done = new Promise((r) => (this.doneResolve = r));
    this.schedule();
  }

  get finished(): boolean {
    return this.stack.length === 0;
  }

  /** Continues after the engine was busy. */
  kick(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.stopped || this.finished) return;
    this.timer = setImmediate(() => {
      this.timer = undefined;
      if (this.stopped) return;
      if (this.busy()) return; // kicked again when the engine is idle
      this.slices++;
      const until = performance.now() + this.sliceMs;
      while (!this.finished && performance.now() < until) this.step(false);
      if (this.finished) this.doneResolve?.();
      else this.schedule();
    });
  }

  /** Runs the rest of the walk now (inside a checkpoint) and returns the result. */
  finish(): VerifyResult {
    if (this.timer) {
      clearImmediate(this.timer);
      this.timer = undefined;
    }
    while (!this.finished) this.step(true);
    this.doneResolve?.();
    return { suspects: this.suspects, settled: this.settled, entries: this.entries, inlineEntries: this.inlineEntries, slices: this.slices };
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearImmediate(this.timer);
    this.timer = undefined;
    this.doneResolve?.();
  }

  private flag(rel: string): void {
    this.suspects.add(rel === '' ? '.' : rel);
  }

  /** Compares one directory's listing and its children's stat with the tree. */
  private step(inline: boolean): void {
    const { node, rel, abs } = this.stack.pop()!;
    let names: string[];
    try {
      names = fs.readdirSync(abs);
    } catch {
      this.flag(rel); // vanished or unreadable: the checkpoint sorts it out
      return;
    }
    const seen = new Set<string>();
    for (const name of names) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const childAbs = `${abs}/${name}`;
      const known = node.children.get(name);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(childAbs);
      } catch {
        if (known) this.flag(childRel);
        continue;
      }
      this.entries++;
      if (inline) this.inlineEntries++;
      if (this.skip(childRel, name, childAbs, st.isDirectory())) {
        if (known) this.flag(childRel);
        continue;
      }
      seen.add(name);
      if (!known) {
        if (st.isFile() || st.isSymbolicLink() || st.isDirectory()) this.flag(childRel);
        continue;
      }
      if (known.type === 'dir') {
        if (!st.isDirectory() || st.ino !== known.ino) this.flag(childRel);
        else this.stack.push({ node: known, rel: childRel, abs: childAbs });
        continue;
      }
      const type = st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
      const mode = type === 'file' ? st.mode & 0o777 : 0;
      if (
        known.type !== type || known.size !== st.size || known.mtimeMs !== st.mtimeMs ||
        known.ctimeMs !== st.ctimeMs || known.ino !== st.ino || known.mode !== mode
      ) {
        this.flag(childRel);
      } else if (known.racy) {
        if (this.rehashEqual(known, childAbs, st)) this.settled.set(childRel, known);
        else this.flag(childRel);
      }
    }
    for (const name of node.children.keys()) if (!seen.has(name)) this.flag(rel === '' ? name : `${rel}/${name}`);
  }

  /**
   * Racy git's rule: a stat can be trusted once it is older than the timestamp granularity, since
   * any later write then changes it. So an entry whose stat is that old and whose content still
   * hashes to the tree's hash is settled. Small files only (a slice must stay short).
   */
  private rehashEqual(known: FileNode, abs: string, st: { mtimeMs: number; ctimeMs: number; size: number }): boolean {
    const now = Date.now();
    if (now - st.mtimeMs < RACY_MS || now - st.ctimeMs < RACY_MS || st.size > SETTLE_MAX_BYTES) return false;
    try {
      if (known.type === 'file') return hashFileNoFollow(abs)?.hash === known.hash;
      return hashBlobBytes(fs.readlinkSync(abs, { encoding: 'buffer' })) === known.hash;
    } catch {
      return false;
    }
  }
}

/** Racy entries larger than this are re-examined by the checkpoint, as before. */
const SETTLE_MAX_BYTES = 1024 * 1024;
