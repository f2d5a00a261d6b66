/**
 * A long run under the size budget: 1,000 checkpoints (10 changed files each) of one workspace,
 * with `budget.maxBytes` set, the run's baseline protected (as a recorded run's snapshots are).
 * The store size is read after every checkpoint: it must stay under the budget, however long
 * the run; the GC passes it takes show in the checkpoint tail. The same edits go to a shadow git
 * repository, which has no budget: its growth is what users of shadow-git checkpoints report.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SnapshotEngine, STORE_DIR_NAME } from '../../src/core/snapshots';
import { diskUsage } from '../fsUtil';
import { discard } from '../scratch';
import { ShadowGit } from '../shadowGit';
import { round2, summarise } from '../stats';
import { applyEdits, EditStream, generateWorkspace } from '../workspace';

export interface BudgetOptions {
  workDir: string;
  files: number;
  checkpoints: number;
  /**
   * Budget as a multiple of the store's size after the baseline. The baseline is protected and
   * the current state must be stored too, so after many edits 2x is the floor.
   */
  budgetFactor: number;
  seed: number;
  keep: boolean;
  git: boolean;
  log: (line: string) => void;
}

export async function runBudgetSection(o: BudgetOptions): Promise<Record<string, unknown>> {
  const dir = join(o.workDir, 'budget');
  discard(dir);
  const ws = join(dir, 'ws-engine');
  const gws = join(dir, 'ws-git');
  mkdirSync(ws, { recursive: true });
  mkdirSync(gws, { recursive: true });
  mkdirSync(join(dir, 'home'), { recursive: true });
  const roots = o.git ? [ws, gws] : [ws];
  const gen = generateWorkspace(roots, o.files, o.seed);
  o.log(`\n== budget: ${o.checkpoints} checkpoints of ${o.files} files (${(gen.totalBytes / 1e6).toFixed(0)} MB) under a size budget ==`);
  const storeDir = join(ws, STORE_DIR_NAME, 'snapshots');
  // Measure the baseline first, then open with the budget.
  let eng = await SnapshotEngine.open(storeDir);
  const baseline = await eng.take(ws, { reason: 'baseline' });
  const baseSize = eng.sizeOnDisk();
  eng.close();
  const budget = Math.round(baseSize * o.budgetFactor);
  eng = await SnapshotEngine.open(storeDir, { budget: { maxBytes: budget, protect: () => [baseline.id] } });
  const git = o.git ? new ShadowGit(join(dir, 'git'), gws, join(dir, 'home')) : undefined;
  if (git) {
    await git.init([`/${STORE_DIR_NAME}/`]);
    await git.checkpoint('baseline');
  }
  const edits = new EditStream(gen, o.seed, (p) => readFileSync(join(ws, p)));
  const ms: number[] = [];
  const gitMs: number[] = [];
  const sizes: number[] = [];
  const gitSizes: Array<{ at: number; bytes: number }> = [];
  let gcs = 0;
  let maxSize = 0;
  let prev = baseSize;
  try {
    for (let i = 1; i <= o.checkpoints; i++) {
      const round = edits.next();
      applyEdits(ws, round);
      const t0 = performance.now();
      await eng.take(ws, { reason: `cp${i}` });
      ms.push(performance.now() - t0);
      const size = eng.sizeOnDisk();
      if (size < prev) gcs++;
      prev = size;
      sizes.push(size);
      maxSize = Math.max(maxSize, size);
      if (git) {
        applyEdits(gws, round);
        gitMs.push((await git.checkpoint(`cp${i}`)).ms);
        if (i % 100 === 0) gitSizes.push({ at: i, bytes: diskUsage(join(dir, 'git')).allocated });
      }
      if (i % 100 === 0) o.log(`  ${i}/${o.checkpoints}: store ${(size / 1e6).toFixed(1)} MB (budget ${(budget / 1e6).toFixed(1)} MB)${git ? `, shadow git ${(gitSizes[gitSizes.length - 1]!.bytes / 1e6).toFixed(1)} MB` : ''}`);
    }
    const s = summarise(ms);
    const finalAllocated = diskUsage(storeDir).allocated;
    const result = {
      files: o.files,
      checkpoints: o.checkpoints,
      baseline_store_bytes: baseSize,
      budget_bytes: budget,
      max_store_bytes: maxSize,
      final_store_bytes: sizes[sizes.length - 1] ?? baseSize,
      final_store_allocated_bytes: finalAllocated,
      stayed_under_budget: maxSize <= budget,
      gc_passes: gcs,
      snapshots_left: eng.list().length,
      checkpoint_p50_ms: round2(s.p50),
      checkpoint_p99_ms: round2(s.p99),
      checkpoint_max_ms: round2(s.max),
      store_bytes_every_100: sizes.filter((_, i) => (i + 1) % 100 === 0),
      ...(git
        ? {
            shadow_git_p50_ms: round2(summarise(gitMs).p50),
            shadow_git_bytes_every_100: gitSizes.map((g) => g.bytes),
            shadow_git_final_bytes: gitSizes[gitSizes.length - 1]?.bytes ?? null,
          }
        : {}),
    };
    o.log(`  store stayed ${result.stayed_under_budget ? 'under' : 'ABOVE'} its budget: max ${(maxSize / 1e6).toFixed(1)} MB of ${(budget / 1e6).toFixed(1)} MB; ${gcs} GC passes; checkpoint p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(0)} ms`);
    return result;
  } finally {
    eng.close();
    if (!o.keep) discard(dir);
  }
}
