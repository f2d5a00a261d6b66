/**
 * Child process for the store's kill test: appends events as fast as it can and
 * prints `ack <seq> <nodeId|->` for each acknowledged one, until it is killed.
 * Usage: node --import tsx store-appender.ts <storeDir> <label>
 */
import { Store } from '../../src/core/store/store';
import type { StoreEvent } from '../../src/core/model/events';

const [dir, label] = process.argv.slice(2) as [string, string];

function out(line: string): void {
  process.stdout.write(`${line}\n`); // synchronous for pipes on Linux: printed means the parent will see it
}

async function main(): Promise<void> {
  const store = await Store.open(dir, { exportEvery: 20, exportIntervalMs: 100 });
  out(`ready ${store.lastSeq} warnings=${store.openReport.warnings.length}`);
  const runId = `run-${label}`;
  const branchId = `br-${label}`;
  out(`ack ${await store.append({ type: 'run.started', run: { id: runId, task: 'kill test', workspace: '/ws', baselineSnapshotId: null, startedAt: Date.now(), driver: 'local', meta: {} } })} -`);
  out(`ack ${await store.append({ type: 'branch.opened', branchId, runId, parentNodeId: null, parentBranchId: null, agentId: 'main', label, sandbox: '/sb', at: Date.now() })} -`);
  let i = 0;
  const nodeEv = (id: string, big: boolean): StoreEvent => ({
    type: 'node.appended',
    nodeId: id,
    runId,
    branchId,
    kind: 'tool_call',
    name: `exec ${id}`,
    parentNodeId: null,
    startTime: Date.now(),
    endTime: Date.now(),
    status: 'ok',
    snapshotId: null,
    attributes: big ? { 'output.value': 'x'.repeat(8000 + Math.floor(Math.random() * 20000)) } : { i },
  });
  for (;;) {
    const r = Math.random();
    if (r < 0.4) {
      const id = `${label}-n${i++}`;
      out(`ack ${await store.append(nodeEv(id, Math.random() < 0.2))} ${id}`);
    } else if (r < 0.8) {
      // a burst issued in one tick: shares one fsync
      const ids = Array.from({ length: 1 + Math.floor(Math.random() * 8) }, () => `${label}-n${i++}`);
      await Promise.all(ids.map((id) => store.append(nodeEv(id, Math.random() < 0.3)).then((seq) => out(`ack ${seq} ${id}`))));
    } else {
      const id = `${label}-n${i++}`;
      const seqs = await store.appendMany([
        nodeEv(id, false),
        { type: 'lines.attributed', runId, nodeId: id, path: `src/${label}.ts`, ranges: [[1 + (i % 5), 5 + (i % 7)]], at: Date.now() },
      ]);
      out(`ack ${seqs[0]} ${id}`);
      out(`ack ${seqs[1]} -`);
    }
  }
}

main().catch((err) => {
  out(`error ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
