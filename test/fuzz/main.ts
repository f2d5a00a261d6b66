/**
 * `npm run fuzz`: the property tests of test/properties/ run longer, with
 * random seeds, and a report. Under `npm test` the same properties run with
 * fixed seeds and 1,000 cases each; here each target gets a time budget,
 * shared by its properties, and fast-check's base size rotates (small to
 * xlarge) from batch to batch so both many small and fewer large inputs come.
 *
 *   npm run fuzz                                  # 1 minute per target, every target
 *   npm run fuzz -- --minutes 10                  # 10 minutes per target
 *   npm run fuzz -- --targets journal,policy --minutes 2
 *   npm run fuzz -- --seed 42                     # reproducible batch seeds
 *   npm run fuzz -- --replay journal --property 0 --seed S --path P   # one failure, again
 *   npm run fuzz -- --out test-results/fuzz/report.md
 *
 * Exit code 1 when any property failed. Runs at low priority (nice 10): the machine may be shared.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, setPriority, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import fc from 'fast-check';
import { observing, slowest, type Target } from '../properties/harness';
import { classifyTarget } from '../properties/targets/classify';
import { envelopeTarget } from '../properties/targets/envelope';
import { journalTarget } from '../properties/targets/journal';
import { policyTarget } from '../properties/targets/policy';
import { protocolTarget } from '../properties/targets/protocol';
import { streamTarget } from '../properties/targets/stream';

const TARGETS: Target[] = [envelopeTarget, protocolTarget, journalTarget, policyTarget, classifyTarget, streamTarget];
const SIZES = ['small', 'medium', 'large', 'xlarge'] as const;
const BATCH_RUNS = 2_000;

interface Args {
  minutes: number;
  targets: Target[];
  seed: number | null;
  out: string | null;
  replay: { target: Target; property: number; seed: number; path: string | undefined } | null;
  /** Internal: run as one target's own process and write its results here (see main). */
  childReport: string | null;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { minutes: 1, targets: TARGETS, seed: null, out: null, replay: null, childReport: null };
  let replayTarget: string | null = null;
  let replayProperty = 0;
  let path: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value (see the usage at the top of test/fuzz/main.ts).`);
      return v;
    };
    if (flag === '--minutes') a.minutes = Number(val());
    else if (flag === '--targets') {
      const names = val().split(',');
      const unknown = names.filter((n) => !TARGETS.some((t) => t.name === n));
      if (unknown.length) throw new Error(`Unknown target ${unknown.join(', ')}; targets: ${TARGETS.map((t) => t.name).join(', ')}.`);
      a.targets = TARGETS.filter((t) => names.includes(t.name));
    } else if (flag === '--seed') a.seed = Number(val());
    else if (flag === '--out') a.out = resolve(val());
    else if (flag === '--replay') replayTarget = val();
    else if (flag === '--property') replayProperty = Number(val());
    else if (flag === '--path') path = val();
    else if (flag === '--child-report') a.childReport = resolve(val());
    else throw new Error(`Unknown option ${flag}. Options: --minutes N --targets ${TARGETS.map((t) => t.name).join(',')} --seed N --out FILE --replay TARGET --property I --seed S --path P`);
  }
  if (!(a.minutes > 0)) throw new Error('--minutes takes a positive number, e.g. --minutes 10.');
  if (replayTarget !== null) {
    const target = TARGETS.find((t) => t.name === replayTarget);
    if (!target || !target.properties[replayProperty] || a.seed === null) throw new Error('--replay needs a target name, --property <index> and --seed <seed> (and --path <path>) from a report.');
    a.replay = { target, property: replayProperty, seed: a.seed, path };
  }
  return a;
}

interface PropertyReport {
  target: string;
  property: number;
  name: string;
  runs: number;
  batches: number;
  ms: number;
  failure: { seed: number; path: string; size: string; counterexample: string; error: string } | null;
}

/** A seed source: random, or derived from --seed so a whole fuzz session can be replayed. */
function seeds(base: number | null): () => number {
  let x = base ?? (Math.random() * 2 ** 31) | 0;
  return () => {
    if (base === null) return (Math.random() * 2 ** 31) | 0;
    x = (Math.imul(x ^ (x >>> 15), 2246822507) + 0x9e3779b9) | 0;
    return x;
  };
}

async function fuzzProperty(target: Target, index: number, ms: number, nextSeed: () => number): Promise<PropertyReport> {
  const spec = target.properties[index]!;
  const report: PropertyReport = { target: target.name, property: index, name: spec.name, runs: 0, batches: 0, ms: 0, failure: null };
  const t0 = Date.now();
  observing(target.name);
  while (Date.now() - t0 < ms && !report.failure) {
    const seed = nextSeed();
    const size = SIZES[report.batches % SIZES.length]!;
    fc.configureGlobal({ baseSize: size });
    try {
      const details = await fc.check(spec.make(), { seed, numRuns: BATCH_RUNS, interruptAfterTimeLimit: Math.max(1000, ms - (Date.now() - t0)), markInterruptAsFailure: false, endOnFailure: false });
      report.runs += details.numRuns;
      report.batches++;
      if (details.failed) {
        report.failure = {
          seed,
          path: details.counterexamplePath ?? '',
          size,
          counterexample: clip(fc.stringify(details.counterexample), 600),
          error: clip(String((details.errorInstance as Error)?.message ?? details.errorInstance), 600),
        };
      }
    } finally {
      fc.resetConfigureGlobal();
    }
  }
  report.ms = Date.now() - t0;
  return report;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}

function markdown(reports: PropertyReport[], args: Args, started: Date, wallMs: number): string {
  const lines: string[] = [];
  lines.push(`# npm run fuzz: ${args.minutes} min per target, ${args.seed === null ? 'random seeds' : `seeds from --seed ${args.seed}`}`);
  lines.push('');
  lines.push(`${started.toISOString()}, ${cpus().length} cpus, node ${process.version}, load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')}; ${Math.round(wallMs / 60000)} min in all. fast-check ${fc.__version}; batches of ${BATCH_RUNS} cases, base size rotating ${SIZES.join('/')}.`);
  lines.push('');
  lines.push('| target | property | cases | seeds | minutes | result |');
  lines.push('|---|---|---:|---:|---:|---|');
  for (const r of reports) {
    lines.push(`| ${r.target} | ${r.name} | ${r.runs.toLocaleString('en-US')} | ${r.batches} | ${(r.ms / 60000).toFixed(1)} | ${r.failure ? '**FAILED**' : 'ok'} |`);
  }
  lines.push('');
  lines.push('Slowest input per byte each target met (CPU time; inputs of 4 KB and more):');
  lines.push('');
  lines.push('| target | CPU ms | bytes | µs per byte | input |');
  lines.push('|---|---:|---:|---:|---|');
  for (const t of args.targets) {
    const o = slowest.get(t.name);
    lines.push(o ? `| ${t.name} | ${o.ms.toFixed(1)} | ${o.bytes.toLocaleString('en-US')} | ${((o.ms * 1000) / o.bytes).toFixed(2)} | \`${o.sample.replace(/\|/g, '\\|').replace(/`/g, "'")}\` |` : `| ${t.name} | – | – | – | (no input of 4 KB or more timed) |`);
  }
  const failed = reports.filter((r) => r.failure);
  lines.push('');
  if (failed.length === 0) lines.push(`No failures: ${reports.reduce((n, r) => n + r.runs, 0).toLocaleString('en-US')} cases in all.`);
  for (const r of failed) {
    const f = r.failure!;
    lines.push(`## FAILED: ${r.target} / ${r.name}`);
    lines.push('');
    if (r.property < 0) lines.push(`- its process ended early: \`npm run fuzz -- --targets ${r.target}\` runs it alone, with its output`);
    else lines.push(`- replay: \`npm run fuzz -- --replay ${r.target} --property ${r.property} --seed ${f.seed} --path ${f.path}\` (base size ${f.size})`);
    lines.push(`- counterexample: \`${f.counterexample}\``);
    lines.push(`- error: ${f.error}`);
    lines.push('');
  }
  return lines.join('\n');
}

