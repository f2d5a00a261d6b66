/**
 * What a snapshot must not even look at: a 10,000-file workspace, then the same workspace with a
 * 2 GB build folder that its `.gitignore` ignores (as a Rust `target/`, a `.venv/` or a `dist/`
 * would be). The baseline and the checkpoints must cost and weigh the same with and without it,
 * while the agent keeps writing into the build folder (those writes are listed, not stored).
 *
 * The build folder's files are sparse (their 2 GB are holes, so the machine's disk stays
 * usable): that only matters to a snapshot that reads them, and this one never opens them; a
 * snapshot that did would find reading zeros cheaper than real content, which flatters it.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { SnapshotEngine } from '../../src/core/snapshots';
import { diskUsage } from '../fsUtil';
import { discard } from '../scratch';
import { round2, summarise } from '../stats';
import { applyEdits, EditStream, generateWorkspace } from '../workspace';

export interface IgnoredOptions {
  workDir: string;
  files: number;
  /** Bytes in the ignored build folder. */
  buildBytes: number;
  checkpoints: number;
  seed: number;
  keep: boolean;
  log: (line: string) => void;
}

const FILE = 4 * 1024 * 1024;

function sparseFile(abs: string, size: number): void {
  const fd = openSync(abs, 'w');
  try {
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}

export async function runIgnoredSection(o: IgnoredOptions): Promise<Record<string, unknown>> {
  const dir = join(o.workDir, 'ignored');
  discard(dir);
  const ws = join(dir, 'ws');
  mkdirSync(ws, { recursive: true });
  const gen = generateWorkspace([ws], o.files, o.seed);
  writeFileSync(join(ws, '.gitignore'), 'build/\n*.tmp\n');
  o.log(`\n== ignored build folder: ${o.files} files plus a ${(o.buildBytes / 1e9).toFixed(1)} GB build/ folder in .gitignore ==`);
  const edits = new EditStream(gen, o.seed, (p) => readFileSync(join(ws, p)));

  const measure = async (label: string, store: string, agentWritesBuild: boolean) => {
    const eng = await SnapshotEngine.open(store);
    try {
      let t = performance.now();
      const base = await eng.take(ws, { reason: `${label} baseline` });
      const baselineMs = performance.now() - t;
      const baselineBytes = eng.sizeOnDisk();
      const ms: number[] = [];
      let listed = 0;
      for (let i = 0; i < o.checkpoints; i++) {
        applyEdits(ws, edits.next());
        if (agentWritesBuild) {
          // The agent's build writes three more artefacts and rewrites one.
          for (let k = 0; k < 3; k++) sparseFile(join(ws, 'build', 'out', `gen-${i}-${k}.o`), 1 << 20);
          writeFileSync(join(ws, 'build', 'incremental.log'), `round ${i}\n`);
        }
        t = performance.now();
        const rec = await eng.take(ws, { reason: `${label} ${i}` });
        ms.push(performance.now() - t);
        listed += rec.ignoredChanges?.length ?? 0;
      }
      const s = summarise(ms);
      return {
        baseline_ms: round2(baselineMs),
        baseline_files: base.fileCount,
        baseline_store_bytes: baselineBytes,
        checkpoint_p50_ms: round2(s.p50),
        checkpoint_p99_ms: round2(s.p99),
        bytes_added_per_checkpoint: Math.round((eng.sizeOnDisk() - baselineBytes) / Math.max(1, o.checkpoints)),
        ignored_paths_listed: listed,
      };
    } finally {
      eng.close();
    }
  };

  try {
    const without = await measure('without build/', join(dir, 'store-a'), false);
    // The build folder: nested folders of sparse files, `buildBytes` in all.
    const count = Math.ceil(o.buildBytes / FILE);
    for (let i = 0; i < count; i++) {
      const d = join(ws, 'build', `crate${i % 40}`, `deps${i % 7}`);
      mkdirSync(d, { recursive: true });
      sparseFile(join(d, `lib${i}.rlib`), FILE);
    }
    mkdirSync(join(ws, 'build', 'out'), { recursive: true });
    const apparent = diskUsage(join(ws, 'build')).apparent;
    const withBuild = await measure('with build/', join(dir, 'store-b'), true);
    const result = {
      files: o.files,
      build_folder_apparent_bytes: apparent,
      build_folder_files: count,
      without_build_folder: without,
      with_build_folder: withBuild,
      baseline_ratio_with_vs_without: round2(withBuild.baseline_ms / without.baseline_ms),
      baseline_bytes_ratio_with_vs_without: round2(withBuild.baseline_store_bytes / without.baseline_store_bytes),
      checkpoint_p50_ratio_with_vs_without: round2(withBuild.checkpoint_p50_ms / without.checkpoint_p50_ms),
    };
    o.log(
      `  baseline ${without.baseline_ms.toFixed(0)} ms / ${(without.baseline_store_bytes / 1e6).toFixed(1)} MB without, ${withBuild.baseline_ms.toFixed(0)} ms / ${(withBuild.baseline_store_bytes / 1e6).toFixed(1)} MB with ${(apparent / 1e9).toFixed(1)} GB ignored; checkpoint p50 ${without.checkpoint_p50_ms} vs ${withBuild.checkpoint_p50_ms} ms; ${withBuild.ignored_paths_listed} ignored writes listed`,
    );
    return result;
  } finally {
    if (!o.keep) discard(dir);
  }
}
