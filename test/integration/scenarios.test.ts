/**
 * More demo scenarios on real parts: a destructive command that the pre-call
 * snapshot undoes, and a run that needs two recoveries (three sibling
 * branches, two failed ones kept as evidence).
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoModel } from '../../src/core/demo';
import { runSupervised } from '../../src/core/run/supervisor';
import { SnapshotEngine } from '../../src/core/snapshots/engine';
import { Store } from '../../src/core/store/store';
import { storeDirFor } from '../../src/core/store/paths';
import { seedDemoWorkspace } from '../../src/cli/demoWorkspace';
import { DEMO_TASK } from '../../src/cli/commands/demo';
import { requireAgentRuntime, requireLandlock } from '../support/realParts';

async function runScenario(scenario: string, ws: string, maxRecoveries = 2) {
  seedDemoWorkspace(ws);
  const model = await startDemoModel({ scenario });
  try {
    return await runSupervised({ workspace: ws, task: DEMO_TASK, driver: 'local', model: { baseUrl: model.baseUrl, model: model.model }, maxRecoveries, timeoutMs: 240_000 });
  } finally {
    await model.close();
  }
}

describe('demo scenarios on real parts', function () {
  this.timeout(600_000);
  let scratch: string;
  before(async function () {
    requireAgentRuntime(this);
    await requireLandlock(this);
    scratch = mkdtempSync(join(tmpdir(), 'nc-scen-'));
  });
  after(() => scratch && rmSync(scratch, { recursive: true, force: true }));

  it('classifies `rm -rf src` as destructive before it runs, and its pre-call snapshot undoes it', async () => {
    const ws = join(scratch, 'destructive');
    const summary = await runScenario('destructive', ws);
    const store = await Store.open(storeDirFor(ws), { readOnly: true });
    let rm;
    try {
      rm = store.nodesOfRun(summary.run.id).find((n) => n.kind === 'tool_call' && /rm -rf src/.test(n.name));
    } finally {
      await store.close();
    }
    assert.ok(rm, 'the rm tool call was recorded');
    assert.ok(Number(rm.attributes['nemocognition.policy.destructive']) >= 0.7, `destructive score ${rm.attributes['nemocognition.policy.destructive']}`);
    assert.ok(Number(rm.attributes['nemocognition.policy.reversibility']) > 0.5, 'inside the workspace, a snapshot undoes it');
    const engine = await SnapshotEngine.open(join(ws, '.nemocognition', 'snapshots'));
    try {
      const after = engine.get(String(rm.attributes['nemocognition.snapshot.after']))!;
      assert.ok(!engine.listFiles(after.id).some((f) => f.startsWith('src/')), 'rm -rf src really ran in the sandbox');
      const pre = engine.listFiles(rm.snapshotId!);
      assert.ok(pre.includes('src/greeting.ts') && pre.includes('src/index.ts'), 'the pre-call snapshot holds what rm removed');
      const dest = join(scratch, 'undo');
      await engine.materialise(rm.snapshotId!, dest);
      assert.ok(existsSync(join(dest, 'src', 'greeting.ts')));
    } finally {
      engine.close();
    }
  });

  it('recovers twice: two failed branches kept as evidence, the third completes, all forked as siblings', async () => {
    const ws = join(scratch, 'two');
    const summary = await runScenario('two-recoveries', ws);
    assert.deepEqual(summary.branches.map((b) => `${b.label}:${b.status}`), ['main:failed', 'recovery-1:failed', 'recovery-2:completed']);
    assert.equal(summary.recoveries, 2);
    assert.equal(summary.denials, 2);
    const [main, r1, r2] = summary.branches;
    // Forked from the baseline both times: both recoveries hang off the main branch's baseline node.
    assert.equal(r1!.parentNodeId, r2!.parentNodeId);
    assert.equal(r1!.parentBranchId, main!.id);
    const store = await Store.open(storeDirFor(ws), { readOnly: true });
    try {
      for (const b of [main!, r1!]) assert.equal(store.getBranch(b.id)!.status, 'failed');
      const prompt = store.nodesOfBranch(r2!.id)[0]!.attributes['nemocognition.recovery.prompt'];
      assert.match(String(prompt), /NemoCognition recovery 2\/2/);
    } finally {
      await store.close();
    }
  });
});