async function replay(r: NonNullable<Args['replay']>): Promise<void> {
  const spec = r.target.properties[r.property]!;
  console.log(`replaying ${r.target.name} / ${spec.name} with seed ${r.seed}${r.path ? `, path ${r.path}` : ''}`);
  for (const size of SIZES) {
    fc.configureGlobal({ baseSize: size });
    try {
      await fc.assert(spec.make(), { seed: r.seed, path: r.path, numRuns: BATCH_RUNS, endOnFailure: true, verbose: true });
    } catch (e) {
      // A path recorded at another base size does not exist at this one: try the next size.
      if (r.path && /Unable to replay/.test((e as Error).message)) continue;
      const cause = (e as Error & { cause?: unknown }).cause;
      console.log(`base size ${size}: ${(e as Error).message}${cause ? `\ncaused by: ${(cause as Error)?.stack ?? String(cause)}` : ''}`);
      process.exitCode = 1;
      return;
    } finally {
      fc.resetConfigureGlobal();
    }
  }
  console.log('passes now');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  try {
    setPriority(10);
  } catch {
    // not allowed here: run at normal priority
  }
  if (args.replay) return replay(args.replay);
  const started = new Date();
  const nextSeed = seeds(args.seed);
  const reports: PropertyReport[] = [];
  if (!args.childReport) console.log(`npm run fuzz: ${args.targets.map((t) => t.name).join(', ')}; ${args.minutes} min per target (${Math.round(args.minutes * args.targets.length)} min in all)`);
  if (args.targets.length > 1 && !args.childReport) {
    // Each target in its own process: an hour of one process's garbage ran V8 out of heap (exit 134),
    // and a crash of one target must not cost the others' results.
    const dir = mkdtempSync(join(tmpdir(), 'nc-fuzz-'));
    try {
      for (const target of args.targets) {
        const file = join(dir, `${target.name}.json`);
        const child = spawnSync(
          process.execPath,
          [...process.execArgv, process.argv[1]!, '--targets', target.name, '--minutes', String(args.minutes), ...(args.seed !== null ? ['--seed', String(nextSeed())] : []), '--child-report', file],
          { stdio: 'inherit' },
        );
        let got: { reports: PropertyReport[]; slowest: Array<[string, { ms: number; bytes: number; sample: string }]> } | null = null;
        try {
          got = JSON.parse(readFileSync(file, 'utf8'));
        } catch {
          got = null;
        }
        if (!got) {
          const why = child.signal ?? `exit ${child.status}`;
          reports.push({ target: target.name, property: -1, name: `the target's process died (${why}) before its report`, runs: 0, batches: 0, ms: 0, failure: { seed: 0, path: '', size: '', counterexample: '', error: `process ended with ${why}` } });
          continue;
        }
        reports.push(...got.reports);
        for (const [k, v] of got.slowest) slowest.set(k, v as never);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else for (const target of args.targets) {
    const each = (args.minutes * 60_000) / target.properties.length;
    for (let i = 0; i < target.properties.length; i++) {
      const r = await fuzzProperty(target, i, each, nextSeed);
      reports.push(r);
      console.log(`  ${target.name} / ${r.name}: ${r.runs.toLocaleString('en-US')} cases, ${r.batches} seeds, ${(r.ms / 1000).toFixed(0)} s${r.failure ? ` — FAILED (seed ${r.failure.seed}, path ${r.failure.path})` : ''}`);
    }
  }
  if (args.childReport) {
    writeFileSync(args.childReport, JSON.stringify({ reports, slowest: [...slowest.entries()] }));
    if (reports.some((r) => r.failure)) process.exitCode = 1;
    return;
  }
  const report = markdown(reports, args, started, Date.now() - started.getTime());
  console.log(`\n${report}`);
  if (args.out) {
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${report}\n`);
    console.log(`\nwrote ${args.out}`);
  }
  if (reports.some((r) => r.failure)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(`fuzz failed: ${(e as Error).stack ?? String(e)}`);
  process.exitCode = 2;
});
