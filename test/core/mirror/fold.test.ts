import { strict as assert } from 'node:assert';
import type { JournalRecord } from '../../../src/core/model/events';
import { branchToSpan, nodeToSpan, runToSpan, type SpanRecord } from '../../../src/core/model/spans';
import { cloneOpenItems, emptyOpenItems, endsSpan, foldRecords, openCount } from '../../../src/core/mirror/fold';
import { Store } from '../../../src/core/store/store';
import { branchOpened, node, rmDir, runStarted, tmpDir, wasmPath } from '../store/helpers';

describe('mirror/fold: journal records → ended spans', () => {
  let dir: string;
  let records: JournalRecord[];
  let expected: Map<string, SpanRecord>;

  before(async () => {
    dir = tmpDir('nc-fold-');
    const s = await Store.open(dir, { wasmPath });
    await s.append(runStarted('r1', 1000));
    await s.append(branchOpened('b1', 'r1', null, null, 1001));
    await s.append(node('llm1', 'r1', 'b1', { kind: 'model_call', startTime: 1002, endTime: 1003, status: 'ok', attributes: { 'llm.token_count.total': 7 } }));
    await s.append(node('tool1', 'r1', 'b1', { startTime: 1004, attributes: { 'tool.name': 'exec', 'input.value': 'ls' } }));
    await s.append(node('deny1', 'r1', 'b1', { kind: 'policy_decision', parentNodeId: 'tool1', startTime: 1005, endTime: 1005, status: 'error' }));
    await s.append({ type: 'snapshot.recorded', snapshotId: 'sn1', runId: 'r1', root: 't', parentSnapshotId: null, reason: 'x', at: 1006, fileCount: 1, changedCount: 1 });
    await s.append({ type: 'node.closed', nodeId: 'tool1', endTime: 1007, status: 'error', attributes: { 'output.value': 'Permission denied' }, snapshotId: 'sn1' });
    await s.append({ type: 'branch.sealed', branchId: 'b1', status: 'failed', reason: 'denied', at: 1008 });
    await s.append(branchOpened('b2', 'r1', 'llm1', 'b1', 1009));
    await s.append(node('fix1', 'r1', 'b2', { kind: 'recovery', startTime: 1010, endTime: 1010, status: 'ok' }));
    await s.append(node('fix2', 'r1', 'b2', { startTime: 1011 }));
    await s.append({ type: 'node.closed', nodeId: 'fix2', endTime: 1012, status: 'ok', attributes: {} });
    await s.append({ type: 'branch.sealed', branchId: 'b2', status: 'completed', reason: 'done', at: 1013 });
    await s.append({ type: 'run.ended', runId: 'r1', status: 'completed', at: 1014 });
    // A second run still going: its open items stay open.
    await s.append(runStarted('r2', 2000));
    await s.append(branchOpened('b3', 'r2', null, null, 2001));
    await s.append(node('open1', 'r2', 'b3', { startTime: 2002 }));
    await s.append(node('done1', 'r2', 'b3', { kind: 'checkpoint', startTime: 2003, endTime: 2003, status: 'ok' }));
    records = [...s.readJournal(0)];
    expected = new Map();
    const run = s.getRun('r1')!;
    expected.set(runToSpan(run, 0).spanId, runToSpan(run, 0));
    for (const b of s.branchesOf('r1')) expected.set(branchToSpan(b, 0).spanId, branchToSpan(b, 0));
    for (const n of [...s.nodesOfRun('r1'), ...s.nodesOfRun('r2')]) if (n.endTime !== null) expected.set(nodeToSpan(n).spanId, nodeToSpan(n));
    await s.close();
  });
  after(() => rmDir(dir));

  it('emits exactly the ended spans, equal to the store view\'s, whatever the window boundaries (open items saved as JSON between windows)', () => {
    for (const size of [1, 2, 3, 5, 8, records.length]) {
      let open = emptyOpenItems();
      const got = new Map<string, SpanRecord>();
      for (let i = 0; i < records.length; i += size) {
        open = cloneOpenItems(JSON.parse(JSON.stringify(open))); // as state.json would hold it
        for (const e of foldRecords(open, records.slice(i, i + size))) {
          assert.ok(!got.has(e.span.spanId), `span ${e.span.name} emitted twice (window ${size})`);
          got.set(e.span.spanId, e.span);
        }
      }
      assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort(), `window ${size}`);
      for (const [id, span] of got) assert.deepEqual(span, expected.get(id), `${span.name} (window ${size})`);
      assert.equal(openCount(open), 3, 'run r2, branch b3 and node open1 are still open');
    }
  });

  it('counts the same ended spans without building them (for "behind by N")', () => {
    assert.equal(records.filter((r) => endsSpan(r.event)).length, expected.size);
  });

  it('puts the run span at the root, a first branch under it, a recovery under its fork node with a link to it', () => {
    const byName = new Map([...expected.values()].map((s) => [s.name, s]));
    const run = [...expected.values()].find((s) => s.parentSpanId === null)!;
    assert.equal(run.kind, 'AGENT');
    assert.equal(byName.get('branch b1')!.parentSpanId, run.spanId);
    const fork = byName.get('step llm1')!;
    assert.equal(byName.get('branch b2')!.parentSpanId, fork.spanId);
    assert.deepEqual(byName.get('branch b2')!.links!.map((l) => l.spanId), [fork.spanId]);
    assert.equal(byName.get('branch b1')!.statusMessage, 'denied');
    assert.equal(byName.get('step tool1')!.attributes['output.value'], 'Permission denied', 'the closed node carries its final attributes');
  });

  it('skips events about items whose opening was lost in a damaged journal region', () => {
    const open = emptyOpenItems();
    const ended = foldRecords(open, records.filter((r) => r.event.type !== 'node.appended' || (r.event as { nodeId: string }).nodeId !== 'tool1'));
    assert.equal(ended.length, expected.size - 1);
  });
});
