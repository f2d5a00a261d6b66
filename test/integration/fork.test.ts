/**
 * "Fork from here" on real parts, through the command line a user types:
 * a run recorded with the real OpenClaw in the Landlock sandbox (its only
 * branch denied and sealed as failed), then `nemocog fork <ws> --node <the
 * denied call> --task ... --model-url demo`. The fork is a new branch of the
 * same run, parented at that node, its sandbox materialised from the node's
 * snapshot, and the failed branch is untouched.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoModel } from '../../src/core/demo';
import type { Branch, Node } from '../../src/core/model/types';
import { stepSnapshots } from '../../src/core/replay/stepState';
import { runSupervised } from '../../src/core/run/supervisor';
import { SnapshotEngine } from '../../src/core/snapshots/engine';
import { storeDirFor } from '../../src/core/store/paths';
import { Store } from '../../src/core/store/store';
import { seedDemoWorkspace } from '../../src/cli/demoWorkspace';
import { DEMO_TASK } from '../../src/cli/commands/demo';
import { requireAgentRuntime, requireLandlock } from '../support/realParts';

const CLI = join(__dirname, '../../dist/cli.js');

async function readRun(ws: string): Promise<{ status: string; branches: Branch[]; nodes: Node[]; baseline: string | null }> {
  const store = await Store.open(storeDirFor(ws), { readOnly: true });
  try {
    const run = store.listRuns()[0]!;
    return { status: run.status, branches: store.branchesOf(run.id), nodes: store.nodesOfRun(run.id), baseline: run.baselineSnapshotId };
  } finally {
    await store.close();
  }
}

describe('nemocog fork on a recorded run (real openclaw + Landlock + demo model)', function () {
  this.timeout(600_000);
  const scratch = mkdtempSync(join(tmpdir(), 'nc-fork-test-'));
  const ws = join(scratch, 'ws');
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('adds a completed branch forked from a node of the failed branch, from that node\'s snapshot', async function () {
    requireAgentRuntime(this);
    await requireLandlock(this);
    seedDemoWorkspace(ws);
    const model = await startDemoModel({ scenario: 'deny-and-recover' });
    try {
      const first = await runSupervised({ workspace: ws, task: DEMO_TASK, driver: 'local', model: { baseUrl: model.baseUrl, model: model.model }, maxRecoveries: 0, timeoutMs: 240_000 });
      assert.equal(first.run.status, 'failed', 'without recoveries the denied run fails');
    } finally {
      await model.close();
    }
    const before = await readRun(ws);
    const denied = before.nodes.find((n) => n.kind === 'tool_call' && n.status === 'error');
    assert.ok(denied, 'the denied tool call was recorded');

    const r = spawnSync(process.execPath, [CLI, 'fork', ws, '--node', denied.id, '--task', 'Write the install note into notes/ instead of /etc', '--model-url', 'demo'], {
      encoding: 'utf8',
      timeout: 400_000,
    });
    assert.equal(r.status, 0, `nemocog fork failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /branch fork-1\s+completed/);

    const after = await readRun(ws);
    assert.equal(after.status, 'completed', 'the run ends again, completed by its fork');
    const fork = after.branches.find((b) => b.label === 'fork-1');
    assert.ok(fork, 'a fork-1 branch was added to the same run');
    assert.equal(fork.parentNodeId, denied.id);
    assert.equal(fork.parentBranchId, denied.branchId);
    assert.deepEqual(after.branches.find((b) => b.id === denied.branchId), before.branches.find((b) => b.id === denied.branchId), 'the failed branch is unchanged');
    assert.deepEqual(
      after.nodes.filter((n) => n.branchId === denied.branchId),
      before.nodes.filter((n) => n.branchId === denied.branchId),
      "the failed branch's nodes are unchanged",
    );

    const forkNodes = after.nodes.filter((n) => n.branchId === fork.id).sort((a, b) => a.seq - b.seq);
    const note = forkNodes[0]!;
    assert.equal(note.kind, 'recovery');
    assert.equal(note.attributes['nemocognition.fork.instruction'], 'Write the install note into notes/ instead of /etc');
    const prompt = String(note.attributes['nemocognition.fork.prompt']);
    assert.match(prompt, /Original task:/);
    assert.doesNotMatch(prompt, /snap_|nd_/, 'no snapshot or node id in what the agent is told');
    const start = forkNodes.find((n) => n.kind === 'checkpoint');
    const expected = stepSnapshots({ run: { baselineSnapshotId: before.baseline }, branches: before.branches, nodes: before.nodes }, denied.id).after;
    assert.equal(start?.snapshotId, expected, "the fork's sandbox starts from the denied call's post-call snapshot");
    assert.ok(forkNodes.some((n) => n.kind === 'memory_update'), 'the note under notes/ is a memory update');

    // The result holds what the branch had up to that node (the greeting module) plus the fork's note.
    const engine = await SnapshotEngine.open(join(ws, '.nemocognition', 'snapshots'));
    try {
      const result = forkNodes.filter((n) => n.snapshotId).at(-1)!.snapshotId!;
      const files = engine.listFiles(result);
      assert.ok(files.includes('src/greeting.ts'), 'the state at the node came along');
      assert.match(engine.readFile(result, 'notes/fork.md')!.toString('utf8'), /Write the install note into notes\/ instead of \/etc/);
    } finally {
      engine.close();
    }
  });
});
