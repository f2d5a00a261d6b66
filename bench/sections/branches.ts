/**
 * Creating a branch sandbox: what a recovery branch costs before its agent can start, counted as
 * the issue counts it (the folder made ready plus its first checkpoint), against the full copy
 * every branch used to be (materialise every file, then a first checkpoint that walks and
 * re-hashes all of them). Measured on the watcher engine's own store after its checkpoints.
 *
 * The new way (BranchFolders, the product's code): the run's first branch pays once for a
 * read-only lower folder shared by all its branches ("once per run", reported apart); each
 * further branch is an overlay mount over it, its tree seeded from the lower folder, and a fork
 * from a later step writes only the difference. Where the kernel refuses overlays it is a seeded,
 * watched full copy, and the table says so.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { BranchFolders } from '../../src/core/sandbox/overlay';
import type { SnapshotEngine } from '../../src/core/snapshots';
import { discard } from '../scratch';
import { summarise } from '../stats';

export interface BranchSandboxResult {
  kind: 'overlay' | 'copy';
  note?: string;
  /** The run's shared lower folder (once per run): materialise with seed. */
  lowerMs: number;
  /** New branch forked from the lower folder's own step (a recovery from the baseline): prepare + first checkpoint. */
  sameStepMs: number[];
  /** New branch forked from a later step (the difference written into its upper layer): prepare + first checkpoint. */
  laterStepMs: number[];
  /** Split of the same-step branches: mount, seed, first checkpoint (median ms). */
  parts: { mount: number; seed: number; advance: number; firstCheckpoint: number };
  /** Full copy: materialise everything, then the first checkpoint of the new folder (full walk). */
  copyMs: number[];
  copyParts: { materialise: number[]; firstCheckpoint: number[] };
  /** Files the first checkpoint of a new branch hashed (median), against the full copy's. */
  hashed: { branch: number; copy: number };
}

export interface BranchSandboxOptions {
  engine: SnapshotEngine;
  workspace: string;
  baselineId: string;
  laterId: string;
  workDir: string;
  reps: number;
  copyReps: number;
  log: (line: string) => void;
}

export async function measureBranchSandboxes(o: BranchSandboxOptions): Promise<BranchSandboxResult> {
  mkdirSync(o.workDir, { recursive: true });
  const folders = new BranchFolders(o.engine, join(o.workDir, 'run'), { mode: 'auto', rulesFrom: o.workspace });
  const same: number[] = [];
  const later: number[] = [];
  const mount: number[] = [];
  const seed: number[] = [];
  const advance: number[] = [];
  const first: number[] = [];
  const hashedBranch: number[] = [];
  let lowerMs = 0;
  let kind: 'overlay' | 'copy' = 'overlay';
  let note: string | undefined;
  try {
    // The run's first branch: pays for the shared lower folder.
    const main = await folders.prepare('main', o.baselineId);
    await o.engine.take(main.workdir, { reason: 'bench: main branch' });
    lowerMs = main.timings.lower;
    kind = main.kind;
    note = main.note;
    for (let i = 0; i < o.reps; i++) {
      for (const [label, id, into] of [[`same-${i}`, o.baselineId, same], [`later-${i}`, o.laterId, later]] as const) {
        const t0 = performance.now();
        const f = await folders.prepare(label, id);
        const t1 = performance.now();
        const rec = await o.engine.take(f.workdir, { reason: `bench: first checkpoint of ${label}` });
        const t2 = performance.now();
        into.push(t2 - t0);
        if (into === same) {
          mount.push(f.timings.mount);
          seed.push(f.timings.seed);
          first.push(t2 - t1);
          hashedBranch.push(rec.stats.hashed);
        } else {
          advance.push(f.timings.advance);
        }
        await folders.release(label);
      }
    }
  } finally {
    await folders.close(true);
  }
  o.log(`  branch sandbox (${kind}): lower folder once per run ${lowerMs.toFixed(0)} ms; new branch p50 ${summarise(same).p50.toFixed(1)} ms (from a later step ${summarise(later).p50.toFixed(1)} ms)`);

  const copy: number[] = [];
  const mat: number[] = [];
  const copyFirst: number[] = [];
  const hashedCopy: number[] = [];
  for (let i = 0; i < o.copyReps; i++) {
    const dir = join(o.workDir, `copy-${i}`);
    const t0 = performance.now();
    await o.engine.materialise(o.baselineId, dir);
    const t1 = performance.now();
    const rec = await o.engine.take(dir, { reason: 'bench: first checkpoint of a full copy' });
    const t2 = performance.now();
    copy.push(t2 - t0);
    mat.push(t1 - t0);
    copyFirst.push(t2 - t1);
    hashedCopy.push(rec.stats.hashed);
    o.engine.forgetRoot(dir);
    discard(dir);
  }
  o.log(`  full copy: p50 ${summarise(copy).p50.toFixed(0)} ms (materialise ${summarise(mat).p50.toFixed(0)} + first checkpoint ${summarise(copyFirst).p50.toFixed(0)})`);
  const med = (xs: number[]): number => Math.round(summarise(xs).p50 * 100) / 100;
  return {
    kind,
    ...(note ? { note } : {}),
    lowerMs: Math.round(lowerMs),
    sameStepMs: same,
    laterStepMs: later,
    parts: { mount: med(mount), seed: med(seed), advance: med(advance), firstCheckpoint: med(first) },
    copyMs: copy,
    copyParts: { materialise: mat, firstCheckpoint: copyFirst },
    hashed: { branch: med(hashedBranch), copy: med(hashedCopy) },
  };
}
