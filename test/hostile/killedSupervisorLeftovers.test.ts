/**
 * Hole 13 of issue 13: what a killed supervisor leaves behind. A run killed
 * with SIGKILL kept its branch sandboxes (full workspace copies), the agent's
 * unscrubbed state and its supervisor.sock; its private /tmp folders leaked;
 * its orphan was sealed with the time the next writer looked (an interrupted
 * tool call then lasted hours), and a run killed before its first branch was
 * sealed as `error` with no reason anywhere.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_TASK } from '../../src/cli/commands/demo';
import { seedDemoWorkspace } from '../../src/cli/demoWorkspace';
import { startDemoModel, type DemoModel } from '../../src/core/demo';
import { runTag, socketDirOf } from '../../src/core/run/leftovers';
import { ORPHAN_BEFORE_FIRST_BRANCH, ORPHAN_MESSAGE, sealOrphanedRuns, sealOrphansAndCleanUp } from '../../src/core/run/orphans';
import { sandboxTmpRoot } from '../../src/core/sandbox/local/privateTmp';
import { storeDirFor } from '../../src/core/store/paths';
import { Store } from '../../src/core/store/store';
import { requireAgentRuntime, requireLandlock } from '../support/realParts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('hole 13: what a killed supervisor leaves behind', function () {
  this.timeout(300_000);
  let scratch: string;
  before(() => (scratch = mkdtempSync(join(tmpdir(), 'nc-hole13-'))));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  async function storeWith(name: string, events: (ws: string) => Parameters<Store['append']>[0][]): Promise<{ ws: string; store: Store }> {
    const ws = join(scratch, name);
    const store = await Store.open(storeDirFor(ws));
    for (const e of events(ws)) await store.append(e);
    return { ws, store };
  }

  it('an orphan is sealed with the last recorded time, and every node and seal says the end is inferred', async () => {
    const { store } = await storeWith('late', (ws) => [
      { type: 'run.started', run: { id: 'run_late', task: 't', workspace: ws, baselineSnapshotId: null, startedAt: 1_000, driver: 'local', meta: { 'nemocognition.owner.pid': 999_999_999 } } },
      { type: 'branch.opened', branchId: 'br_late', runId: 'run_late', parentNodeId: null, parentBranchId: null, agentId: 'main', label: 'main', sandbox: 'local:main', at: 1_100 },
      { type: 'node.appended', nodeId: 'nd_tool', runId: 'run_late', branchId: 'br_late', kind: 'tool_call', name: 'exec: sleep 100', parentNodeId: null, startTime: 2_000, endTime: null, status: 'unset', snapshotId: null, attributes: {} },
      { type: 'node.appended', nodeId: 'nd_llm', runId: 'run_late', branchId: 'br_late', kind: 'model_call', name: 'model call', parentNodeId: null, startTime: 2_100, endTime: 2_500, status: 'ok', snapshotId: null, attributes: {} },
    ]);
    try {
      assert.deepEqual(await sealOrphanedRuns(store), ['run_late']);
      const tool = store.getNode('nd_tool')!;
      assert.equal(tool.endTime, 2_500, 'the interrupted tool call ends at the last recorded time, not when the store was reopened');
      assert.equal(tool.attributes['nemocognition.end_inferred'], true);
      const b = store.getBranch('br_late')!;
      assert.equal(b.sealedAt, 2_500);
      assert.match(b.sealReason!, /end time is inferred/);
      const err = store.nodesOfBranch('br_late').at(-1)!;
      assert.equal(err.kind, 'error');
      assert.equal(err.attributes['nemocognition.end_inferred'], true);
      assert.equal(store.getRun('run_late')!.endedAt, 2_500);
    } finally {
      await store.close();
    }
  });

  it('a run killed before its first branch is sealed with a branch that gives the reason', async () => {
    const { store } = await storeWith('early', (ws) => [
      { type: 'run.started', run: { id: 'run_early', task: 't', workspace: ws, baselineSnapshotId: null, startedAt: 5_000, driver: 'local', meta: { 'nemocognition.owner.pid': 999_999_999 } } },
    ]);
    try {
      await sealOrphanedRuns(store);
      assert.equal(store.getRun('run_early')!.status, 'error');
      const branches = store.branchesOf('run_early');
      assert.equal(branches.length, 1, 'the reason needs a branch to live on');
      assert.equal(branches[0]!.sandbox, 'local:not started');
      assert.equal(branches[0]!.sealReason, ORPHAN_BEFORE_FIRST_BRANCH);
      assert.equal(store.nodesOfBranch(branches[0]!.id)[0]!.attributes['exception.message'], ORPHAN_BEFORE_FIRST_BRANCH);
    } finally {
      await store.close();
    }
  });

  describe('on real parts: the CLI killed with SIGKILL during a tool call', () => {
    let model: DemoModel;
    before(async function () {
      requireAgentRuntime(this);
      await requireLandlock(this);
      model = await startDemoModel({ scenario: 'deny-and-recover' });
    });
    after(async () => model?.close());

    it('the next writer removes its sandboxes, agent state, supervisor.sock and private tmp folders', async () => {
      const ws = join(scratch, 'killed');
      seedDemoWorkspace(ws);
      const cli = spawn(process.execPath, [join(__dirname, '../../dist/cli.js'), 'run', '--task', DEMO_TASK, '--workspace', ws, '--model-url', model.baseUrl, '--model', model.model], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      cli.stdout!.on('data', (d) => (output += d));
      cli.stderr!.on('data', (d) => (output += d));
      let runId: string | undefined;
      for (let i = 0; i < 240 && !runId; i++) {
        await sleep(500);
        try {
          const s = await Store.open(storeDirFor(ws), { readOnly: true });
          const run = s.listRuns()[0];
          if (run && s.nodesOfRun(run.id).some((n) => n.kind === 'tool_call')) runId = run.id;
          await s.close();
        } catch {
          // not there yet
        }
        assert.equal(cli.exitCode, null, `the CLI ended early:\n${output}`);
      }
      assert.ok(runId, `no tool call was recorded:\n${output}`);
      cli.kill('SIGKILL');
      await new Promise((r) => cli.once('exit', r));
      const killedAt = Date.now();

      const nc = join(ws, '.nemocognition');
      const tag = runTag(runId);
      const tmps = () => (existsSync(sandboxTmpRoot()) ? readdirSync(sandboxTmpRoot()).filter((n) => n.startsWith(`nc-${tag}-`)) : []);
      const sock = () => (existsSync(socketDirOf(nc, runId!)) ? readdirSync(socketDirOf(nc, runId!), { recursive: true }).map(String).filter((p) => p.endsWith('supervisor.sock')) : []);
      // What the killed supervisor left:
      assert.ok(existsSync(join(nc, 'sandboxes', runId, 'main', 'work')), 'the branch sandbox was left');
      assert.ok(existsSync(join(nc, 'sandboxes', runId, 'main', 'state')), "the agent's state was left");
      assert.equal(sock().length, 1, 'its supervisor.sock was left');
      assert.ok(tmps().length >= 1, 'its private tmp folder was left');

      await sleep(1500); // the next writer comes later: the seal must not use its own clock
      const store = await Store.open(storeDirFor(ws));
      try {
        const { sealed, removed } = await sealOrphansAndCleanUp(store, nc);
        assert.deepEqual(sealed, [runId]);
        assert.ok(removed.length >= 3, `removed: ${removed.join(', ')}`);
        for (const b of store.branchesOf(runId)) {
          assert.equal(b.sealReason, ORPHAN_MESSAGE);
          assert.ok(b.sealedAt! <= killedAt, 'sealed at the last recorded time, before the kill');
        }
      } finally {
        await store.close();
      }
      assert.equal(existsSync(join(nc, 'sandboxes', runId)), false, 'branch sandboxes and agent state removed');
      assert.deepEqual(sock(), [], 'supervisor.sock removed');
      assert.deepEqual(tmps(), [], `private tmp folders removed from ${sandboxTmpRoot()}`);
    });
  });
});
