import { parseCommandArgs } from '../args';
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
export const RESTORE_USAGE = `  nemocog restore <workspace> (--node <nodeId> | --branch <branchId> | --snapshot <snapshotId>) [--json]
  Writes only the files that differ, after a safety snapshot; prints the command that undoes it.`;

export async function restoreCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { node: { type: 'string' }, branch: { type: 'string' }, snapshot: { type: 'string' }, json: { type: 'boolean' } },
    RESTORE_USAGE,
    true,
  );
  const ws = resolve(positionals[0] ?? '.');
  const picked = [values.node, values.branch, values.snapshot].filter(Boolean).length;
  if (picked !== 1) throw new CliError('Say what to restore.', 'Pass exactly one of --node <nodeId>, --branch <branchId> or --snapshot <snapshotId> (see `nemocog inspect`).');
  let snapshotId = values.snapshot;
  if (!snapshotId) {
    const store = await Store.open(storeDirFor(ws), { readOnly: true });
    try {
      const t = restoreTarget(store, { nodeId: values.node, branchId: values.branch });
      if (!t) throw new CliError(`No snapshot for ${values.node ? `node ${values.node}` : `branch ${values.branch}`}.`, 'Pick a checkpoint or tool-call node (`nemocog inspect --json` lists them).');
      snapshotId = t.snapshotId;
    } finally {
      await store.close();
    }
  }
  const engine = await SnapshotEngine.open(join(nemocogDir(ws), 'snapshots'));
  try {
    if (!engine.get(snapshotId)) throw new CliError(`Snapshot ${snapshotId} is not in this workspace's store.`, 'Check the id with `nemocog inspect --json`.');
    const r = await engine.restore(snapshotId, ws);
    if (values.json) console.log(JSON.stringify(r, null, 2));
    else {
      console.log(`Restored ${snapshotId} into ${ws}: ${r.written.length} file(s) written, ${r.deleted.length} deleted.`);
      console.log(`Undo with: nemocog restore ${ws} --snapshot ${r.undoSnapshotId}`);
    }
  } finally {
    engine.close();
  }
  return 0;
}
