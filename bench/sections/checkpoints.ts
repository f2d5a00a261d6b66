/**
 * The checkpoint benchmark for one workspace size: identical copies of one
 * generated workspace, one per method; the same edits applied to each copy
 * right before that method's checkpoint; order of methods rotated every round
 * so no method always runs on the warmer cache.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { brotliCompressSync, constants as zc, deflateSync } from 'node:zlib';
import { discard } from '../scratch';
import { join } from 'node:path';
import type { CheckpointMethod } from '../method';
import { diskUsage, listFiles, treeDigest, type DiskUsage } from '../fsUtil';
import { summarise, type Summary } from '../stats';
import { applyEdits, DEFAULT_MIX, EditStream, generateWorkspace, type Edit, type EditMix, type GeneratedWorkspace } from '../workspace';
import { measureBranchSandboxes, type BranchSandboxResult } from './branches';
import type { EngineMethod } from '../engineMethod';
import { STORE_DIR_NAME } from '../../src/core/snapshots/ignore';

export interface MethodResult {
  label: string;
  key: string;
  initialMs: number;
  checkpoints: Summary;
  samplesMs: number[];
  restore: { ms: number; note?: string; phases?: Record<string, number> } | { error: string };
  /** Bytes each timed checkpoint added to the store (methods that can tell). */
  addedBytes?: number[];
  /** Where each timed checkpoint's time went (methods that can tell). */
  phases?: Array<Record<string, number>>;
  bytes: DiskUsage;
  /** Store size right before the timed rounds (after baseline and warm-up). */
  bytesBeforeRounds: DiskUsage;
  bytesAfterCompact?: DiskUsage;
  details?: Record<string, unknown>;
}

export interface SizeResult {
  files: number;
  totalBytes: number;
  byKind: GeneratedWorkspace['byKind'];
  dirs: number;
  maxDepth: number;
  generateMs: number;
  checkpoints: number;
  restoredTo: number;
  /** Every method's workspace held the same files after restore (and before, at the last checkpoint). */
  identicalAfterCheckpoints: boolean;
  identicalAfterRestore: boolean;
  /** Per method: its last checkpoint holds exactly the files of its workspace (read back from its store). */
  capturedLast: Record<string, boolean>;
  methods: MethodResult[];
  /** p50 per method for other numbers of changed files (after the main rounds; not in the main table). */
  sweep: SweepRow[];
  /** Per timed round: the changed files' new content, raw and compressed with each codec (deletions count 0). */
  changed: ChangedBytes[];
  /** Creating a branch sandbox vs a full copy, on the watcher engine's store (when measured at this size). */
  branches?: BranchSandboxResult;
}

export interface ChangedBytes {
  raw: number;
  zlib1: number;
  zlib6: number;
  brotli5: number;
  /** Milliseconds to compress the round's content with each codec (in the harness, untimed otherwise). */
  ms: { zlib1: number; zlib6: number; brotli5: number };
}

/** What a round of edits adds in content, compressed file by file as a store would. */
export function changedBytes(edits: readonly Edit[]): ChangedBytes {
  const out: ChangedBytes = { raw: 0, zlib1: 0, zlib6: 0, brotli5: 0, ms: { zlib1: 0, zlib6: 0, brotli5: 0 } };
  for (const e of edits) {
    if (e.op === 'delete') continue;
    out.raw += e.data.length;
    let t = performance.now();
    out.zlib1 += Math.min(e.data.length, deflateSync(e.data, { level: 1 }).length);
    out.ms.zlib1 += performance.now() - t;
    t = performance.now();
    out.zlib6 += Math.min(e.data.length, deflateSync(e.data, { level: 6 }).length);
    out.ms.zlib6 += performance.now() - t;
    t = performance.now();
    out.brotli5 += Math.min(e.data.length, brotliCompressSync(e.data, { params: { [zc.BROTLI_PARAM_QUALITY]: 5, [zc.BROTLI_PARAM_SIZE_HINT]: e.data.length } }).length);
    out.ms.brotli5 += performance.now() - t;
  }
  return out;
}

export interface SweepRow {
  changed: number;
  p50Ms: Record<string, number>;
}

