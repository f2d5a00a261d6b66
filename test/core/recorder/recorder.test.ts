import { strict as assert } from 'node:assert';
import type { StoreEvent } from '../../../src/core/model/events';
import { Recorder } from '../../../src/core/recorder/recorder';

class MemorySink {
  events: StoreEvent[] = [];
  failNext = false;
  async append(e: StoreEvent): Promise<number> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    this.events.push(e);
    return this.events.length;
  }
}
const redactor = { scrub: (s: string) => s.split('sk-canary-123456').join('[REDACTED:secret]') };

describe('recorder', () => {
  it('records a run, branches and nodes in order with dense per-branch sequence numbers', async () => {
    const sink = new MemorySink();
    const r = new Recorder(sink, redactor);
    await r.startRun({ task: 't', workspace: '/w', baselineSnapshotId: null, driver: 'local', meta: {} });
    const b = await r.openBranch({ label: 'main', agentId: 'main', sandbox: '/s', parentNodeId: null });
    const n0 = await r.appendNode(b.id, { kind: 'checkpoint', name: 'baseline' });
    const n1 = await r.appendNode(b.id, { kind: 'tool_call', name: 'exec', endTime: null });
    await r.closeNode(n1.id, { status: 'ok', attributes: { 'tool.output': 'done' } });
    assert.deepEqual([n0.seq, n1.seq], [0, 1]);
    assert.deepEqual(sink.events.map((e) => e.type), ['run.started', 'branch.opened', 'node.appended', 'node.appended', 'node.closed']);
  });

  it('scrubs secrets from names, attributes and the task before the sink sees them', async () => {
    const sink = new MemorySink();
    const r = new Recorder(sink, redactor);
    await r.startRun({ task: 'use sk-canary-123456', workspace: '/w', baselineSnapshotId: null, driver: 'local', meta: {} });
    const b = await r.openBranch({ label: 'main', agentId: 'main', sandbox: '/s', parentNodeId: null });
    await r.appendNode(b.id, { kind: 'model_call', name: 'call sk-canary-123456', attributes: { a: 'x sk-canary-123456', l: ['sk-canary-123456'] } });
    assert.doesNotMatch(JSON.stringify(sink.events), /sk-canary-123456/);
  });

  it('refuses to append to or close nodes of a sealed branch, and closes open nodes when sealing', async () => {
    const sink = new MemorySink();
    const r = new Recorder(sink, redactor);
    await r.startRun({ task: 't', workspace: '/w', baselineSnapshotId: null, driver: 'local', meta: {} });
    const b = await r.openBranch({ label: 'main', agentId: 'main', sandbox: '/s', parentNodeId: null });
    const open = await r.appendNode(b.id, { kind: 'tool_call', name: 'exec', endTime: null });
    await r.sealBranch(b.id, 'failed', 'denied');
    assert.notEqual(r.node(open.id)!.endTime, null);
    await assert.rejects(r.appendNode(b.id, { kind: 'narration', name: 'late' }), /sealed/);
    const sibling = await r.openBranch({ label: 'recovery-1', agentId: 'main', sandbox: '/s2', parentNodeId: open.id });
    assert.equal(sibling.parentBranchId, b.id);
  });

  it('after a failed write, stops writing (no gaps in the journal) but keeps recording in memory and reports it', async () => {
    const sink = new MemorySink();
    const errors: Error[] = [];
    const r = new Recorder(sink, redactor, { sinkError: (e) => errors.push(e) });
    await r.startRun({ task: 't', workspace: '/w', baselineSnapshotId: null, driver: 'local', meta: {} });
    sink.failNext = true;
    const b = await r.openBranch({ label: 'main', agentId: 'main', sandbox: '/s', parentNodeId: null });
    const n = await r.appendNode(b.id, { kind: 'narration', name: 'after failure' });
    assert.equal(errors.length, 1);
    assert.deepEqual(sink.events.map((e) => e.type), ['run.started'], 'nothing written after the failure');
    assert.equal(r.node(n.id)!.name, 'after failure', 'still known in memory');
    assert.equal(r.sinkFailures.length, 1);
  });
});
