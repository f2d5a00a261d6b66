/** results.json and the printed markdown tables. */
import type { MethodResult, SizeResult } from './sections/checkpoints';
import { round2 } from './stats';

export const ENGINE_KEY = 'checkpoint';
export const SCAN_KEY = 'full_scan';
export const GIT_KEY = 'shadow_git';

export interface MachineInfo {
  date: string;
  cpus: number;
  cpu_model: string;
  total_memory_gb: number;
  platform: string;
  kernel: string;
  node: string;
  git: string;
  filesystem_note: string;
  /** 1/5/15-minute load averages at start and end: other processes on the machine skew timings. */
  load_average_start: number[];
  load_average_end?: number[];
  cpu_pressure_some_avg60_start: number | null;
  cpu_pressure_some_avg60_end?: number | null;
}

type Json = Record<string, unknown>;

function method(size: SizeResult, key: string): MethodResult | undefined {
  return size.methods.find((m) => m.key === key);
}

function ratio(a: number | undefined, b: number | undefined): number | null {
  return a !== undefined && b !== undefined && b > 0 ? round2(a / b) : null;
}

/** Per-size keys: `<key>_p50_ms`, `<key>_p99_ms`, `<key>_mean_ms` for each method, and speedups over git. */
export function sizeJson(size: SizeResult): Json {
  const out: Json = {
    files: size.files,
    workspace_bytes: size.totalBytes,
    folders: size.dirs,
    max_path_depth: size.maxDepth,
    checkpoints: size.checkpoints,
    changed_files_per_checkpoint: 10,
    identical_workspaces_after_checkpoints: size.identicalAfterCheckpoints,
    last_checkpoint_holds_workspace: size.capturedLast,
  };
  for (const m of size.methods) {
    out[`${m.key}_p50_ms`] = round2(m.checkpoints.p50);
    out[`${m.key}_p99_ms`] = round2(m.checkpoints.p99);
    out[`${m.key}_mean_ms`] = round2(m.checkpoints.mean);
  }
  const git = method(size, GIT_KEY)?.checkpoints.p50;
  out.speedup_vs_shadow_git = ratio(git, method(size, ENGINE_KEY)?.checkpoints.p50);
  out.full_scan_speedup_vs_shadow_git = ratio(git, method(size, SCAN_KEY)?.checkpoints.p50);
  out.initial_checkpoint_ms = Object.fromEntries(size.methods.map((m) => [m.key, round2(m.initialMs)]));
  out.restore = {
    to_checkpoint: size.restoredTo,
    from_checkpoint: size.checkpoints,
    identical_workspaces_after_restore: size.identicalAfterRestore,
    ...Object.fromEntries(
      size.methods.map((m) => [`${m.key}_ms`, 'ms' in m.restore ? round2(m.restore.ms) : { error: m.restore.error }]),
    ),
  };
  out.bytes_on_disk = Object.fromEntries(
    size.methods.flatMap((m) => {
      const rows: Array<[string, number]> = [[`${m.key}_allocated`, m.bytes.allocated], [`${m.key}_apparent`, m.bytes.apparent], [`${m.key}_files`, m.bytes.files]];
      if (m.bytesAfterCompact) rows.push([`${m.key}_after_gc_allocated`, m.bytesAfterCompact.allocated]);
      return rows;
    }),
  );
  out.changed_files_sweep = size.sweep.map((r) => ({ changed_files: r.changed, ...Object.fromEntries(Object.entries(r.p50Ms).map(([k, v]) => [`${k}_p50_ms`, round2(v)])) }));
  out.method_details = Object.fromEntries(size.methods.filter((m) => m.details).map((m) => [m.key, m.details]));
  out.restore_notes = Object.fromEntries(size.methods.map((m) => [m.key, 'note' in m.restore ? m.restore.note : undefined]));
  out.samples_ms = Object.fromEntries(size.methods.map((m) => [m.key, m.samplesMs.map(round2)]));
  return out;
}

export function resultsJson(sizes: SizeResult[], extra: { machine: MachineInfo; config: Json; sections: Json }): Json {
  const bySize = Object.fromEntries(sizes.map((s) => [String(s.files), sizeJson(s)]));
  const headline = sizes.find((s) => s.files === 10_000) ?? sizes[0];
  const top: Json = {};
  if (headline) {
    const h = bySize[String(headline.files)] as Json;
    top.headline_files = headline.files;
    for (const k of ['checkpoint_p50_ms', 'checkpoint_p99_ms', 'shadow_git_p50_ms', 'shadow_git_p99_ms', 'speedup_vs_shadow_git', 'full_scan_p50_ms', 'full_scan_p99_ms', 'full_scan_speedup_vs_shadow_git']) top[k] = h[k] ?? null;
  }
  return { ...top, sizes: bySize, ...extra.sections, machine: extra.machine, config: extra.config };
}

