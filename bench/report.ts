/** results.json and the printed markdown tables. */
import type { MethodResult, SizeResult } from './sections/checkpoints';
import { round2, summarise } from './stats';

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
    ...Object.fromEntries(size.methods.filter((m) => 'phases' in m.restore && m.restore.phases).map((m) => [`${m.key}_phases_ms`, (m.restore as { phases: Record<string, number> }).phases])),
  };
  const engRestore = method(size, ENGINE_KEY)?.restore;
  const gitRestore = method(size, GIT_KEY)?.restore;
  out.restore_speedup_vs_shadow_git = engRestore && gitRestore && 'ms' in engRestore && 'ms' in gitRestore ? ratio(gitRestore.ms, engRestore.ms) : null;
  out.checkpoint_phases_p50_ms = Object.fromEntries(size.methods.filter((m) => m.phases?.length).map((m) => [m.key, phaseMedians(m.phases!)]));
  out.bytes_added = bytesAdded(size);
  const engDisk = method(size, ENGINE_KEY)?.bytes.allocated;
  const gitDisk = method(size, GIT_KEY)?.bytes.allocated;
  out.disk_ratio_vs_shadow_git = ratio(engDisk, gitDisk);
  if (size.branches) out.branch_sandbox = branchJson(size);
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

function phaseMedians(rows: Array<Record<string, number>>): Record<string, number> {
  const keys = new Set(rows.flatMap((r) => Object.keys(r)));
  return Object.fromEntries([...keys].map((k) => [k, round2(summarise(rows.map((r) => r[k] ?? 0)).p50)]));
}

/** Bytes each checkpoint added against the compressed size of the content that changed. */
function bytesAdded(size: SizeResult): Json {
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const ch = size.changed;
  const changed = { raw: sum(ch.map((c) => c.raw)), zlib1: sum(ch.map((c) => c.zlib1)), zlib6: sum(ch.map((c) => c.zlib6)), brotli5: sum(ch.map((c) => c.brotli5)) };
  const msOf = (k: 'zlib1' | 'zlib6' | 'brotli5'): number => sum(ch.map((c) => c.ms[k]));
  const out: Json = {
    rounds: ch.length,
    changed_content_bytes: changed,
    codec_mb_per_s: Object.fromEntries((['zlib1', 'zlib6', 'brotli5'] as const).map((k) => [k, round2(changed.raw / 1e6 / Math.max(1e-9, msOf(k) / 1000))])),
  };
  for (const m of size.methods) {
    const growth = m.bytes.apparent - m.bytesBeforeRounds.apparent;
    const alloc = m.bytes.allocated - m.bytesBeforeRounds.allocated;
    const row: Json = {
      apparent_per_checkpoint: Math.round(growth / Math.max(1, ch.length)),
      allocated_per_checkpoint: Math.round(alloc / Math.max(1, ch.length)),
      ratio_vs_changed_zlib6: ratio(growth, changed.zlib6),
      allocated_ratio_vs_changed_zlib6: ratio(alloc, changed.zlib6),
    };
    if (m.addedBytes?.length) {
      const s = summarise(m.addedBytes);
      row.per_checkpoint_p50 = Math.round(s.p50);
      row.per_checkpoint_max = Math.round(s.max);
    }
    out[m.key] = row;
  }
  return out;
}

function branchJson(size: SizeResult): Json {
  const b = size.branches!;
  const same = summarise(b.sameStepMs);
  const later = summarise(b.laterStepMs);
  const copy = summarise(b.copyMs);
  return {
    kind: b.kind,
    ...(b.note ? { note: b.note } : {}),
    lower_once_per_run_ms: b.lowerMs,
    branch_sandbox_p50_ms: round2(same.p50),
    branch_sandbox_max_ms: round2(same.max),
    branch_sandbox_from_later_step_p50_ms: round2(later.p50),
    parts_p50_ms: b.parts,
    full_copy_p50_ms: round2(copy.p50),
    full_copy_materialise_p50_ms: round2(summarise(b.copyParts.materialise).p50),
    full_copy_first_checkpoint_p50_ms: round2(summarise(b.copyParts.firstCheckpoint).p50),
    speedup_vs_copy: ratio(copy.p50, same.p50),
    from_later_step_speedup_vs_copy: ratio(copy.p50, later.p50),
    files_hashed_by_first_checkpoint: b.hashed,
    samples_ms: { branch: b.sameStepMs.map(round2), from_later_step: b.laterStepMs.map(round2), full_copy: b.copyMs.map(round2) },
  };
}

