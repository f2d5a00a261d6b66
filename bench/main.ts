/**
 * `npm run bench`: NemoCognition's snapshots vs a shadow git repository on
 * synthetic workspaces, plus the supervision overheads. Not a test: it prints
 * markdown tables and writes bench/results.json.
 *
 *   node dist/bench.js [--sizes 1000,10000,50000] [--checkpoints 50] [--seed 1]
 *                      [--work-dir bench/work] [--out bench/results.json] [--keep] [--git-gc]
 *                      [--supervision-files 10000] [--sweep 1,100|none] [--sweep-all-sizes]
 *                      [--only checkpoints,budget,ignored,gateway,supervision,replay,phoenix,hostile,render]
 *                      [--branch-sizes 10000,50000|none] [--branch-reps 5]
 *                      [--budget-files 2000] [--budget-checkpoints 1000] [--ignored-files 10000] [--ignored-gb 2]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { cpuPressureAvg60, machineInfo } from './machine';
import { markdownTables, resultsJson } from './report';
import { ALL_METHOD_KEYS, makeMethods } from './methods';
import { adoptStaleTrash, emptyTrash } from './scratch';
import { runSize, type SizeResult } from './sections/checkpoints';
import { runGatewaySection } from './sections/gateway';
import { runPhoenixSection } from './sections/phoenix';
import { runHostileSection } from './sections/hostile';
import { runSupervisionSection } from './sections/supervision';
import { runBudgetSection } from './sections/budget';
import { runIgnoredSection } from './sections/ignored';
import { runReplaySection } from './sections/replay';
import { runRenderSection } from './sections/render';

interface Args {
  sizes: number[];
  checkpoints: number;
  seed: number;
  workDir: string;
  out: string;
  keep: boolean;
  gitGc: boolean;
  supervisionFiles: number;
  sweep: number[];
  sweepAll: boolean;
  only: Set<string>;
  /** Sizes at which branch sandboxes are measured. */
  branchSizes: number[];
  branchReps: number;
  budgetFiles: number;
  budgetCheckpoints: number;
  ignoredFiles: number;
  ignoredBytes: number;
}

function repoRoot(): string {
  let d = __dirname;
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(d, 'package.json'))) return d;
    d = dirname(d);
  }
  return process.cwd();
}

