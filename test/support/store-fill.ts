/**
 * Child process for the store's full-disk test. Runs inside a private mount namespace where <dir> is a tiny
 * tmpfs: appends until the disk is full, then checks what the store did. Prints one JSON line.
 * Usage: node --import tsx store-fill.ts <dir>
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Store, StoreWriteError } from '../../src/core/store/store';

async function main(): Promise<void> {
  const dir = process.argv[2]!;
  const storeDir = path.join(dir, 'store');
  const ballast = path.join(dir, 'ballast');
  fs.writeFileSync(ballast, Buffer.alloc(96 * 1024)); // freed later, as a user would free space
  const logs: string[] = [];
  const store = await Store.open(storeDir, { exportEvery: 1e9, exportIntervalMs: 0, log: (l, m) => logs.push(`${l}: ${m}`) });
  await store.append({ type: 'run.started', run: { id: 'r', task: 'fill', workspace: '/ws', baselineSnapshotId: null, startedAt: 1, driver: 'local', meta: {} } });
  await store.append({ type: 'branch.opened', branchId: 'b', runId: 'r', parentNodeId: null, parentBranchId: null, agentId: 'main', label: 'b', sandbox: '/sb', at: 1 });
  const acked: string[] = [];
  let error: { name: string; message: string; code?: string | undefined } | null = null as { name: string; message: string; code?: string | undefined } | null;
  const segBefore = () => fs.readdirSync(path.join(storeDir, 'journal')).map((n) => fs.statSync(path.join(storeDir, 'journal', n)).size).reduce((a, b) => a + b, 0);
  let sizeBeforeFailure = 0;
  // Bursts of concurrent appends (group commit): when one batch hits ENOSPC, the batches queued behind it are
  // revalidated and tried in turn; whatever resolved must survive.
  let i = 0;
  while (!error && i < 10_000) {
    sizeBeforeFailure = segBefore();
    const burst = Array.from({ length: 1 + (i % 6) }, () => `n${i++}`);
    const results = await Promise.allSettled(
      burst.map((id, k) =>
        store.append({ type: 'node.appended', nodeId: id, runId: 'r', branchId: 'b', kind: 'tool_call', name: id, parentNodeId: null, startTime: 1, endTime: 2, status: 'ok', snapshotId: null, attributes: { 'output.value': `${id}:`.padEnd(3000 + k * 331, 'y') } }),
      ),
    );
    results.forEach((r, k) => {
      if (r.status === 'fulfilled') acked.push(burst[k]!);
      else if (!error) {
        const e = r.reason as StoreWriteError;
        error = { name: e.name, message: e.message, code: e.code };
      }
    });
  }
  const sizeAfterFailure = segBefore();
  const isWriteError = error !== null && error.name === 'StoreWriteError';
  // Still full: a small event fails the same way, the store stays usable for reads.
  let secondError: string | null = null;
  await store
    .append({ type: 'node.appended', nodeId: 'small', runId: 'r', branchId: 'b', kind: 'narration', name: 's', parentNodeId: null, startTime: 1, endTime: 1, status: 'ok', snapshotId: null, attributes: { 'output.value': 'z'.repeat(4000) } })
    .then(() => acked.push('small'))
    .catch((e: Error) => (secondError = e.name));
  const readable = store.nodesOfBranch('b').length;
  await store.close(); // the final export fails on the full disk: logged, not thrown
  const reopened = await Store.open(storeDir, { exportEvery: 1e9, exportIntervalMs: 0 });
  const missing = acked.filter((id) => !reopened.getNode(id));
  const reopenWarnings = reopened.openReport.warnings;
  // Free space, then recording works again.
  fs.rmSync(ballast);
  let afterFree: number | string;
  try {
    afterFree = await reopened.append({ type: 'branch.sealed', branchId: 'b', status: 'completed', reason: 'after freeing space', at: 3 });
  } catch (e) {
    afterFree = String(e);
  }
  await reopened.close();
  const last = await Store.open(storeDir, { exportEvery: 1e9, exportIntervalMs: 0 });
  const sealed = last.getBranch('b')?.status;
  await last.close();
  process.stdout.write(
    `${JSON.stringify({ acked: acked.length, error, isWriteError, sizeBeforeFailure, sizeAfterFailure, secondError, readable, missing, reopenWarnings, afterFree, sealed, logs })}\n`,
  );
}

main().catch((err) => {
  process.stdout.write(`${JSON.stringify({ crash: err instanceof Error ? err.stack : String(err) })}\n`);
  process.exit(1);
});
