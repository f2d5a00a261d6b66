/**
 * Issue 8: the Phoenix mirror never slows a run, and how far behind the
 * recorder it runs. Against the real Phoenix (.cache/phoenix), with the mirror
 * as the extension runs it (`nemocog mirror --follow` in a child process):
 *
 * - wall ratio (stress, the key `phoenix_mirror_wall_ratio`): the same recorded
 *   workload (runs shaped like the demo: two branches, LLM calls with their
 *   messages, tool calls opened then closed, a denial, checkpoints), written
 *   through the real Recorder and Store as fast as they go, mirror off and
 *   mirror on, alternated (off, on, off, on...) in this one process;
 *   ratio = median(on) / median(off). As in the product, the mirror is already
 *   running and live when the run starts (the extension starts it once per
 *   window, not per run: its Node start-up is not a run's cost), on a store
 *   that exists. Its catch-up after the workload is not part of the run's time
 *   (that is the point), but it is measured and reported, with how many spans
 *   were confirmed while the run was still writing.
 * - wall ratio, paced (`phoenix_mirror_wall_ratio_paced`): the same, with a
 *   pause between steps as a real agent waits on its model (shortened to
 *   30 ms so that a trial stays short); reported beside the stress ratio,
 *   never instead of it.
 * - lag: a paced workload (one span ended every 100 ms); for each span, the time
 *   from the journal record that ended it to its confirmation by read-back.
 *   The median is phoenix_mirror_lag_ms.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Recorder } from '../../src/core/recorder/recorder';
import { Scrubber } from '../../src/core/redact';
import { storeDirFor } from '../../src/core/store/paths';
import { Store } from '../../src/core/store/store';
import { PhoenixServer, phoenixInstall } from '../../test/support/phoenix';
import { discard } from '../scratch';
import { percentile } from '../stats';

const PROJECT = 'bench';

function cliPath(): string {
  for (const p of [join(__dirname, 'cli.js'), resolve(__dirname, '../../dist/cli.js')]) if (existsSync(p)) return p;
  throw new Error('dist/cli.js is missing: run `npm run build` first (npm run bench does).');
}

/** One run shaped like the demo (33 spans); `pace` waits between steps (0 = as fast as the store goes). */
async function recordRun(rec: Recorder, i: number, pace: () => Promise<void>): Promise<void> {
  const messages = Array.from({ length: 6 }, (_, k) => ({ role: k % 2 ? 'assistant' : 'user', content: `message ${k} of run ${i}: ${'lorem ipsum dolor sit amet '.repeat(40)}` }));
  const llmAttrs = (n: number) => ({
    'openinference.span.kind': 'LLM',
    'llm.model_name': 'bench-model',
    ...Object.fromEntries(messages.flatMap((m, k) => [[`llm.input_messages.${k}.message.role`, m.role], [`llm.input_messages.${k}.message.content`, m.content]])),
    'llm.token_count.prompt': 1200 + n,
    'llm.token_count.completion': 40,
    'llm.token_count.total': 1240 + n,
    'input.value': JSON.stringify({ messages }),
    'input.mime_type': 'application/json',
  });
  await rec.startRun({ task: `bench task ${i}`, workspace: '/bench', baselineSnapshotId: null, driver: 'local', meta: { 'nemocognition.model.base_url': 'http://127.0.0.1:1/v1' } });
  const main = await rec.openBranch({ label: 'main', agentId: 'main', sandbox: 'local:main', parentNodeId: null });
  const base = await rec.appendNode(main.id, { kind: 'checkpoint', name: 'workspace baseline' });
  const step = async (branchId: string, n: number, deny: boolean) => {
    await rec.appendNode(branchId, { kind: 'model_call', name: `bench call ${n}`, attributes: llmAttrs(n) });
    await pace();
    await rec.appendNode(branchId, { kind: 'checkpoint', name: `snapshot before exec ${n}` });
    const tool = await rec.appendNode(branchId, { kind: 'tool_call', name: `exec: step ${n}`, endTime: null, attributes: { 'tool.name': 'exec', 'tool.parameters': JSON.stringify({ command: `step ${n}` }) } });
    await pace();
    await rec.closeNode(tool.id, { status: deny ? 'error' : 'ok', attributes: { 'output.value': deny ? 'Permission denied' : `ok ${n}` } });
    if (deny) await rec.appendNode(branchId, { kind: 'policy_decision', name: `deny exec: step ${n}`, parentNodeId: tool.id, status: 'error', attributes: { 'nemocognition.policy.decision': 'deny' } });
    await pace();
  };
  for (let n = 0; n < 4; n++) await step(main.id, n, n === 3);
  await rec.sealBranch(main.id, 'failed', 'denied');
  const rb = await rec.openBranch({ label: 'recovery-1', agentId: 'main', sandbox: 'local:recovery-1', parentNodeId: base.id });
  await rec.appendNode(rb.id, { kind: 'recovery', name: 'recovery 1' });
  for (let n = 0; n < 5; n++) await step(rb.id, 10 + n, false);
  await rec.sealBranch(rb.id, 'completed', 'done');
  await rec.endRun('completed');
}

