/**
 * The supervising process (the extension host, here the CLI on the same
 * core) is killed with SIGKILL in the middle of a run: the agent must die
 * with it, nothing acknowledged may be lost, and the next writer seals the
 * orphaned branch with a clear error instead of leaving it "running".
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoModel, type DemoModel } from '../../src/core/demo';
import { ORPHAN_MESSAGE, sealOrphanedRuns } from '../../src/core/run/orphans';
import { Store } from '../../src/core/store/store';
import { storeDirFor } from '../../src/core/store/paths';
import { seedDemoWorkspace } from '../../src/cli/demoWorkspace';
import { DEMO_TASK } from '../../src/cli/commands/demo';
import { requireAgentRuntime, requireLandlock } from '../support/realParts';
import { processesMentioning } from '../support/processes';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


describe('supervisor killed with SIGKILL mid-run', function () {
  this.timeout(300_000);
  let scratch: string;
  let model: DemoModel;

  before(async function () {
    requireAgentRuntime(this);
    await requireLandlock(this);
    scratch = mkdtempSync(join(tmpdir(), 'nc-kill9-'));
    model = await startDemoModel({ scenario: 'deny-and-recover' });
  });
  after(async () => {
    await model?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('kills the agent with it, loses nothing acknowledged, and the next writer seals the orphan', async () => {
    const ws = join(scratch, 'ws');
    seedDemoWorkspace(ws);
    const cli = spawn(process.execPath, [join(__dirname, '../../dist/cli.js'), 'run', '--task', DEMO_TASK, '--workspace', ws, '--model-url', model.baseUrl, '--model', model.model], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    cli.stdout!.on('data', (d) => (output += d));
    cli.stderr!.on('data', (d) => (output += d));

    // Wait until the agent is inside a tool call: a tool node is recorded.
    let toolNodes: string[] = [];
    for (let i = 0; i < 240 && toolNodes.length === 0; i++) {
      await sleep(500);
      try {
        const s = await Store.open(storeDirFor(ws), { readOnly: true });
        const run = s.listRuns()[0];
        toolNodes = run ? s.nodesOfRun(run.id).filter((n) => n.kind === 'tool_call').map((n) => n.id) : [];
        await s.close();
      } catch {
        // the store may not exist yet
      }
      assert.equal(cli.exitCode, null, `the CLI ended early:\n${output}`);
    }
    assert.ok(toolNodes.length > 0, `no tool call was recorded:\n${output}`);
    const sandboxes = join(ws, '.nemocognition', 'sandboxes');
    assert.ok(processesMentioning(sandboxes).length > 0, 'the agent should be running in its sandbox');

    cli.kill('SIGKILL');
    await new Promise((r) => cli.once('exit', r));

    // The agent goes with its supervisor (bubblewrap --die-with-parent / PR_SET_PDEATHSIG).
    let left = processesMentioning(sandboxes);
    for (let i = 0; i < 20 && left.length > 0; i++) {
      await sleep(250);
      left = processesMentioning(sandboxes);
    }
    assert.deepEqual(left, [], 'agent processes outlived the killed supervisor');

    const store = await Store.open(storeDirFor(ws)); // takes over the dead writer's lock
    try {
      const run = store.listRuns()[0]!;
      assert.equal(run.status, 'running');
      for (const id of toolNodes) assert.ok(store.getNode(id), `acknowledged node ${id} was lost`);
      const sealed = await sealOrphanedRuns(store);
      assert.deepEqual(sealed, [run.id]);
      assert.equal(store.getRun(run.id)!.status, 'error');
      for (const b of store.branchesOf(run.id)) {
        assert.equal(b.status, 'error');
        assert.equal(b.sealReason, ORPHAN_MESSAGE);
        const nodes = store.nodesOfBranch(b.id);
        assert.ok(nodes.every((n) => n.endTime !== null), 'every node is closed');
        assert.equal(nodes.at(-1)!.kind, 'error');
      }
      assert.deepEqual(await sealOrphanedRuns(store), [], 'sealing is done once');
    } finally {
      await store.close();
    }
  });
});
