/**
 * Branch sandbox folders that cost O(changed), not O(workspace).
 *
 *   const folders = new BranchFolders(engine, '<nc>/sandboxes/<run>', { rulesFrom: workspace });
 *   const f = await folders.prepare('recovery-1', snapshotId);   // f.workdir, f.enter, f.kind
 *   ... run the agent with f.enter before its sandbox command; engine.take(f.workdir, ...) ...
 *   await folders.close();                                        // unmounts, removes the folders
 *
 * Layout under the run's folder: `lower-<n>/` a read-only materialisation of a snapshot, made
 * once per run and shared by every branch; `<label>/upper` and `<label>/ovwork` the branch's own
 * overlay layer; `<label>/work` the sandbox path, where the overlay is mounted (in the holder's
 * namespace, see holder.ts).
 *
 * Cost of a new branch once the run has a lower folder: one mount, a copy of the in-memory tree
 * of the lower folder (hashes and stat, so the engine reads no file), and, when the branch forks
 * from a later step than the lower folder holds, writing only the difference. Its first
 * checkpoint walks the (nearly empty) upper folder. Without overlay support, each branch is a
 * full copy whose tree is seeded the same way and whose folders are watched.
 *
 * Safety: the lower folder is bound read-only in the holder's namespace (the kernel refuses any
 * write to it, EROFS) and lies outside the sandbox's Landlock write set; writes to the sandbox
 * path land in the branch's upper folder only. Another branch's view is not affected.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, rmdirSync, chmodSync, lstatSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SnapshotEngine } from '../../snapshots/engine';
import { startHolder, type OverlayHolder } from './holder';

export type BranchFolderMode = 'auto' | 'overlay' | 'copy';

export interface BranchFolder {
  label: string;
  /** The sandbox path the agent works in. */
  workdir: string;
  kind: 'overlay' | 'copy';
  /** Command prefix that puts a process into the namespaces where `workdir` is the overlay. */
  enter?: string[];
  /** Why a copy was made instead of an overlay, when one was wanted. */
  note?: string;
  /** Milliseconds: materialising a lower folder (0 when shared), mounting, seeding, writing a fork's difference. */
  timings: { lower: number; mount: number; seed: number; advance: number; total: number };
}

interface Lower {
  dir: string;
  snapshotId: string;
}

export class BranchFolders {
  private readonly lowers: Lower[] = [];
  private readonly holders = new Map<string, OverlayHolder>();
  private readonly folders = new Map<string, BranchFolder>();
  private overlayBroken: string | undefined;

  constructor(
    private readonly engine: SnapshotEngine,
    readonly runDir: string,
    private readonly opts: { mode?: BranchFolderMode; rulesFrom?: string } = {},
  ) {}

  async prepare(label: string, snapshotId: string): Promise<BranchFolder> {
    if (!/^[A-Za-z0-9._-]+$/.test(label)) throw new Error(`Branch label "${label}" cannot name a folder; use letters, digits, '.', '_' or '-'.`);
    const t0 = performance.now();
    const dir = join(this.runDir, label);
    const workdir = join(dir, 'work');
    if (existsSync(workdir) && readdirSync(workdir).length > 0) throw new Error(`The sandbox folder ${workdir} is not empty; a branch label is used once per run.`);
    mkdirSync(workdir, { recursive: true });
    const mode = this.opts.mode ?? 'auto';
    let note: string | undefined;
    if (mode !== 'copy' && !this.overlayBroken) {
      try {
        return this.keep(await this.overlay(label, dir, workdir, snapshotId, t0));
      } catch (e) {
        if (mode === 'overlay') throw e;
        this.overlayBroken = (e as Error).message;
      }
    }
    if (mode !== 'copy') note = `overlay not available (${this.overlayBroken}); the branch got a full copy`;
    const tm = performance.now();
    await this.engine.materialise(snapshotId, workdir, { seed: true });
    const ts = performance.now();
    this.engine.adoptRoot(workdir, { snapshotId, seedFrom: workdir, rulesFrom: this.opts.rulesFrom });
    this.engine.dropSeed(workdir);
    const te = performance.now();
    return this.keep({
      label, workdir, kind: 'copy', ...(note ? { note } : {}),
      timings: { lower: r2(ts - tm), mount: 0, seed: r2(te - ts), advance: 0, total: r2(te - t0) },
    });
  }