async function workload(ws: string, runs: number, pace: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) {
    const store = await Store.open(storeDirFor(ws));
    try {
      const rec = new Recorder(store, new Scrubber());
      await recordRun(rec, i, pace);
      await rec.flush();
    } finally {
      await store.close();
    }
  }
  return performance.now() - t0;
}

/** CPU time (user + system, ms) a process has used so far, from /proc; NaN where unavailable. */
function cpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return NaN;
  }
}

class Mirror {
  readonly lags: number[] = [];
  private last: { state?: string; behind?: number; delivered?: number } = {};
  private constructor(private readonly proc: ChildProcess) {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      try {
        const m = JSON.parse(l) as { type: string; lagMs?: number[]; status?: { state: string; behind: number; delivered: number } };
        if (m.type === 'delivered' && m.lagMs) this.lags.push(...m.lagMs);
        if (m.status) this.last = m.status;
      } catch {
        // not JSON
      }
    });
  }
  /**
   * Starts it on `ws` and waits until it is live, warm: as the extension keeps it, running since the
   * window opened and done with earlier runs. One run is recorded first (`WARM_SPANS` spans), which it
   * delivers before the measured ones (its first delivery compiles the OTLP and HTTP code paths).
   */
  static async start(ws: string, endpoint: string): Promise<Mirror> {
    await workload(ws, 1, async () => undefined);
    const proc = spawn(process.execPath, [cliPath(), 'mirror', ws, '--follow', '--json', '--control-stdin', '--endpoint', endpoint, '--project', PROJECT], { stdio: ['pipe', 'pipe', 'ignore'] });
    proc.stdin!.write('{}\n');
    const m = new Mirror(proc);
    await m.settled(WARM_SPANS, 60_000);
    m.lags.length = 0;
    return m;
  }
  get pid(): number | undefined {
    return this.proc.pid;
  }
  /** Spans confirmed in Phoenix so far (from its `delivered` lines). */
  get confirmed(): number {
    return this.lags.length;
  }
  /** Resolves when `spans` spans are confirmed and nothing is behind. */
  async settled(spans: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(this.last.state === 'live' && this.last.behind === 0 && (this.last.delivered ?? 0) >= spans)) {
      if (Date.now() > deadline) throw new Error(`the mirror did not catch up within ${timeoutMs / 1000} s (last status ${JSON.stringify(this.last)})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  stop(): Promise<void> {
    return new Promise((r) => {
      this.proc.once('exit', () => r());
      this.proc.stdin!.end();
    });
  }
}

/** Spans per run of recordRun: the run, its two branches, 14 + 16 nodes. */
const SPANS_PER_RUN = 33;
/** Spans the mirror delivers before a measurement (Mirror.start). */
const WARM_SPANS = SPANS_PER_RUN;

const med = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

export async function runPhoenixSection(log: (l: string) => void, opts: { workDir: string; trials?: number; runs?: number }): Promise<Record<string, unknown>> {
  log('\n== Phoenix mirror: run wall time with the mirror off and on, recorder-to-Phoenix lag ==');
  if (!phoenixInstall().installed) {
    const error = 'Phoenix is not installed (node .ci/install-phoenix.mjs; npm run bench installs it)';
    log(`phoenix: skipped (${error})`);
    return { phoenix_mirror: { error } };
  }
  const trials = opts.trials ?? 10;
  const runs = opts.runs ?? 15;
  const pacedRuns = 2;
  const pacedTrials = 4;
  mkdirSync(opts.workDir, { recursive: true });
  const scratch = mkdtempSync(join(opts.workDir, 'phoenix-'));
  const phoenix = await PhoenixServer.start({ workDir: join(scratch, 'phoenix') });
  try {
    const none = async () => undefined;
    const paced = () => new Promise<void>((r) => setTimeout(r, 30));
    // Warm-up (sql.js, the page cache), not measured.
    await workload(join(scratch, 'warm'), 2, none);

    /** Alternates off and on (which goes first alternates too), so a drift in the machine's load favours neither. */
    const compare = async (name: string, n: number, pace: () => Promise<void>, count: number) => {
      const off: number[] = [];
      const on: number[] = [];
      const mirrorCpu: number[] = [];
      const phoenixCpu: number[] = [];
      const duringRun: number[] = [];
      const catchUp: number[] = [];
      // Both start on a store that holds one earlier run (the first Store.open of a workspace creates it:
      // not a run's cost; Mirror.start records that run for the mirror to deliver first), and on a quiet disk: the previous trial's catch-up leaves Phoenix's SQLite writes to flush, which
      // would otherwise land in whichever trial comes next (the run's own syncs queue behind them).
      const quiet = async () => {
        spawnSync('sync');
        await new Promise((r) => setTimeout(r, 500));
      };
      const withoutMirror = async (t: number) => {
        const ws = join(scratch, `${name}-off-${t}`);
        await workload(ws, 1, none); // the same earlier run as Mirror.start records: the same store to open
        await quiet();
        off.push(await workload(ws, n, pace));
      };
      const withMirror = async (t: number) => {
        const ws = join(scratch, `${name}-on-${t}`);
        const m = await Mirror.start(ws, phoenix.url);
        await quiet();
        const px0 = cpuMs(phoenix.pid);
        const mx0 = cpuMs(m.pid);
        on.push(await workload(ws, n, pace));
        const ended = performance.now();
        mirrorCpu.push(cpuMs(m.pid) - mx0);
        phoenixCpu.push(cpuMs(phoenix.pid) - px0);
        duringRun.push(m.confirmed);
        await m.settled(WARM_SPANS + n * SPANS_PER_RUN, 300_000); // the mirror's catch-up is not part of the run
        catchUp.push(performance.now() - ended);
        await m.stop();
      };
      for (let t = 0; t < count; t++) {
        if (t % 2 === 0) {
          await withoutMirror(t);
          await withMirror(t);
        } else {
          await withMirror(t);
          await withoutMirror(t);
        }
        log(`  ${name} trial ${t + 1}: ${n} runs in ${off[t]!.toFixed(0)} ms with the mirror off, ${on[t]!.toFixed(0)} ms with it on (meanwhile the mirror used ${mirrorCpu[t]!.toFixed(0)} ms of CPU, Phoenix ${phoenixCpu[t]!.toFixed(0)} ms; ${duringRun[t]} of ${n * SPANS_PER_RUN} spans confirmed before the run ended, all ${catchUp[t]!.toFixed(0)} ms after)`);
      }
      return { off, on, ratio: med(on) / med(off), mirrorCpu, phoenixCpu, duringRun, catchUp };
    };

    const stress = await compare('stress', runs, none, trials);
    const slow = await compare('paced', pacedRuns, paced, pacedTrials);

    // Steady state: one span ended every ~100 ms, the mirror following.
    const ws = join(scratch, 'lag');
    const m = await Mirror.start(ws, phoenix.url);
    await workload(ws, 2, () => new Promise((r) => setTimeout(r, 100)));
    await m.settled(WARM_SPANS + 2 * SPANS_PER_RUN, 120_000);
    await m.stop();
    const lags = [...m.lags].sort((a, b) => a - b);
    const lag = { n: lags.length, p50: percentile(lags, 50), p95: percentile(lags, 95), max: lags[lags.length - 1] ?? NaN };
    log('');
    log('| workload | runs per trial | trials | wall p50, mirror off | wall p50, mirror on | ratio (on/off) | catch-up after the run p50 |');
    log('|---|---:|---:|---:|---:|---:|---:|');
    log(`| stress (as fast as the store goes) | ${runs} | ${trials} | ${med(stress.off).toFixed(0)} ms | ${med(stress.on).toFixed(0)} ms | ${stress.ratio.toFixed(3)}x | ${med(stress.catchUp).toFixed(0)} ms |`);
    log(`| paced (30 ms between steps) | ${pacedRuns} | ${pacedTrials} | ${med(slow.off).toFixed(0)} ms | ${med(slow.on).toFixed(0)} ms | ${slow.ratio.toFixed(3)}x | ${med(slow.catchUp).toFixed(0)} ms |`);
    log('');
    log(`per-trial ratios (each on/off pair back to back), stress: ${stress.on.map((x, i) => (x / stress.off[i]!).toFixed(2)).join(' ')} (median ${med(stress.on.map((x, i) => x / stress.off[i]!)).toFixed(3)}); paced: ${slow.on.map((x, i) => (x / slow.off[i]!).toFixed(2)).join(' ')}`);
    log('');
    log('| lag p50 | lag p95 | lag max | spans |');
    log('|---:|---:|---:|---:|');
    log(`| ${lag.p50.toFixed(0)} ms | ${lag.p95.toFixed(0)} ms | ${lag.max.toFixed(0)} ms | ${lag.n} |`);
    const r2 = (x: number) => Math.round(x * 100) / 100;
    // Each trial's on/off pair ran back to back: its ratio shares the machine's state of the moment.
    const paired = (c: typeof stress) => c.on.map((x, i) => x / c.off[i]!);
    const samples = (c: typeof stress) => ({
      wall_ms_mirror_off: c.off.map(r2),
      wall_ms_mirror_on: c.on.map(r2),
      wall_ratio_per_trial: paired(c).map((x) => Math.round(x * 1000) / 1000),
      wall_ratio_per_trial_median: Math.round(med(paired(c)) * 1000) / 1000,
      cpu_ms_during_run_mirror_process: c.mirrorCpu.map(r2),
      cpu_ms_during_run_phoenix: c.phoenixCpu.map(r2),
      spans_confirmed_before_run_end: c.duringRun,
      catch_up_ms_after_run: c.catchUp.map(r2),
    });
    return {
      phoenix_mirror_lag_ms: r2(lag.p50),
      phoenix_mirror_wall_ratio: Math.round(stress.ratio * 1000) / 1000,
      phoenix_mirror_wall_ratio_paced: Math.round(slow.ratio * 1000) / 1000,
      phoenix_mirror: {
        phoenix_version: phoenix.install.version,
        runs_per_trial: runs,
        spans_per_run: SPANS_PER_RUN,
        trials,
        ...samples(stress),
        paced: { runs_per_trial: pacedRuns, trials: pacedTrials, pause_ms_between_steps: 30, ...samples(slow) },
        lag_ms: { n: lag.n, p50: r2(lag.p50), p95: r2(lag.p95), max: r2(lag.max) },
        method:
          'wall (phoenix_mirror_wall_ratio): Recorder+Store workload as fast as it goes, mirror (`nemocog mirror --follow` child process, started and live before the run, as the extension keeps it) off/on alternated, median ratio; paced: the same with 30 ms between steps; lag: journal record time of the span\'s end to its read-back confirmation, one span ended every ~100 ms',
      },
    };
  } catch (e) {
    const error = (e as Error).message;
    log(`phoenix: failed (${error})`);
    return { phoenix_mirror: { error } };
  } finally {
    await phoenix.dispose();
    discard(scratch);
  }
}