export interface SizeOptions {
  files: number;
  checkpoints: number;
  seed: number;
  /** Scratch folder for this size; removed afterwards unless `keep`. */
  workDir: string;
  keep: boolean;
  /** Builds the methods over their workspace copies (created empty by the harness). */
  makeMethods: (dirs: { workspaceFor: (key: string) => string; storeFor: (key: string) => string; home: string }) => CheckpointMethod[];
  methodKeys: readonly string[];
  /** Numbers of changed files to sweep after the main rounds (e.g. [1, 100]). */
  sweep?: readonly number[];
  sweepRounds?: number;
  /** Measure creating branch sandboxes (overlay or seeded copy) against full copies at this size: repetitions of each. */
  branches?: { reps: number; copyReps: number };
  log: (line: string) => void;
}

export async function runSize(o: SizeOptions): Promise<SizeResult> {
  discard(o.workDir);
  const workspaceFor = (key: string) => join(o.workDir, `ws-${key}`);
  const storeFor = (key: string) => join(o.workDir, `store-${key}`);
  const home = join(o.workDir, 'home');
  mkdirSync(home, { recursive: true });
  for (const k of o.methodKeys) mkdirSync(workspaceFor(k), { recursive: true });

  const t0 = performance.now();
  const ws = generateWorkspace(o.methodKeys.map(workspaceFor), o.files, o.seed);
  const generateMs = performance.now() - t0;
  o.log(`  generated ${o.files} files (${(ws.totalBytes / 1e6).toFixed(0)} MB, ${ws.dirs.length} folders, depth <= ${ws.maxDepth}) x${o.methodKeys.length} copies in ${(generateMs / 1000).toFixed(1)} s`);

  let mark = performance.now();
  const lap = (): string => {
    const now = performance.now();
    const s = ((now - mark) / 1000).toFixed(1);
    mark = now;
    return `${s} s`;
  };
  const methods = o.makeMethods({ workspaceFor, storeFor, home });
  try {
    for (const m of methods) await m.init();

    // The first checkpoint captures everything (reported, not part of the 50); a
    // warm-up round with edits follows so that both sides run warm.
    lap();
    const initialMs = new Map<string, number>();
    for (const m of methods) initialMs.set(m.key, (await m.checkpoint('baseline')).ms);
    o.log(`  initial checkpoint: ${methods.map((m) => `${m.label} ${initialMs.get(m.key)!.toFixed(0)} ms`).join(', ')}`);

    const edits = new EditStream(ws, o.seed, (p) => readFileSync(join(workspaceFor(o.methodKeys[0]!), p)));
    const warm = edits.next();
    for (const m of methods) {
      applyEdits(m.workspace, warm);
      await m.checkpoint('warm-up');
    }
    const bytesBefore = new Map(methods.map((m) => [m.key, diskUsage(m.storeDir)]));

    const main = await runRounds(methods, edits, o.checkpoints, DEFAULT_MIX, (i) => {
      if (i % 10 === 0) o.log(`  ${i}/${o.checkpoints} checkpoints`);
    });
    const changed = main.changed;
    // Bytes on disk after the checkpoints (before the restore adds its safety snapshot).
    const bytes = new Map(methods.map((m) => [m.key, diskUsage(m.storeDir)]));
    const samples = new Map([...main].map(([k, v]) => [k, v.ms]));
    const ids = new Map([...main].map(([k, v]) => [k, v.ids]));
    o.log(`  checkpoint rounds done in ${lap()}`);
    const skip = [STORE_DIR_NAME];
    const digests = (): string[] => methods.map((m) => treeDigest(m.workspace, skip).digest);
    const lastDigests = digests();
    const identicalAfterCheckpoints = new Set(lastDigests).size === 1;
    const capturedLast = new Map<string, boolean>();
    for (const [i, m] of methods.entries()) capturedLast.set(m.key, await m.verify(ids.get(m.key)![o.checkpoints - 1]!, lastDigests[i]!));
    o.log(`  workspaces compared, last checkpoints read back in ${lap()}`);

    // #10 of 50 by default: far enough back that 40 rounds of edits must be undone.
    const restoredTo = Math.max(1, Math.floor(o.checkpoints / 5));
    const restores = new Map<string, MethodResult['restore']>();
    for (const m of methods) {
      try {
        restores.set(m.key, await m.restore(ids.get(m.key)![restoredTo - 1]!));
      } catch (e) {
        restores.set(m.key, { error: (e as Error).message });
      }
    }
    o.log(`  restores done in ${lap()}`);
    const identicalAfterRestore = new Set(digests()).size === 1;
    o.log(`  workspaces compared in ${lap()}`);


    let branches: BranchSandboxResult | undefined;
    const engineMethod = methods.find((m) => m.key === 'checkpoint') as EngineMethod | undefined;
    if (o.branches && engineMethod) {
      const engIds = ids.get(engineMethod.key)!;
      branches = await measureBranchSandboxes({
        engine: engineMethod.snapshotEngine,
        workspace: engineMethod.workspace,
        // The run's baseline (the first timed checkpoint) and a later step to fork from.
        baselineId: engIds[0]!,
        laterId: engIds[engIds.length - 1]!,
        workDir: join(o.workDir, 'branches'),
        reps: o.branches.reps,
        copyReps: o.branches.copyReps,
        log: o.log,
      });
      o.log(`  branch sandboxes measured in ${lap()}`);
    }

    // How the cost scales with the number of changed files, on this same workspace.
    const sweep: SweepRow[] = [];
    if (o.sweep?.length) edits.resync(listFiles(methods[0]!.workspace, skip));
    for (const changed of o.sweep ?? []) {
      const mix = mixFor(changed);
      const r = await runRounds(methods, edits, o.sweepRounds ?? 10, mix, () => undefined);
      sweep.push({ changed, p50Ms: Object.fromEntries([...r].map(([k, v]) => [k, summarise(v.ms).p50])) });
    }
    if (sweep.length) o.log(`  changed-files sweep (${(o.sweep ?? []).join(', ')}) done in ${lap()}`);

    const results: MethodResult[] = [];
    for (const m of methods) {
      let bytesAfterCompact: DiskUsage | undefined;
      if (m.compact) {
        await m.compact();
        bytesAfterCompact = diskUsage(m.storeDir);
      }
      const s = samples.get(m.key)!;
      results.push({
        label: m.label,
        key: m.key,
        initialMs: initialMs.get(m.key)!,
        checkpoints: summarise(s),
        samplesMs: s,
        restore: restores.get(m.key)!,
        bytes: bytes.get(m.key)!,
        bytesBeforeRounds: bytesBefore.get(m.key)!,
        ...(main.get(m.key)!.added.length ? { addedBytes: main.get(m.key)!.added } : {}),
        ...(main.get(m.key)!.phases.length ? { phases: main.get(m.key)!.phases } : {}),
        ...(bytesAfterCompact ? { bytesAfterCompact } : {}),
        ...(m.details ? { details: m.details() } : {}),
      });
    }
    if (methods.some((m) => m.compact)) o.log(`  gc done in ${lap()}`);
    return {
      files: o.files,
      totalBytes: ws.totalBytes,
      byKind: ws.byKind,
      dirs: ws.dirs.length,
      maxDepth: ws.maxDepth,
      generateMs,
      checkpoints: o.checkpoints,
      restoredTo,
      identicalAfterCheckpoints,
      identicalAfterRestore,
      capturedLast: Object.fromEntries(capturedLast),
      methods: results,
      sweep,
      changed,
      ...(branches ? { branches } : {}),
    };
  } finally {
    for (const m of methods) await m.close().catch(() => undefined);
    if (!o.keep) {
      discard(o.workDir);
    }
  }
}