  private keep(f: BranchFolder): BranchFolder {
    this.folders.set(f.label, f);
    return f;
  }

  /** The run's lower folder for `snapshotId`, or the first one (to be advanced), made on first use. */
  private async lowerFor(snapshotId: string): Promise<{ lower: Lower; ms: number }> {
    const exact = this.lowers.find((l) => l.snapshotId === snapshotId);
    if (exact) return { lower: exact, ms: 0 };
    if (this.lowers.length > 0) return { lower: this.lowers[0]!, ms: 0 };
    const t = performance.now();
    const dir = join(this.runDir, `lower-${this.lowers.length}`);
    mkdirSync(dir, { recursive: true });
    await this.engine.materialise(snapshotId, dir, { seed: true });
    const lower = { dir, snapshotId };
    this.lowers.push(lower);
    return { lower, ms: performance.now() - t };
  }

  private async overlay(label: string, dir: string, workdir: string, snapshotId: string, t0: number): Promise<BranchFolder> {
    const { lower, ms: lowerMs } = await this.lowerFor(snapshotId);
    const upper = join(dir, 'upper');
    const ovwork = join(dir, 'ovwork');
    mkdirSync(upper, { recursive: true });
    mkdirSync(ovwork, { recursive: true });
    const tm = performance.now();
    const holder = await startHolder({
      cwd: this.runDir,
      lower: relative(this.runDir, lower.dir),
      upper: relative(this.runDir, upper),
      work: relative(this.runDir, ovwork),
      target: workdir,
    });
    this.holders.set(label, holder);
    const ts = performance.now();
    this.engine.adoptRoot(workdir, { snapshotId: lower.snapshotId, seedFrom: lower.dir, view: holder.view, upperDir: upper, rulesFrom: this.opts.rulesFrom });
    const ta = performance.now();
    if (lower.snapshotId !== snapshotId) await this.engine.advanceRoot(workdir, lower.snapshotId, snapshotId);
    const te = performance.now();
    return {
      label, workdir, kind: 'overlay', enter: holder.enter,
      timings: { lower: r2(lowerMs), mount: r2(ts - tm), seed: r2(ta - ts), advance: r2(te - ta), total: r2(te - t0) },
    };
  }

  /** Where the supervisor reads a branch's folder (the merged view, for an overlay). */
  viewOf(label: string): string | undefined {
    const f = this.folders.get(label);
    if (!f) return undefined;
    return this.holders.get(label)?.view ?? f.workdir;
  }

  /** Unmounts one branch's overlay (its snapshots stay) and forgets its in-memory tree. */
  async release(label: string): Promise<void> {
    const f = this.folders.get(label);
    if (f) this.engine.forgetRoot(f.workdir);
    const h = this.holders.get(label);
    this.holders.delete(label);
    await h?.close();
  }

  /** Unmounts every overlay; with `removeFiles`, deletes the lower, upper and work folders too. */
  async close(removeFiles = false): Promise<void> {
    for (const label of [...this.folders.keys()]) await this.release(label);
    for (const l of this.lowers) this.engine.dropSeed(l.dir);
    if (!removeFiles) return;
    for (const f of this.folders.values()) {
      const dir = join(this.runDir, f.label);
      for (const sub of ['work', 'upper', 'ovwork']) removeTree(join(dir, sub));
      try {
        rmdirSync(dir);
      } catch {
        // holds the agent's state folder, removed with the run's sandbox folder
      }
    }
    for (const l of this.lowers) removeTree(l.dir);
  }
}

/** rm -rf that also gets through the mode-000 folders overlayfs leaves in its work folder. */
export function removeTree(p: string): void {
  try {
    rmSync(p, { recursive: true, force: true });
    return;
  } catch {
    // fall through: make everything writable and retry
  }
  const fix = (q: string): void => {
    let st;
    try {
      st = lstatSync(q);
    } catch {
      return;
    }
    if (!st.isDirectory()) return;
    try {
      chmodSync(q, 0o700);
    } catch {
      return;
    }
    for (const n of readdirSync(q)) fix(join(q, n));
  };
  fix(p);
  rmSync(p, { recursive: true, force: true });
}

function r2(x: number): number {
  return Math.round(x * 100) / 100;
}
