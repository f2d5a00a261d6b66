/**
 * The local replica takes a remote run's events as they are (same ids, same
 * order) but still as untrusted input: the store's rules hold (a sealed branch
 * never changes), the user's key is scrubbed if a peer leaked it, and after a
 * refused event nothing more is written (no gaps).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreEvent } from '../../../src/core/model/events';
import { ReplicaWriter } from '../../../src/core/replica/replicaWriter';
import { storeDirFor } from '../../../src/core/store/paths';
import { Store } from '../../../src/core/store/store';

const KEY = 'nvapi-LEAKED-0123456789abcdef';

function run(): StoreEvent[] {
  return [
    { type: 'run.started', run: { id: 'run_r1', task: `task with ${KEY}`, workspace: '/remote/ws', baselineSnapshotId: null, startedAt: 1, driver: 'local@ssh:h', meta: {} } },
    { type: 'branch.opened', branchId: 'br_1', runId: 'run_r1', parentNodeId: null, parentBranchId: null, agentId: 'main', label: 'main', sandbox: 'local:main', at: 2 },
    { type: 'node.appended', nodeId: 'nd_1', runId: 'run_r1', branchId: 'br_1', kind: 'tool_call', name: 'exec', parentNodeId: null, startTime: 3, endTime: 4, status: 'ok', snapshotId: null, attributes: { 'tool.name': 'exec' } },
    { type: 'branch.sealed', branchId: 'br_1', status: 'completed', reason: 'done', at: 5 },
  ];
}

describe('replica writer', () => {
  let ws: string;
  beforeEach(() => (ws = mkdtempSync(join(tmpdir(), 'nc-replica-'))));
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('appends the events with their ids, and scrubs a leaked key', async () => {
    const w = await ReplicaWriter.open({ workspace: ws, secrets: [KEY] });
    run().forEach((e, i) => w.push(i + 1, e));
    const r = await w.close();
    assert.equal(r.failure, undefined);
    assert.equal(r.appended, 4);
    assert.equal(r.lastRemoteSeq, 4);
    const store = await Store.open(storeDirFor(ws), { readOnly: true });
    try {
      const got = store.getRun('run_r1')!;
      assert.equal(got.task, 'task with [REDACTED:model-api-key]');
      assert.equal(store.getNode('nd_1')!.branchId, 'br_1');
      assert.equal(store.getBranch('br_1')!.status, 'completed');
    } finally {
      await store.close();
    }
  });

  it('refuses an event that breaks the store rules, and writes nothing after it', async () => {
    const w = await ReplicaWriter.open({ workspace: ws });
    const events = run();
    events.forEach((e, i) => w.push(i + 1, e));
    // A hostile peer tries to rewrite the sealed branch, then goes on as if nothing happened.
    w.push(5, { type: 'node.appended', nodeId: 'nd_2', runId: 'run_r1', branchId: 'br_1', kind: 'tool_call', name: 'rm -rf', parentNodeId: null, startTime: 6, endTime: 7, status: 'ok', snapshotId: null, attributes: {} });
    w.push(6, { type: 'run.ended', runId: 'run_r1', status: 'completed', at: 8 });
    const r = await w.close();
    assert.match(String(r.failure?.message), /seal/i);
    assert.equal(r.appended, 4);
    const store = await Store.open(storeDirFor(ws), { readOnly: true });
    try {
      assert.equal(store.getNode('nd_2'), undefined);
      assert.equal(store.getRun('run_r1')!.status, 'running', 'nothing after the refused event');
    } finally {
      await store.close();
    }
  });
});
