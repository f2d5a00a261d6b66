/**
 * Faults of the supervised run, on real parts (the pinned OpenClaw, Landlock,
 * the demo model) except where a fault cannot be produced with them: the
 * malformed and the 50 MB envelope come from a FAKE OpenClaw
 * (test/fixtures/fake-agent-runtime, labelled as such). For every fault:
 * the user gets a message and a fix, the store (opened read-only afterwards)
 * holds the branch sealed with an `error` node explaining it, what was
 * recorded before the fault is still there, and no agent process is left.
 *
 * Agent turns cost 20-40 s of start-up each: the real-agent faults run two at
 * a time in one `before`, after the faults that change process.env.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoModel, type DemoModel } from '../../src/core/demo';
import { OPENCLAW_VERSION, RUNTIME_DIR_ENV } from '../../src/core/bridge/openclaw/runtime';
import type { RunListener, RunSummary, SupervisedRunOptions } from '../../src/core/run/api';
import { ORPHAN_MESSAGE, sealOrphanedRuns } from '../../src/core/run/orphans';
import { currentOwner } from '../../src/core/run/owner';
import { runSupervised } from '../../src/core/run/supervisor';
import type { Node } from '../../src/core/model/types';
import { Store } from '../../src/core/store/store';
import { storeDirFor } from '../../src/core/store/paths';
import { seedDemoWorkspace } from '../../src/cli/demoWorkspace';
import { DEMO_TASK } from '../../src/cli/commands/demo';
import { missingPart, requireAgentRuntime, requireLandlock } from '../support/realParts';

const ROOT = join(__dirname, '..', '..');
const FAKE_RUNTIME = join(__dirname, '..', 'fixtures', 'fake-agent-runtime');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Pid {
  pid: number;
  exe: string;
  cmdline: string;
}

/** Every process whose command line or working directory lies in `dir`. */
function processesIn(dir: string): Pid[] {
  const out: Pid[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      let cwd = '';
      let exe = '';
      try {
        cwd = readlinkSync(`/proc/${name}/cwd`);
        exe = readlinkSync(`/proc/${name}/exe`);
      } catch {
        // not ours to read, or a zombie
      }
      if (cmdline.includes(dir) || cwd.startsWith(dir)) out.push({ pid: Number(name), exe, cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Waits up to `ms` for the processes to be reaped (SIGKILL of a group is not instant). */
async function noProcessesIn(dir: string, ms = 5000): Promise<Pid[]> {
  let left = processesIn(dir);
  for (let t = 0; t < ms && left.length; t += 250) {
    await sleep(250);
    left = processesIn(dir);
  }
  return left;
}

interface FaultRun {
  ws: string;
  summary: RunSummary;
  /** Every node the run reported before it ended: all must be in the store. */
  seen: Node[];
  leftover: Pid[];
}

interface Expect {
  branch: 'error' | 'cancelled';
  run?: 'error' | 'cancelled';
  type: string;
}

describe('faults of the supervised run', function () {
  this.timeout(900_000);
  const scratch = mkdtempSync(join(tmpdir(), 'nc-faults-'));
  let demo: DemoModel;
  let hang: DemoModel;
  let n = 0;

  before(async function () {
    requireAgentRuntime(this);
    await requireLandlock(this);
    demo = await startDemoModel({ scenario: 'deny-and-recover' });
    hang = await startDemoModel({ scenario: 'timeout' });
  });
  after(async () => {
    await demo?.close();
    await hang?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function runFault(opts: Partial<SupervisedRunOptions> & { model: SupervisedRunOptions['model'] }, hooks: { node?: (n: Node, ctl: AbortController) => void } = {}): Promise<FaultRun> {
    const ws = opts.workspace ?? join(scratch, `ws${++n}`);
    if (!opts.workspace) seedDemoWorkspace(ws);
    const seen: Node[] = [];
    const ctl = new AbortController();
    const listener: RunListener = {
      node: (node) => {
        seen.push({ ...node });
        hooks.node?.(node, ctl);
      },
    };
    const summary = await runSupervised({ workspace: ws, task: DEMO_TASK, driver: 'local', maxRecoveries: 1, timeoutMs: 240_000, signal: ctl.signal, ...opts }, listener);
    return { ws, summary, seen, leftover: await noProcessesIn(ws) };
  }

  /** The store, read-only: the run ended, every branch sealed, the last one with the error node; nothing seen before is lost. */
  async function assertRecorded(f: FaultRun, expect: Expect): Promise<Node> {
    // A cancel is the user's own doing: recorded like a failure, not reported back as a problem.
    const problem = expect.branch === 'cancelled' ? undefined : f.summary.problem;
    if (expect.branch === 'cancelled') assert.equal(f.summary.problem, undefined);
    else {
      assert.ok(problem, 'the summary has a problem for the user');
      assert.ok(problem.message.length > 20, problem.message);
      assert.ok(problem.fix.length > 20, problem.fix);
    }
    assert.deepEqual(f.leftover, [], 'no agent process is left behind');
    const store = await Store.open(storeDirFor(f.ws), { readOnly: true });
    try {
      const run = store.listRuns().find((r) => r.id === f.summary.run.id);
      assert.ok(run, 'the run is in the store');
      assert.equal(run.status, expect.run ?? expect.branch);
      const branches = store.branchesOf(run.id);
      assert.ok(branches.length >= 1, 'a run never ends without a branch');
      for (const b of branches) assert.ok(b.status !== 'open' && b.sealedAt !== null, `branch ${b.label} is sealed`);
      const last = branches[branches.length - 1]!;
      assert.equal(last.status, expect.branch, `branch ${last.label}: ${last.sealReason}`);
      const error = store.nodesOfBranch(last.id).find((x) => x.kind === 'error');
      assert.ok(error, `an error node on ${last.label}: ${JSON.stringify(store.nodesOfBranch(last.id).map((x) => x.kind))}`);
      assert.equal(error.attributes['exception.type'], expect.type);
      if (problem) {
        assert.equal(error.attributes['exception.message'], problem.message);
        assert.equal(error.attributes['nemocognition.fix'], problem.fix);
      } else {
        assert.match(String(error.attributes['exception.message']), /cancelled/);
        assert.match(String(error.attributes['nemocognition.fix']), /Nothing to do/);
      }
      for (const s of f.seen) assert.ok(store.getNode(s.id), `node ${s.kind} "${s.name}" recorded before the fault is lost`);
      return error;
    } finally {
      await store.close();
    }
  }

  describe('before the agent starts', () => {
    const noLauncher = (ws?: string) =>
      withEnv('NEMOCOG_NC_LANDLOCK', join(scratch, 'no-such-dir', 'nc-landlock'), () => runFault({ model: { baseUrl: demo.baseUrl, model: demo.model }, ...(ws ? { workspace: ws } : {}) }));

    it('a missing sandbox launcher: a message saying how to fix it, recorded as an error on a never-started main branch', async () => {
      const f = await noLauncher();
      await assertRecorded(f, { branch: 'error', type: 'SandboxUnavailableError' });
      assert.match(f.summary.problem!.message, /nc-landlock .*does not exist/);
      assert.match(f.summary.problem!.fix, /npm run build/);
      assert.equal(f.summary.branches.length, 1);
      assert.equal(f.summary.branches[0]!.sandbox, 'local:not started');
    });

    it('a run this process left open (its last writes failed) is sealed by its next run', async () => {
      const ws = join(scratch, 'ws-self');
      seedDemoWorkspace(ws);
      const me = currentOwner();
      const store = await Store.open(storeDirFor(ws));
      await store.append({ type: 'run.started', run: { id: 'run_left_open', task: 't', workspace: ws, baselineSnapshotId: null, startedAt: 1, driver: 'local', meta: { 'nemocognition.owner.pid': me.pid, 'nemocognition.owner.start': me.start } } });
      await store.append({ type: 'branch.opened', branchId: 'br_left_open', runId: 'run_left_open', parentNodeId: null, parentBranchId: null, agentId: 'main', label: 'main', sandbox: 'local:main', at: 1 });
      await store.close();
      await noLauncher(ws);
      const after = await Store.open(storeDirFor(ws), { readOnly: true });
      try {
        assert.equal(after.listRuns().find((r) => r.id === 'run_left_open')?.status, 'error');
        assert.equal(after.branchesOf('run_left_open')[0]!.status, 'error');
        assert.equal(after.nodesOfBranch('br_left_open')[0]!.attributes['exception.message'], ORPHAN_MESSAGE);
      } finally {
        await after.close();
      }
    });

    it('`nemocog run` prints the problem and what to do, and exits non-zero', async () => {
      const ws = join(scratch, 'ws-cli');
      seedDemoWorkspace(ws);
      const cli = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'run', '--task', DEMO_TASK, '--workspace', ws, '--model-url', demo.baseUrl, '--model', demo.model], {
        env: { ...process.env, NEMOCOG_NC_LANDLOCK: join(scratch, 'missing-launcher') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      cli.stdout!.on('data', (d) => (out += d));
      cli.stderr!.on('data', (d) => (out += d));
      const code = await new Promise<number | null>((r) => cli.once('exit', r));
      assert.notEqual(code, 0, out);
      assert.match(out, /Problem: The sandbox launcher .*missing-launcher does not exist/);
      assert.match(out, /What to do: .*npm run build/);
    });
  });

  describe('a broken agent envelope (FAKE OpenClaw)', () => {
    let saved: string | undefined;
    before(() => {
      // The layout locateAgentRuntime expects, with the fake entry and the pinned version.
      const rt = join(scratch, 'fake-runtime');
      mkdirSync(join(rt, 'node_modules', 'node', 'bin'), { recursive: true });
      mkdirSync(join(rt, 'node_modules', 'openclaw'), { recursive: true });
      symlinkSync(process.execPath, join(rt, 'node_modules', 'node', 'bin', 'node'));
      copyFileSync(join(FAKE_RUNTIME, 'openclaw.mjs'), join(rt, 'node_modules', 'openclaw', 'openclaw.mjs'));
      const pkg = JSON.parse(readFileSync(join(FAKE_RUNTIME, 'package.json'), 'utf8'));
      writeFileSync(join(rt, 'node_modules', 'openclaw', 'package.json'), JSON.stringify({ ...pkg, version: OPENCLAW_VERSION }));
      saved = process.env[RUNTIME_DIR_ENV];
      process.env[RUNTIME_DIR_ENV] = rt;
    });
    after(() => {
      if (saved === undefined) delete process.env[RUNTIME_DIR_ENV];
      else process.env[RUNTIME_DIR_ENV] = saved;
    });

    it('malformed: the branch ends in error with the parse failure, earlier events kept', async () => {
      const f = await runFault({ task: 'FAULT:malformed', model: { baseUrl: demo.baseUrl, model: demo.model } });
      await assertRecorded(f, { branch: 'error', type: 'malformed-envelope' });
      assert.match(f.summary.problem!.message, /no JSON envelope|shape NemoCognition expects/);
      assert.match(f.summary.problem!.fix, /install-runtime|Install Agent Runtime/);
      assert.ok(f.seen.some((x) => x.kind === 'checkpoint'), 'the baseline checkpoint came before the fault');
    });

    /** Runs the huge-envelope fault with `mb` megabytes; returns the run and the peak growth of heap + buffers. */
    async function hugeRun(mb: number): Promise<{ f: FaultRun; grownMB: number }> {
      const used = () => {
        const u = process.memoryUsage();
        return u.heapUsed + u.external;
      };
      const before = used();
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, used())), 5);
      try {
        const f = await runFault({ task: `FAULT:huge:${mb}`, model: { baseUrl: demo.baseUrl, model: demo.model } });
        return { f, grownMB: (peak - before) / 1024 / 1024 };
      } finally {
        clearInterval(sampler);
      }
    }

    it('50 MB: refused as too large, and memory does not grow with the size of the output', async () => {
      const fifty = await hugeRun(50);
      await assertRecorded(fifty.f, { branch: 'error', type: 'too-large-envelope' });
      assert.match(fifty.f.summary.problem!.message, /more than \d+ bytes/);
      assert.match(fifty.f.summary.problem!.fix, /narrower task/);
      // Three times the output: reading it whole would add 100 MB or more (twice that as a string).
      const more = await hugeRun(150);
      assert.equal(more.f.summary.branches[0]!.status, 'error');
      assert.ok(more.grownMB - fifty.grownMB < 40, `memory grew by ${fifty.grownMB.toFixed(1)} MB for 50 MB of output and ${more.grownMB.toFixed(1)} MB for 150 MB`);
    });
  });

  describe('the real agent', () => {
    let timedOut: FaultRun;
    let killed: FaultRun & { victims: Pid[] };
    let cancelled: FaultRun;
    let down: FaultRun;
    let garbage: FaultRun & { endpoint: string };
    let garbageServer: Server;

    before(async () => {
      garbageServer = await startGarbageModel();
      const garbageUrl = `http://127.0.0.1:${(garbageServer.address() as AddressInfo).port}/v1`;
      const closedPort = await freePort();
      const hangModel = { baseUrl: hang.baseUrl, model: hang.model };
      const victims: Pid[] = [];

      // Two lanes at a time: each turn is mostly the agent's start-up.
      const laneA = async () => {
        timedOut = await runFault({ model: hangModel, timeoutMs: 90_000 });
        let fired = false;
        const k = await runFault(
          { model: hangModel },
          {
            node: (node) => {
              if (node.kind !== 'tool_call' || fired) return;
              fired = true;
              // In the middle of a tool call: SIGKILL the OpenClaw process itself.
              for (const p of processesIn(scratch)) {
                if (p.exe.endsWith('/node') && p.cmdline.includes('openclaw.mjs') && p.cmdline.includes(node.runId)) {
                  victims.push(p);
                  process.kill(p.pid, 'SIGKILL');
                }
              }
            },
          },
        );
        killed = { ...k, victims };
      };
      const laneB = async () => {
        down = await runFault({ model: { baseUrl: `http://127.0.0.1:${closedPort}/v1`, model: 'no-such-model' } });
        garbage = { ...(await runFault({ model: { baseUrl: garbageUrl, model: 'garbage' } })), endpoint: garbageUrl };
        cancelled = await runFault(
          { model: hangModel },
          { node: (node, ctl) => void (node.kind === 'tool_call' && setTimeout(() => ctl.abort(), 500)) },
        );
      };
      await Promise.all([laneA(), laneB()]);
    });
    after(() => garbageServer?.close());

    it('hung: the turn times out, the branch is sealed with the timeout, the agent tree is gone', async () => {
      const error = await assertRecorded(timedOut, { branch: 'error', type: 'timeout' });
      assert.match(String(error.attributes['exception.message']), /did not finish within 90 s/);
      assert.match(timedOut.summary.problem!.fix, /timeout/i);
      assert.ok(timedOut.seen.some((x) => x.kind === 'tool_call'), 'the tool call before the hang is recorded');
      assert.ok(timedOut.seen.some((x) => x.kind === 'model_call'), 'the model call before the hang is recorded');
    });

    it('killed: SIGKILL of the OpenClaw process in a tool call ends the branch as killed', async () => {
      assert.ok(killed.victims.length > 0, 'the OpenClaw process was found and killed');
      const error = await assertRecorded(killed, { branch: 'error', type: 'killed' });
      assert.match(String(error.attributes['exception.message']), /killed by SIGKILL/);
      assert.ok(killed.seen.some((x) => x.kind === 'tool_call'), 'the tool call in flight is kept');
    });

    it('cancelled: the branch and the run are cancelled, the agent is stopped', async () => {
      await assertRecorded(cancelled, { branch: 'cancelled', run: 'cancelled', type: 'cancelled' });
      assert.equal(cancelled.summary.run.status, 'cancelled');
      assert.ok(cancelled.seen.some((x) => x.kind === 'tool_call'));
    });

    it('model endpoint down: an error naming the endpoint, not a completed branch', async () => {
      const error = await assertRecorded(down, { branch: 'error', type: 'model' });
      assert.match(String(error.attributes['exception.message']), /127\.0\.0\.1:\d+\/v1 \(model "no-such-model"\) failed \d+ call/);
      assert.match(String(error.attributes['exception.message']), /ECONNREFUSED/);
      assert.match(down.summary.problem!.fix, /URL, the model id and the API key/);
      assert.ok(down.seen.some((x) => x.kind === 'model_call' && x.status === 'error'), 'the failed model calls are recorded');
    });

    it('model returning garbage (non-JSON and truncated streams): an error naming the endpoint', async () => {
      const error = await assertRecorded(garbage, { branch: 'error', type: 'model' });
      assert.ok(String(error.attributes['exception.message']).includes(garbage.endpoint), String(error.attributes['exception.message']));
      assert.match(String(error.attributes['exception.message']), /not JSON|closed the stream/);
      assert.match(garbage.summary.problem!.fix, /URL, the model id and the API key/);
    });
  });

  describe('disk full mid-run', () => {
    it('the CLI stops the run with a clear message; everything recorded before is kept and the next writer seals the branch', async function () {
      const ws = join(scratch, 'ws-full');
      seedDemoWorkspace(ws);
      const storeDir = storeDirFor(ws);
      mkdirSync(storeDir, { recursive: true });
      const after = join(scratch, 'store-after-full');
      // The store alone on a small tmpfs in a private mount namespace; the CLI's exit status is kept, the store copied out.
      const flags = [['-m'], ['-rm']].find((f) => spawnSync('unshare', [...f, 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs "$1"', 'sh', storeDir]).status === 0);
      if (!flags) missingPart(this, 'mount namespaces (`unshare -m` or `unshare -rm`), for a tmpfs the size of a full disk');
      const sh = 'mount -t tmpfs -o size=8m tmpfs "$1" && { "$2" "$3" run --task "$4" --workspace "$5" --model-url "$6" --model "$7"; code=$?; cp -a "$1" "$8"; exit $code; }';
      const cli = spawn('unshare', [...flags, 'sh', '-c', sh, 'sh', storeDir, process.execPath, join(ROOT, 'dist', 'cli.js'), DEMO_TASK, ws, demo.baseUrl, demo.model, after], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      cli.stdout!.on('data', (d) => (out += d));
      cli.stderr!.on('data', (d) => (out += d));
      const exited = new Promise<number | null>((r) => cli.once('exit', r));

      // The child's view of the store, through its mount namespace.
      const inChild = `/proc/${cli.pid}/root${storeDir}`;
      let seen: Node[] = [];
      for (let i = 0; i < 240 && !seen.some((x) => x.kind === 'tool_call'); i++) {
        await sleep(500);
        assert.equal(cli.exitCode, null, `the CLI ended early:\n${out}`);
        try {
          const s = await Store.open(inChild, { readOnly: true });
          const run = s.listRuns()[0];
          seen = run ? s.nodesOfRun(run.id) : [];
          await s.close();
        } catch {
          // not created yet
        }
      }
      assert.ok(seen.some((x) => x.kind === 'tool_call'), `no tool call was recorded:\n${out}`);
      fillDisk(join(inChild, 'ballast'));

      const code = await exited;
      assert.notEqual(code, 0, out);
      assert.match(out, /Problem: The disk holding .* is full \(ENOSPC\)/);
      assert.match(out, /What to do: Free disk space/);
      assert.match(out, /Agent failed: The disk holding/, 'the agent was stopped because the store could not record');
      assert.deepEqual(await noProcessesIn(ws), [], 'no agent process is left behind');

      const kept = await Store.open(after, { readOnly: true });
      try {
        for (const x of seen) assert.ok(kept.getNode(x.id), `node ${x.kind} "${x.name}" recorded before the disk filled is lost`);
      } finally {
        await kept.close();
      }
      // The seal could not be written on the full disk: the next writer (here, with space) seals it, with an error node.
      rmSync(join(after, 'ballast'));
      const next = await Store.open(after);
      try {
        assert.equal((await sealOrphanedRuns(next)).length, 1);
        const run = next.listRuns()[0]!;
        assert.equal(run.status, 'error');
        for (const b of next.branchesOf(run.id)) {
          assert.equal(b.status, 'error');
          assert.ok(next.nodesOfBranch(b.id).some((x) => x.kind === 'error'));
        }
      } finally {
        await next.close();
      }
    });
  });
});

async function withEnv<T>(name: string, value: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env[name];
  process.env[name] = value;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
}

/** Writes to `file` until the disk is full. */
function fillDisk(file: string): void {
  const mb = Buffer.alloc(1024 * 1024, 1);
  try {
    for (let i = 0; i < 1024; i++) appendFileSync(file, mb);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  }
  // The last, partial megabyte: fill what is left byte-exact enough that a journal record cannot fit.
  try {
    for (let i = 0; i < 1024; i++) appendFileSync(file, Buffer.alloc(1024, 1));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  }
}

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** An "OpenAI-compatible" server that answers every request with a broken stream: non-JSON events, then truncated ones. */
async function startGarbageModel(): Promise<Server> {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (count % 2) res.end('data: <html>502 Bad Gateway</html>\n\n');
      else {
        res.write('data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hel');
        res.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}