function parseArgs(argv: string[], root: string): Args {
  const a: Args = {
    sizes: [1000, 10_000, 50_000],
    checkpoints: 50,
    seed: 1,
    workDir: join(root, 'bench', 'work'),
    out: join(root, 'bench', 'results.json'),
    keep: false,
    gitGc: false,
    supervisionFiles: 10_000,
    sweep: [1, 100],
    sweepAll: false,
    only: new Set(['checkpoints', 'budget', 'ignored', 'gateway', 'supervision', 'replay', 'phoenix', 'hostile', 'render']),
    branchSizes: [10_000, 50_000],
    branchReps: 5,
    budgetFiles: 2000,
    budgetCheckpoints: 1000,
    ignoredFiles: 10_000,
    ignoredBytes: 2 * 1024 ** 3,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value (see the usage at the top of bench/main.ts).`);
      return v;
    };
    if (flag === '--sizes') a.sizes = val().split(',').map((s) => Number(s.replace(/_/g, '')));
    else if (flag === '--checkpoints') a.checkpoints = Number(val());
    else if (flag === '--seed') a.seed = Number(val());
    else if (flag === '--work-dir') a.workDir = resolve(val());
    else if (flag === '--out') a.out = resolve(val());
    else if (flag === '--keep') a.keep = true;
    else if (flag === '--git-gc') a.gitGc = true;
    else if (flag === '--supervision-files') a.supervisionFiles = Number(val());
    else if (flag === '--sweep') {
      const v = val();
      a.sweep = v === 'none' ? [] : v.split(',').map(Number);
    } else if (flag === '--sweep-all-sizes') a.sweepAll = true;
    else if (flag === '--only') a.only = new Set(val().split(','));
    else if (flag === '--branch-sizes') {
      const v = val();
      a.branchSizes = v === 'none' ? [] : v.split(',').map((x) => Number(x.replace(/_/g, '')));
    } else if (flag === '--branch-reps') a.branchReps = Number(val());
    else if (flag === '--budget-files') a.budgetFiles = Number(val());
    else if (flag === '--budget-checkpoints') a.budgetCheckpoints = Number(val());
    else if (flag === '--ignored-files') a.ignoredFiles = Number(val());
    else if (flag === '--ignored-gb') a.ignoredBytes = Math.round(Number(val()) * 1024 ** 3);
    else throw new Error(`Unknown option ${flag}. Options: --sizes 1000,10000 --checkpoints N --seed N --work-dir DIR --out FILE --keep --git-gc --supervision-files N --sweep 1,100|none --sweep-all-sizes --only checkpoints,budget,ignored,gateway,supervision,replay,phoenix,hostile,render --branch-sizes 10000,50000|none --branch-reps N --budget-files N --budget-checkpoints N --ignored-files N --ignored-gb N`);
  }
  if (a.sweep.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sweep takes whole numbers of changed files, e.g. --sweep 1,100, or none.');
  if (a.sizes.some((s) => !Number.isInteger(s) || s < 10)) throw new Error('--sizes takes whole numbers of files (at least 10), e.g. --sizes 1000,10000.');
  if (!Number.isInteger(a.checkpoints) || a.checkpoints < 5) throw new Error('--checkpoints needs a whole number of at least 5 (restore goes back to checkpoint #N/5).');
  return a;
}

async function main(): Promise<void> {
  const root = repoRoot();
  const args = parseArgs(process.argv.slice(2), root);
  const log = (l: string) => console.log(l);
  const started = performance.now();
  const machine = await machineInfo();
  log(`NemoCognition bench: ${machine.cpus} cpus (${machine.cpu_model}), node ${machine.node}, ${machine.git}, ${machine.date}`);
  log(`load average ${machine.load_average_start.join(' ')}; cpu pressure (some, avg60) ${machine.cpu_pressure_some_avg60_start ?? 'n/a'}% (well above 0 means other processes competed for the CPUs: timings below are inflated)`);

  adoptStaleTrash(args.workDir);
  const sizes: SizeResult[] = [];
  const sections: Record<string, unknown> = {};
  if (args.only.has('checkpoints')) {
    const keys = ALL_METHOD_KEYS;
    for (const files of args.sizes) {
      log(`\n== ${files.toLocaleString('en-US')} files ==`);
      const workDir = join(args.workDir, String(files));
      mkdirSync(workDir, { recursive: true });
      sizes.push(
        await runSize({
          files,
          checkpoints: args.checkpoints,
          seed: args.seed,
          workDir,
          keep: args.keep,
          methodKeys: keys,
          // The sweep costs git O(workspace) per checkpoint: by default only on the headline size.
          sweep: args.sweepAll || files === 10_000 ? args.sweep : [],
          // A full copy of 50,000 files takes a while: one at that size.
          ...(args.branchSizes.includes(files) ? { branches: { reps: args.branchReps, copyReps: files >= 50_000 ? 1 : 2 } } : {}),
          makeMethods: (dirs) => makeMethods(keys, { ...dirs, gitGc: args.gitGc }),
          log,
        }),
      );
    }
    log('');
    log(markdownTables(sizes));
  }
  if (args.only.has('budget')) {
    sections.budget = await runBudgetSection({ workDir: args.workDir, files: args.budgetFiles, checkpoints: args.budgetCheckpoints, budgetFactor: 3, seed: args.seed, keep: args.keep, git: true, log });
  }
  if (args.only.has('ignored')) {
    sections.ignored_build_folder = await runIgnoredSection({ workDir: args.workDir, files: args.ignoredFiles, buildBytes: args.ignoredBytes, checkpoints: 20, seed: args.seed, keep: args.keep, log });
  }
  if (args.only.has('gateway')) sections.gateway = await runGatewaySection(log);
  if (args.only.has('supervision')) {
    sections.supervision = await runSupervisionSection(log, { workDir: args.workDir, files: args.supervisionFiles, iterations: 30, seed: args.seed, keep: args.keep });
  }
  if (args.only.has('render')) {
    const render = await runRenderSection(log);
    sections.render = render;
    if (typeof render.render_seconds_per_video_second === 'number') sections.render_seconds_per_video_second = render.render_seconds_per_video_second;
  }

  if (args.only.has('replay')) {
    sections.replay = await runReplaySection(log);
    const r = sections.replay as Record<string, unknown>;
    // Top-level keys, as issue 11 names them.
    sections.replay_first_paint_ms = r.replay_first_paint_ms ?? null;
    sections.replay_scrub_step_p95_ms = r.replay_scrub_step_p95_ms ?? null;
  }

  // Phoenix's keys (phoenix_mirror_lag_ms, phoenix_mirror_wall_ratio) sit at the top of results.json.
  if (args.only.has('phoenix')) Object.assign(sections, await runPhoenixSection(log, { workDir: args.workDir }));
  if (args.only.has('hostile')) sections.hostile = await runHostileSection(log);

  machine.load_average_end = loadavg().map((x) => Math.round(x * 100) / 100);
  machine.cpu_pressure_some_avg60_end = cpuPressureAvg60();
  const json = resultsJson(sizes, {
    machine,
    config: {
      sizes: args.sizes,
      sweep_changed_files: args.sweep,
      checkpoints: args.checkpoints,
      seed: args.seed,
      edits_per_checkpoint: { modify: 7, create: 2, delete: 1 },
      command: `${(process.argv[1] ?? '').endsWith('.ts') ? 'npx tsx bench/main.ts' : 'node dist/bench.js'} ${process.argv.slice(2).join(' ')}`.trim(),
      total_seconds: Math.round((performance.now() - started) / 1000),
    },
    sections,
  });
  mkdirSync(dirname(args.out), { recursive: true });
  // A partial run (--only without checkpoints) updates its own sections and keeps the rest of the file,
  // with the machine's state during this run recorded in the sections it wrote.
  let out: Record<string, unknown> = json;
  if (!args.only.has('checkpoints') && existsSync(args.out)) {
    const previous = JSON.parse(readFileSync(args.out, 'utf8')) as Record<string, unknown>;
    const ran = Object.fromEntries(Object.entries(sections).map(([k, v]) => [k, v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as object), machine, command: (json.config as Record<string, unknown>).command } : v]));
    out = { ...previous, ...ran };
  }
  writeFileSync(args.out, `${JSON.stringify(out, null, 2)}\n`);
  const rm = emptyTrash();
  if (rm !== undefined) log(`scratch folders under ${args.workDir} are being removed in the background (rm -rf, pid ${rm})`);
  log(`\nwrote ${args.out} (${Math.round((performance.now() - started) / 1000)} s in all)`);
}

main().catch((e: unknown) => {
  emptyTrash();
  console.error(`bench failed: ${(e as Error).stack ?? String(e)}`);
  process.exitCode = 1;
});
