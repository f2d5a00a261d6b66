/**
 * Checks shared by the remote-run tests: the local replica holds exactly the
 * remote record, and a remote step's snapshot content opens from the local
 * store (fetched over SSH on first need, then cached).
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoreEvent } from '../../src/core/model/events';
import { RemoteSnapshots } from '../../src/core/replica/remoteSnapshots';
import { SnapshotEngine } from '../../src/core/snapshots/engine';
import { storeDirFor } from '../../src/core/store/paths';
import { Store } from '../../src/core/store/store';

/** Every journaled event of one run, in journal order. */
export async function runEvents(workspace: string, runId: string, storeDir = storeDirFor(workspace)): Promise<StoreEvent[]> {
  const store = await Store.open(storeDir, { readOnly: true });
  try {
    const branches = new Set<string>();
    const nodes = new Set<string>();
    const out: StoreEvent[] = [];
    for (const rec of store.readJournal(0)) {
      const e = rec.event;
      let mine = false;
      if (e.type === 'run.started') mine = e.run.id === runId;
      else if (e.type === 'branch.opened') mine = e.runId === runId && !!branches.add(e.branchId);
      else if (e.type === 'node.appended') mine = e.runId === runId && !!nodes.add(e.nodeId);
      else if (e.type === 'node.closed') mine = nodes.has(e.nodeId);
      else if (e.type === 'branch.sealed') mine = branches.has(e.branchId);
      else mine = e.runId === runId;
      if (mine) out.push(e);
    }
    return out;
  } finally {
    await store.close();
  }
}

/**
 * Opens the result of the run's completed branch from the LOCAL store and
 * snapshot engine, which start without its content: the diff source fetches
 * it from the remote snapshot store and the bytes match the remote ones; a
 * second look fetches nothing; a restore into the local workspace then works.
 */
export async function assertRemoteDiffOpens(
  localWs: string,
  remoteSnapshotsDir: string,
  runId: string,
  stateDir: string,
  file = 'src/greeting.ts',
): Promise<void> {
  const store = await Store.open(storeDirFor(localWs), { readOnly: true });
  const engine = await SnapshotEngine.open(join(localWs, '.nemocognition', 'snapshots'), { changeSource: 'full-scan' });
  const remote = await SnapshotEngine.open(remoteSnapshotsDir, { changeSource: 'full-scan' });
  try {
    const done = store.branchesOf(runId).find((b) => b.status === 'completed');
    assert.ok(done, 'the run has a completed branch');
    const step = store.nodesOfBranch(done.id).filter((n) => n.kind === 'checkpoint' && n.snapshotId).pop()!;
    const snapshotId = step.snapshotId!;
    assert.equal(engine.get(snapshotId), undefined, 'the local snapshot store does not hold the remote step yet');

    const first = new RemoteSnapshots(engine, store, { stateDir });
    try {
      assert.equal(first.isRemote(snapshotId), true);
      // Compare with workspace first lists what differs: the trees only.
      await first.ensureTrees(snapshotId);
      const trees = first.fetched;
      assert.ok(trees > 0, 'the trees were fetched over SSH');
      assert.ok(engine.entryAt(snapshotId, file), `${file} is listed from the local copy of the trees`);
      // Then the diff opens one file: its content is fetched now.
      await first.ensureFile(snapshotId, file);
      assert.equal(first.fetched, trees + 1, 'then exactly the file\'s content');
    } finally {
      await first.close();
    }
    const local = engine.readFile(snapshotId, file);
    const there = remote.readFile(snapshotId, file);
    assert.ok(there && there.length > 0, `the remote step has ${file}`);
    assert.deepEqual(local, there, 'the local diff shows the remote bytes');

    const again = new RemoteSnapshots(engine, store, { stateDir });
    try {
      await again.ensureFile(snapshotId, file);
      assert.equal(again.fetched, 0, 'cached locally: nothing fetched the second time');
      // Restore works on the remote step too: the blobs it needs are fetched, then the engine restores.
      await again.ensureForRestore(snapshotId, localWs);
      const r = await engine.restore(snapshotId, localWs);
      assert.ok(r.written.includes(file), `restore wrote ${file}`);
      assert.ok(existsSync(join(localWs, file)));
      assert.deepEqual(readFileSync(join(localWs, file)), there);
    } finally {
      await again.close();
    }
  } finally {
    remote.close();
    engine.close();
    await store.close();
  }
}
