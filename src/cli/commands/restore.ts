import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { RemoteSnapshots } from '../../core/replica/remoteSnapshots';
import { join, resolve } from 'node:path';
import { SnapshotEngine } from '../../core/snapshots/engine';
import { Store } from '../../core/store/store';
import { nemocogDir, storeDirFor } from '../../core/store/paths';
import { restoreTarget } from '../../core/run/restoreTarget';
import { CliError } from '../errors';

/**
 * Brings a node's (or a branch's result) snapshot into the workspace, writing
 * only what differs; prints the undo snapshot id, which `--snapshot` restores.
 */
export async function restoreCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { node: { type: 'string' }, branch: { type: 'string' }, snapshot: { type: 'string' }, json: { type: 'boolean' } },
  });
  const ws = resolve(positionals[0] ?? '.');
  const picked = [values.node, values.branch, values.snapshot].filter(Boolean).length;
  if (picked !== 1) throw new CliError('Say what to restore.', 'Pass exactly one of --node <nodeId>, --branch <branchId> or --snapshot <snapshotId> (see `nemocog inspect`).');
  let snapshotId = values.snapshot;
  const store = existsSync(storeDirFor(ws)) ? await Store.open(storeDirFor(ws), { readOnly: true }) : undefined;
  const engine = await SnapshotEngine.open(join(nemocogDir(ws), 'snapshots'));
  try {
    if (!snapshotId) {
      const t = store ? restoreTarget(store, { nodeId: values.node, branchId: values.branch }) : undefined;
      if (!t) throw new CliError(`No snapshot for ${values.node ? `node ${values.node}` : `branch ${values.branch}`}.`, 'Pick a checkpoint or tool-call node (`nemocog inspect --json` lists them).');
      snapshotId = t.snapshotId;
    }
    // A run replicated from an SSH host or a NemoClaw sandbox: fetch what the restore writes.
    if (store && !engine.get(snapshotId)) {
      const remote = new RemoteSnapshots(engine, store);
      try {
        if (remote.isRemote(snapshotId)) await remote.ensureForRestore(snapshotId, ws);
      } finally {
        await remote.close();
      }
    }
    if (!engine.get(snapshotId)) throw new CliError(`Snapshot ${snapshotId} is not in this workspace's store.`, 'Check the id with `nemocog inspect --json`.');
    const r = await engine.restore(snapshotId, ws);
    if (values.json) console.log(JSON.stringify(r, null, 2));
    else {
      console.log(`Restored ${snapshotId} into ${ws}: ${r.written.length} file(s) written, ${r.deleted.length} deleted.`);
      console.log(`Undo with: nemocog restore ${ws} --snapshot ${r.undoSnapshotId}`);
    }
  } finally {
    engine.close();
    await store?.close();
  }
  return 0;
}
