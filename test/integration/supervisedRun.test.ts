/**
 * The supervised run on real parts: the real `openclaw` CLI (pinned, on Node
 * 24), the real Landlock sandbox, the scripted demo model. One run is shared
 * by every assertion (a turn costs 20-40 s of agent start-up).
 */
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startDemoModel, type DemoModel } from '../../src/core/demo';
import { runSupervised } from '../../src/core/run/supervisor';
import type { RunSummary } from '../../src/core/run/api';
import type { Node } from '../../src/core/model/types';
import { SnapshotEngine } from '../../src/core/snapshots/engine';
import { Store } from '../../src/core/store/store';
import { storeDirFor } from '../../src/core/store/paths';
import { seedDemoWorkspace } from '../../src/cli/demoWorkspace';
import { DEMO_TASK } from '../../src/cli/commands/demo';
import { requireAgentRuntime, requireLandlock } from '../support/realParts';

const CANARY_KEY = 'nvapi-CANARY-3f9c2a7d1e8b4c6f0a5d9e2b7c1f4a8d';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

function filesOf(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of listFiles(dir)) m.set(relative(dir, f), readFileSync(f).toString('base64'));
  return m;
}

describe('supervised run on real parts (openclaw + Landlock + demo model)', function () {
  this.timeout(600_000);
  let ws: string;
  let model: DemoModel;
  let summary: RunSummary;
  const preCallCopies = new Map<string, string>(); // snapshotId -> copy of the sandbox taken when the tool node appeared
  const scratch = mkdtempSync(join(tmpdir(), 'nc-run-test-'));

  before(async function () {
    requireAgentRuntime(this);
    await requireLandlock(this);
    ws = join(scratch, 'ws');
    seedDemoWorkspace(ws);
    model = await startDemoModel({ scenario: 'deny-and-recover', apiKey: CANARY_KEY });
    const sandboxOf = new Map<string, string>();
    summary = await runSupervised(
      {
        workspace: ws,
        task: DEMO_TASK,
        driver: 'local',
        model: { baseUrl: model.baseUrl, model: model.model, apiKey: CANARY_KEY },
        maxRecoveries: 2,
        timeoutMs: 240_000,
      },
      {
        // Where this process sees each branch's folder (an overlay's merged view, or the copy itself).
        sandbox: (s) => sandboxOf.set(s.branchId, s.view),
        // The tool node appears after the pre-call snapshot and before the tool is allowed to run:
        // a copy taken now is an independent record of the exact pre-call state.
        node: (n: Node) => {
          if (n.kind === 'tool_call' && n.endTime === null && n.snapshotId && !preCallCopies.has(n.snapshotId)) {
            const dest = join(scratch, 'copies', n.snapshotId);
            cpSync(sandboxOf.get(n.branchId)!, dest, { recursive: true, verbatimSymlinks: true });
            preCallCopies.set(n.snapshotId, dest);
          }
        },
      },
    );
  });

  after(async () => {
    await model?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('ends with one failed branch holding the kernel denial and one recovered sibling that completes', async () => {
    assert.equal(summary.run.status, 'completed', JSON.stringify(summary.problem));
    const [main, recovery] = summary.branches;
    assert.equal(summary.branches.length, 2);
    assert.equal(main!.status, 'failed');
    assert.equal(recovery!.status, 'completed');
    assert.equal(summary.resultBranchId, recovery!.id);

    const store = await Store.open(storeDirFor(ws), { readOnly: true });
    try {
      const stored = store.branchesOf(summary.run.id);
      const failed = stored.find((b) => b.id === main!.id)!;
      assert.equal(failed.status, 'failed');
      assert.notEqual(failed.sealedAt, null);
      const decisions = store.nodesOfBranch(failed.id).filter((n) => n.kind === 'policy_decision');
      const kernel = decisions.find((n) => n.attributes['nemocognition.policy.source'] === 'kernel');
      assert.ok(kernel, `no kernel decision among ${JSON.stringify(decisions.map((d) => d.attributes))}`);
      assert.match(String(kernel.attributes['nemocognition.policy.detail']), /Permission denied/);
      assert.equal(kernel.attributes['nemocognition.policy.path'], '/etc/nemocog-demo');
      // The plugin was connected (it fails closed otherwise): nothing was blocked by the supervisor.
      assert.equal(decisions.filter((n) => n.attributes['nemocognition.policy.source'] === 'supervisor').length, 0);

      // The recovery is a sibling: it forks from a node of the failed branch, which stays as it was.
      const rec = stored.find((b) => b.id === recovery!.id)!;
      assert.equal(rec.parentBranchId, failed.id);
      assert.ok(store.getNode(rec.parentNodeId!), 'the fork node exists');
      const recNodes = store.nodesOfBranch(rec.id);
      assert.equal(recNodes[0]!.kind, 'recovery');
      assert.match(String(recNodes[0]!.attributes['nemocognition.recovery.prompt']), /NemoCognition recovery 1\/2/);
    } finally {
      await store.close();
    }
  });

  it('takes exactly one pre-tool-call snapshot per tool call', async () => {
    const store = await Store.open(storeDirFor(ws), { readOnly: true });
    try {
      const nodes = store.nodesOfRun(summary.run.id);
      const tools = nodes.filter((n) => n.kind === 'tool_call');
      const pre = nodes.filter((n) => n.kind === 'checkpoint' && n.attributes['nemocognition.checkpoint.reason'] === 'pre-tool-call');
      assert.ok(tools.length >= 4, `expected several tool calls, got ${tools.length}`);
      assert.equal(pre.length, tools.length);
      for (const t of tools) assert.ok(t.snapshotId && pre.some((p) => p.snapshotId === t.snapshotId), `tool ${t.name} has its own pre-call snapshot`);
    } finally {
      await store.close();
    }
  });

  it('restoring the snapshot taken before a tool call reproduces the exact pre-call files', async () => {
    assert.ok(preCallCopies.size >= 4);
    const engine = await SnapshotEngine.open(join(ws, '.nemocognition', 'snapshots'));
    try {
      for (const [snapshotId, copy] of preCallCopies) {
        const dest = join(scratch, 'restored', snapshotId);
        await engine.materialise(snapshotId, dest);
        assert.deepEqual(filesOf(dest), filesOf(copy), `snapshot ${snapshotId} differs from the pre-call copy`);
      }
    } finally {
      engine.close();
    }
  });

  it('never lets a checkpoint id or the API key reach the agent, and stores no key', async () => {
    const engine = await SnapshotEngine.open(join(ws, '.nemocognition', 'snapshots'));
    const ids = engine.list().map((s) => s.id);
    engine.close();
    assert.ok(ids.length > 5);
    // What the agent sent, as the model received it: the body and headers, less the Authorization
    // header, which the gateway replaces with the user's key on the way upstream.
    const sentByAgent = model.requests.map((r) => JSON.stringify({ ...r.headers, authorization: undefined }) + r.body);
    assert.ok(sentByAgent.length >= 4);
    for (const bytes of sentByAgent) {
      for (const id of ids) assert.ok(!bytes.includes(id), `checkpoint id ${id} reached the agent's context`);
      assert.ok(!bytes.includes(CANARY_KEY), 'the API key reached the agent');
    }
    // The model (upstream) did get the key from the gateway, so the canary is live.
    assert.ok(model.requests.some((r) => String(r.headers.authorization) === `Bearer ${CANARY_KEY}`));
    // The supervisor plugin took its secret from a read-once file: none is left behind.
    assert.deepEqual(listFiles(join(ws, '.nemocognition')).filter((f) => /\.supervisor-secret-/.test(f)), []);
    // Nothing NemoCognition or the agent wrote to disk holds it: store, snapshots, sandboxes, agent state.
    for (const f of listFiles(join(ws, '.nemocognition'))) {
      if (statSync(f).size > 50_000_000) continue;
      assert.ok(!readFileSync(f).includes(CANARY_KEY), `${f} contains the API key`);
    }
  });

  it('leaves the user workspace untouched and prints the run with `nemocog inspect --json`', () => {
    assert.ok(!existsSync(join(ws, 'src', 'greeting.ts')), 'the agent wrote the user workspace directly');
    const out = execFileSync(process.execPath, [join(__dirname, '../../dist/cli.js'), 'inspect', '--json', ws], { encoding: 'utf8' });
    const run = JSON.parse(out);
    assert.equal(run.branches.length, 2);
    assert.deepEqual(run.branches.map((b: { status: string }) => b.status), ['failed', 'completed']);
    assert.equal(run.branches[0].parentNodeId, null);
    assert.equal(typeof run.branches[1].parentNodeId, 'string');
    assert.ok(run.branches[0].nodes.some((n: { kind: string }) => n.kind === 'policy_decision'));
  });

  it('restores the recovered branch into the workspace with `nemocog restore`, and undoes it', () => {
    const cli = join(__dirname, '../../dist/cli.js');
    const before = filesOf(ws);
    const out = JSON.parse(execFileSync(process.execPath, [cli, 'restore', ws, '--branch', summary.resultBranchId!, '--json'], { encoding: 'utf8' }));
    assert.ok(out.written.includes('src/greeting.ts'), `written: ${out.written}`);
    assert.match(readFileSync(join(ws, 'src', 'greeting.ts'), 'utf8'), /Hello/);
    execFileSync(process.execPath, [cli, 'restore', ws, '--snapshot', out.undoSnapshotId], { encoding: 'utf8' });
    const after = filesOf(ws);
    for (const k of [...after.keys()].filter((k) => k.startsWith('.nemocognition'))) after.delete(k);
    for (const k of [...before.keys()].filter((k) => k.startsWith('.nemocognition'))) before.delete(k);
    assert.deepEqual(after, before, 'undo brings back the exact pre-restore workspace');
  });
});