const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const mb = (b: number): string => `${(b / 1e6).toFixed(b >= 1e8 ? 0 : 1)} MB`;
const cell = (m: MethodResult | undefined): string => (m ? `${ms(m.checkpoints.p50)} / ${ms(m.checkpoints.p99)} / ${ms(m.checkpoints.mean)}` : 'n/a');
const x = (r: number | null): string => (r === null ? 'n/a' : `${r.toFixed(1)}x`);

export function markdownTables(sizes: SizeResult[]): string {
  if (sizes.length === 0) return '';
  const labels = sizes[0]!.methods;
  const lines: string[] = [];
  const n = sizes[0]!.checkpoints;
  lines.push(`Checkpoint time, ${n} checkpoints with 10 changed files each (7 modified, 2 created, 1 deleted); ms p50 / p99 / mean:`);
  lines.push('');
  lines.push(`| files (size) | ${labels.map((m) => m.label).join(' | ')} | speedup vs shadow git (p50) |`);
  lines.push(`|---|${labels.map(() => '---:').join('|')}|---:|`);
  for (const s of sizes) {
    const git = method(s, GIT_KEY)?.checkpoints.p50;
    const speed = [ENGINE_KEY, SCAN_KEY]
      .map((k) => method(s, k))
      .filter((m): m is MethodResult => !!m)
      .map((m) => `${m.label}: ${x(ratio(git, m.checkpoints.p50))}`)
      .join(', ');
    lines.push(`| ${s.files.toLocaleString('en-US')} (${mb(s.totalBytes)}) | ${labels.map((l) => cell(method(s, l.key))).join(' | ')} | ${speed} |`);
  }
  lines.push('');
  lines.push(`Restore of checkpoint #${sizes[0]!.restoredTo} from #${n} (ms), bytes on disk after ${n + 2} checkpoints (baseline + warm-up + ${n}):`);
  lines.push('');
  lines.push(`| files | ${labels.map((m) => `${m.label} restore`).join(' | ')} | ${labels.map((m) => `${m.label} on disk`).join(' | ')} | identical after restore |`);
  lines.push(`|---|${labels.map(() => '---:').join('|')}|${labels.map(() => '---:').join('|')}|---|`);
  for (const s of sizes) {
    const restore = labels.map((l) => {
      const m = method(s, l.key);
      return !m ? 'n/a' : 'ms' in m.restore ? ms(m.restore.ms) : 'error';
    });
    const disk = labels.map((l) => {
      const m = method(s, l.key);
      if (!m) return 'n/a';
      return m.bytesAfterCompact ? `${mb(m.bytes.allocated)} (${mb(m.bytesAfterCompact.allocated)} after gc)` : mb(m.bytes.allocated);
    });
    lines.push(`| ${s.files.toLocaleString('en-US')} | ${restore.join(' | ')} | ${disk.join(' | ')} | ${s.identicalAfterRestore ? 'yes' : 'NO'} |`);
  }
  lines.push('');
  for (const s of sizes) {
    const captured = s.methods.map((m) => `${m.label} ${s.capturedLast[m.key] ? 'yes' : 'NO'}`).join(', ');
    lines.push(`Checks, ${s.files.toLocaleString('en-US')} files: all copies identical after the ${s.checkpoints} checkpoints: ${s.identicalAfterCheckpoints ? 'yes' : 'NO'}; last checkpoint read back equals its workspace: ${captured}.`);
  }
  const sweeps = sizes.filter((s) => s.sweep.length > 0);
  if (sweeps.length > 0) {
    lines.push('');
    lines.push('Checkpoint p50 (ms) by number of changed files (the 10-file column is the main run; the others are 10 extra checkpoints each):');
    lines.push('');
    lines.push(`| files | changed | ${labels.map((m) => m.label).join(' | ')} |`);
    lines.push(`|---|---:|${labels.map(() => '---:').join('|')}|`);
    for (const s of sweeps) {
      const rows = [...s.sweep, { changed: 10, p50Ms: Object.fromEntries(s.methods.map((m) => [m.key, m.checkpoints.p50])) }].sort((a, b) => a.changed - b.changed);
      for (const r of rows) {
        lines.push(`| ${s.files.toLocaleString('en-US')} | ${r.changed} | ${labels.map((l) => (r.p50Ms[l.key] === undefined ? 'n/a' : ms(r.p50Ms[l.key]!))).join(' | ')} |`);
      }
    }
  }
  return lines.join('\n');
}