export function resultsJson(sizes: SizeResult[], extra: { machine: MachineInfo; config: Json; sections: Json }): Json {
  const bySize = Object.fromEntries(sizes.map((s) => [String(s.files), sizeJson(s)]));
  const headline = sizes.find((s) => s.files === 10_000) ?? sizes[0];
  const top: Json = {};
  if (headline) {
    const h = bySize[String(headline.files)] as Json;
    top.headline_files = headline.files;
    for (const k of ['checkpoint_p50_ms', 'checkpoint_p99_ms', 'shadow_git_p50_ms', 'shadow_git_p99_ms', 'speedup_vs_shadow_git', 'full_scan_p50_ms', 'full_scan_p99_ms', 'full_scan_speedup_vs_shadow_git']) top[k] = h[k] ?? null;
    const restore = h.restore as Json;
    top.restore_ms = restore[`${ENGINE_KEY}_ms`] ?? null;
    top.shadow_git_restore_ms = restore[`${GIT_KEY}_ms`] ?? null;
    top.restore_speedup_vs_shadow_git = h.restore_speedup_vs_shadow_git ?? null;
    const disk = h.bytes_on_disk as Json;
    top.disk_bytes = disk[`${ENGINE_KEY}_allocated`] ?? null;
    top.shadow_git_disk_bytes = disk[`${GIT_KEY}_allocated`] ?? null;
    top.disk_ratio_vs_shadow_git = h.disk_ratio_vs_shadow_git ?? null;
    const added = (h.bytes_added as Json)[ENGINE_KEY] as Json | undefined;
    top.bytes_added_per_checkpoint_vs_changed = added?.ratio_vs_changed_zlib6 ?? null;
    const branch = (bySize[String(headline.files)] as Json).branch_sandbox as Json | undefined;
    top.branch_sandbox_ms = branch?.branch_sandbox_p50_ms ?? null;
    top.full_copy_ms = branch?.full_copy_p50_ms ?? null;
    top.branch_sandbox_speedup_vs_copy = branch?.speedup_vs_copy ?? null;
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
  lines.push('', ...extraTables(sizes));
  return lines.join('\n');
}

const kb = (b: number): string => `${(b / 1024).toFixed(1)} KB`;

/** Phases, restore phases, bytes added, codecs, branch sandboxes. */
function extraTables(sizes: SizeResult[]): string[] {
  const lines: string[] = [];
  const eng = (s: SizeResult): MethodResult | undefined => method(s, ENGINE_KEY);
  const withPhases = sizes.filter((s) => eng(s)?.phases?.length);
  if (withPhases.length) {
    lines.push(`Where a NemoCognition (watcher) checkpoint's time goes, p50 per phase (ms): waiting for the store lock, learning what changed (barrier flush), lstat/read/hash/compress of changed paths, tree objects, counting changes, writing the pack, then one round of parallel flushes (the pack, the ref, their folders) and the ref's write:`);
    lines.push('');
    lines.push('| files | lock | changes | examine | trees | diff | pack | durable (ref + flush) | checkpoint p50 |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const s of withPhases) {
      const p = phaseMedians(eng(s)!.phases!);
      lines.push(`| ${s.files.toLocaleString('en-US')} | ${[p.lock, p.changes, p.examine, p.trees, p.diff, p.pack, p.durable].map((x) => ms(x ?? 0)).join(' | ')} | ${ms(eng(s)!.checkpoints.p50)} |`);
    }
    lines.push('');
  }
  const withRestore = sizes.filter((s) => { const r = eng(s)?.restore; return r && 'phases' in r && r.phases; });
  if (withRestore.length) {
    lines.push(`Restore of checkpoint #${sizes[0]!.restoredTo}, by phase (ms): safety snapshot, plan (Merkle diff + path checks), reading and verifying blobs, recording the intent (journal, flushed meanwhile), writing (in place, or temp + rename), returning; then, after restore has returned and while its journal record still stands (a crash meanwhile is completed by the next open), flushing every written file and folder and removing the record. Git's \`read-tree -u --reset\` flushes nothing it writes into the work tree:`);
    lines.push('');
    lines.push('| files | safety | plan | read | journal | write | return | NemoCognition total | flushed after return | shadow git `read-tree -u --reset` | speedup |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const s of withRestore) {
      const r = eng(s)!.restore as { ms: number; phases: Record<string, number> };
      const g = method(s, GIT_KEY)?.restore;
      const gms = g && 'ms' in g ? g.ms : undefined;
      const p = r.phases;
      lines.push(`| ${s.files.toLocaleString('en-US')} | ${[p.safety, p.plan, p.read, p.journal, p.write, p.durable].map((x) => ms(x ?? 0)).join(' | ')} | ${ms(r.ms)} | ${p.flushed_after === undefined ? 'n/a' : ms(p.flushed_after)} | ${gms === undefined ? 'n/a' : ms(gms)} | ${x(ratio(gms, r.ms))} |`);
    }
    lines.push('');
  }
  lines.push('Bytes: on disk after the checkpoints (allocated blocks), and what each checkpoint added against the compressed size of the content that changed (each changed file compressed on its own with zlib level 6, as git packs do):');
  lines.push('');
  lines.push('| files | NemoCognition on disk | shadow git on disk | ratio | NemoCognition added per checkpoint | shadow git added per checkpoint | changed content per checkpoint (raw / zlib-6 / brotli-5) | NemoCognition added / changed (zlib-6) |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of sizes) {
    const e = eng(s);
    const g = method(s, GIT_KEY);
    if (!e) continue;
    const j = bytesAdded(s) as Record<string, Record<string, number> | number>;
    const ej = j[ENGINE_KEY] as Record<string, number>;
    const gj = g ? (j[GIT_KEY] as Record<string, number>) : undefined;
    const c = j.changed_content_bytes as unknown as { raw: number; zlib6: number; brotli5: number };
    const n = Math.max(1, s.changed.length);
    lines.push(
      `| ${s.files.toLocaleString('en-US')} | ${mb(e.bytes.allocated)} | ${g ? mb(g.bytes.allocated) : 'n/a'} | ${g ? (e.bytes.allocated / g.bytes.allocated).toFixed(2) : 'n/a'} | ${kb(ej.apparent_per_checkpoint!)} (${kb(ej.allocated_per_checkpoint!)} allocated) | ${gj ? `${kb(gj.apparent_per_checkpoint!)} (${kb(gj.allocated_per_checkpoint!)} allocated)` : 'n/a'} | ${kb(c.raw / n)} / ${kb(c.zlib6 / n)} / ${kb(c.brotli5 / n)} | ${ej.ratio_vs_changed_zlib6?.toFixed(2)} |`,
    );
  }
  lines.push('');
  const withBranches = sizes.filter((s) => s.branches);
  if (withBranches.length) {
    lines.push('Creating a branch sandbox (folder ready + its first checkpoint), against a full copy (materialise every file + a first checkpoint that walks and hashes them all), ms:');
    lines.push('');
    lines.push('| files | how | shared lower folder (once per run) | new branch p50 (fork from the baseline) | new branch p50 (fork from a later step) | full copy p50 | speedup |');
    lines.push('|---|---|---:|---:|---:|---:|---:|');
    for (const s of withBranches) {
      const b = branchJson(s) as Record<string, number | string>;
      lines.push(`| ${s.files.toLocaleString('en-US')} | ${b.kind} | ${ms(b.lower_once_per_run_ms as number)} | ${ms(b.branch_sandbox_p50_ms as number)} | ${ms(b.branch_sandbox_from_later_step_p50_ms as number)} | ${ms(b.full_copy_p50_ms as number)} | ${x(b.speedup_vs_copy as number)} |`);
    }
    lines.push('');
  }
  return lines;
}
