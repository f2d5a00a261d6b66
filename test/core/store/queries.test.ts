import { strict as assert } from 'node:assert';
import { OpenInferenceSpanKind } from '@arizeai/openinference-semantic-conventions';
import { spanIdForNode, traceIdForRun } from '../../../src/core/model/ids';
import { branchSpanId } from '../../../src/core/model/spans';
import { latestWriterWins } from '../../../src/core/store/attribution';
import { Store } from '../../../src/core/store/store';
import { branchOpened, lines, node, rmDir, runStarted, tmpDir, wasmPath } from './helpers';

describe('store/queries', () => {
  let dir: string;
  let s: Store;
  before(async () => {
    dir = tmpDir('nc-queries-');
    s = await Store.open(dir, { wasmPath });
    await s.append(runStarted('r1', 1000));
    await s.append(runStarted('r2', 2000));
    await s.append({ type: 'snapshot.recorded', snapshotId: 'snap-base', runId: 'r1', root: 'tree-aaa', parentSnapshotId: null, reason: 'baseline', at: 1001, fileCount: 10, changedCount: 10 });
    await s.append(branchOpened('b1', 'r1', null, null, 1002));
    await s.appendMany([
      node('llm1', 'r1', 'b1', { kind: 'model_call', startTime: 1003, endTime: 1004, status: 'ok' }),
      node('tool1', 'r1', 'b1', { kind: 'tool_call', startTime: 1005, snapshotId: 'snap-pre1', attributes: { 'tool.name': 'exec' } }),
      { type: 'snapshot.recorded', snapshotId: 'snap-pre1', runId: 'r1', root: 'tree-bbb', parentSnapshotId: 'snap-base', reason: 'before tool call', at: 1005, fileCount: 10, changedCount: 1 },
      node('deny1', 'r1', 'b1', { kind: 'policy_decision', parentNodeId: 'tool1', startTime: 1006, endTime: 1006, status: 'error' }),
      node('deny1.why', 'r1', 'b1', { kind: 'narration', parentNodeId: 'deny1', startTime: 1007, endTime: 1007 }),
    ]);
    await s.append({ type: 'node.closed', nodeId: 'tool1', endTime: 1010, status: 'error', attributes: { 'output.value': 'Permission denied' } });
    await s.append({ type: 'branch.sealed', branchId: 'b1', status: 'failed', reason: 'denied', at: 1011 });
    await s.append(branchOpened('b2', 'r1', 'llm1', 'b1', 1012));
    await s.append(node('fix1', 'r1', 'b2', { startTime: 1013, endTime: 1014, status: 'ok' }));
    await s.append({ type: 'run.ended', runId: 'r1', status: 'completed', at: 1020 });
  });
  after(async () => {
    await s.close();
    rmDir(dir);
  });

  it('lists runs (newest first) with their status', () => {
    assert.deepEqual(s.listRuns().map((r) => [r.id, r.status]), [
      ['r2', 'running'],
      ['r1', 'completed'],
    ]);
    const r1 = s.getRun('r1')!;
    assert.equal(r1.endedAt, 1020);
    assert.equal(r1.task, 'task of r1');
    assert.equal(s.getRun('zzz'), undefined);
  });

  it('gives branches and their nodes in order, with dense per-branch seq', () => {
    assert.deepEqual(s.branchesOf('r1').map((b) => b.id), ['b1', 'b2']);
    assert.deepEqual(s.nodesOfBranch('b1').map((n) => [n.id, n.seq]), [
      ['llm1', 0],
      ['tool1', 1],
      ['deny1', 2],
      ['deny1.why', 3],
    ]);
    assert.deepEqual(s.nodesOfBranch('b2').map((n) => [n.id, n.seq]), [['fix1', 0]]);
    assert.deepEqual(s.nodesOfRun('r1').map((n) => n.id), ['llm1', 'tool1', 'deny1', 'deny1.why', 'fix1']);
    assert.deepEqual(s.branchesOf('r2'), []);
  });

  it('node.closed sets end, status and merges attributes', () => {
    const t = s.getNode('tool1')!;
    assert.equal(t.endTime, 1010);
    assert.equal(t.status, 'error');
    assert.deepEqual(t.attributes, { 'tool.name': 'exec', 'output.value': 'Permission denied' });
  });

  it('spans of a node: the node first, then everything causally under it', () => {
    const spans = s.spansOfNode('tool1');
    assert.deepEqual(spans.map((sp) => sp.name), ['step tool1', 'step deny1', 'step deny1.why']);
    const [tool, deny, why] = spans;
    assert.equal(tool!.kind, OpenInferenceSpanKind.TOOL);
    assert.equal(tool!.traceId, traceIdForRun('r1'));
    assert.equal(tool!.spanId, spanIdForNode('tool1'));
    assert.equal(tool!.parentSpanId, branchSpanId('b1'));
    assert.equal(deny!.kind, OpenInferenceSpanKind.GUARDRAIL);
    assert.equal(deny!.parentSpanId, spanIdForNode('tool1'));
    assert.equal(why!.parentSpanId, spanIdForNode('deny1'));
    assert.deepEqual(s.spansOfNode('nope'), []);
  });

  it('snapshot of a node and snapshot records', () => {
    assert.deepEqual(s.snapshotOfNode('tool1'), { snapshotId: 'snap-pre1', root: 'tree-bbb' });
    assert.equal(s.snapshotOfNode('llm1'), undefined);
    assert.equal(s.snapshot('snap-base')!.reason, 'baseline');
    assert.equal(s.snapshot('snap-pre1')!.parentSnapshotId, 'snap-base');
  });

  it('line attribution: the latest writer wins per line over overlapping ranges', async () => {
    // Lines are attributed while their branch is open (a sealed branch refuses them): a store of its own.
    const adir = tmpDir('nc-queries-attr-');
    const s = await Store.open(adir, { wasmPath });
    try {
      await s.append(runStarted('r1', 1000));
      await s.append(branchOpened('b1', 'r1', null, null, 1002));
      for (const id of ['llm1', 'tool1', 'deny1', 'fix1']) await s.append(node(id, 'r1', 'b1', { startTime: 1003, endTime: 1004, status: 'ok' }));
      await s.append(lines('r1', 'llm1', 'src/a.ts', [[1, 10]], 5000));
      await s.append(lines('r1', 'tool1', 'src/a.ts', [[4, 6]], 5001));
      await s.append(lines('r1', 'fix1', 'src/a.ts', [[9, 12], [20, 20]], 5002));
      await s.append(lines('r1', 'llm1', 'src/a.ts', [[5, 5]], 5003));
      // Same timestamp: journal order decides.
      await s.append(lines('r1', 'deny1', 'src/a.ts', [[20, 21]], 5002));
      await s.append(lines('r1', 'fix1', 'src/other.ts', [[1, 1]], 5004));
      const got = s.attributionFor('src/a.ts').map((a) => [a.startLine, a.endLine, a.nodeId]);
      assert.deepEqual(got, [
        [1, 3, 'llm1'],
        [4, 4, 'tool1'],
        [5, 5, 'llm1'],
        [6, 6, 'tool1'],
        [7, 8, 'llm1'],
        [9, 12, 'fix1'],
        [20, 21, 'deny1'],
      ]);
      assert.deepEqual(s.attributionFor('src/a.ts', 'r2'), []);
      assert.equal(s.attributionFor('src/a.ts', 'r1').length, 7);
      assert.deepEqual(s.attributionFor('missing.ts'), []);
      await s.append({ type: 'branch.sealed', branchId: 'b1', status: 'failed', reason: 'x', at: 6000 });
      await assert.rejects(s.append(lines('r1', 'fix1', 'src/a.ts', [[1, 1]], 6001)), /sealed/);
    } finally {
      await s.close();
      rmDir(adir);
    }
  });

  it('latestWriterWins merges adjacent ranges of the same write', () => {
    const f = (s0: number, e: number, n: string, at: number) => ({ startLine: s0, endLine: e, nodeId: n, runId: 'r', at });
    assert.deepEqual(latestWriterWins([f(1, 3, 'a', 1), f(4, 6, 'a', 1), f(2, 2, 'b', 2)]), [f(1, 1, 'a', 1), f(2, 2, 'b', 2), f(3, 6, 'a', 1)]);
    assert.deepEqual(latestWriterWins([f(1, 5, 'a', 1), f(1, 5, 'b', 2)]), [f(1, 5, 'b', 2)]);
  });

  it('readJournal gives acknowledged records after a cursor, in order', () => {
    const all = [...s.readJournal(0)];
    assert.equal(all.length, s.lastSeq);
    assert.deepEqual(all.map((r) => r.seq), all.map((_, i) => i + 1));
    const tail = [...s.readJournal(s.lastSeq - 2)];
    assert.deepEqual(tail.map((r) => r.seq), [s.lastSeq - 1, s.lastSeq]);
    assert.equal(all[0]!.event.type, 'run.started');
    assert.deepEqual([...s.readJournal(s.lastSeq)], []);
  });

  it('the same answers after reopening from the export and after a rebuild from the journal', async () => {
    const before = { runs: s.listRuns(), nodes: s.nodesOfRun('r1'), attr: s.attributionFor('src/a.ts') };
    await s.close();
    s = await Store.open(dir, { wasmPath });
    assert.deepEqual({ runs: s.listRuns(), nodes: s.nodesOfRun('r1'), attr: s.attributionFor('src/a.ts') }, before);
    await s.close();
    const fs = await import('node:fs');
    fs.rmSync(`${dir}/store.sqlite`);
    s = await Store.open(dir, { wasmPath });
    assert.equal(s.openReport.rebuiltFromJournal, true);
    assert.deepEqual({ runs: s.listRuns(), nodes: s.nodesOfRun('r1'), attr: s.attributionFor('src/a.ts') }, before);
  });
});