/** 70% modified, 20% created, 10% deleted, as in the main rounds (at least one modified). */
function mixFor(changed: number): EditMix {
  const create = Math.floor(changed * 0.2);
  const del = Math.floor(changed * 0.1);
  return { modify: changed - create - del, create, delete: del };
}

/**
 * `n` rounds: the same edits applied to each method's copy right before its
 * checkpoint; the order of methods rotates every round.
 */
async function runRounds(
  methods: readonly CheckpointMethod[],
  edits: EditStream,
  n: number,
  mix: EditMix,
  progress: (i: number) => void,
): Promise<Map<string, RoundSamples> & { changed: ChangedBytes[] }> {
  const out = Object.assign(new Map(methods.map((m) => [m.key, { ms: [], ids: [], added: [], phases: [] } as RoundSamples])), { changed: [] as ChangedBytes[] });
  for (let i = 1; i <= n; i++) {
    const round = edits.next(mix);
    out.changed.push(changedBytes(round));
    for (let j = 0; j < methods.length; j++) {
      const m = methods[(i + j) % methods.length]!;
      applyEdits(m.workspace, round);
      const r = await m.checkpoint(`cp${i}`);
      const rs = out.get(m.key)!;
      rs.ms.push(r.ms);
      rs.ids.push(r.id);
      if (m.lastAddedBytes) rs.added.push(m.lastAddedBytes());
      const ph = m.lastPhases?.();
      if (ph) rs.phases.push(ph);
    }
    progress(i);
  }
  return out;
}

interface RoundSamples {
  ms: number[];
  ids: string[];
  added: number[];
  phases: Array<Record<string, number>>;
}
