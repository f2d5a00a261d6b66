import { existsSync } from 'node:fs';
import { parseCommandArgs } from '../args';
import { join, resolve } from 'node:path';
import { RemoteSnapshots } from '../../core/replica/remoteSnapshots';
import { SnapshotEngine } from '../../core/snapshots/engine';
import { OutsideSymlinkError } from '../../core/snapshots/symlinkTargets';
import { Store } from '../../core/store/store';
import { nemocogDir, storeDirFor } from '../../core/store/paths';
import { restoreTarget } from '../../core/run/restoreTarget';
import { describePreview, previewRestore, restoreWithUndo, undoLastRestore, undoStackOf, type RestoreTarget } from '../../core/restore';
import { CliError } from '../errors';

/**
 * Brings a node's (or a branch's result) snapshot into the workspace, writing
 * only what differs. `--dry-run` prints every file it would write or delete,
 * flagging the risky ones, and changes nothing. Each restore pushes an undo
 * point; `--undo` steps back through them, newest first.
 */
export const RESTORE_USAGE = `  nemocog restore <workspace> (--node <nodeId> | --branch <branchId> | --snapshot <snapshotId> | --undo)
                  [--dry-run] [--allow-outside-symlinks] [--json]
  Writes only the files that differ, after a safety snapshot; --dry-run lists them (risky ones flagged)
  and changes nothing; --undo steps back through earlier restores, newest first.`;

export async function restoreCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      node: { type: 'string' },
      branch: { type: 'string' },
      snapshot: { type: 'string' },
      undo: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      'allow-outside-symlinks': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    RESTORE_USAGE,
    true,
  );
  const ws = resolve(positionals[0] ?? '.');
  const picked = [values.node, values.branch, values.snapshot, values.undo].filter(Boolean).length;
  if (picked !== 1) {
    throw new CliError('Say what to restore.', 'Pass exactly one of --node <nodeId>, --branch <branchId>, --snapshot <snapshotId> (see `nemocog inspect`), or --undo to undo the last restore.');
  }
  const engine = await SnapshotEngine.open(join(nemocogDir(ws), 'snapshots'));
  for (const r of engine.repairs) console.error(`note: ${r.message}`);
  try {
    if (values.undo) return undo(engine, ws, values);
    const { snapshotId, label, target } = await resolveTarget(ws, values);
    await fetchIfReplicated(engine, ws, snapshotId);
    if (!engine.get(snapshotId)) throw new CliError(`Snapshot ${snapshotId} is not in this workspace's store.`, 'Check the id with `nemocog inspect --json`.');
    const allow = values['allow-outside-symlinks'] === true;
    if (values['dry-run']) {
      const p = await previewRestore(engine, snapshotId, ws);
      if (values.json) console.log(JSON.stringify({ ...p, refused: p.outsideSymlinks.length > 0 && !allow }, null, 2));
      else console.log(describePreview(p, { allowOutsideSymlinks: allow }));
      return 0;
    }
    let r;
    try {
      r = await restoreWithUndo(engine, snapshotId, ws, { label, ...(target ? { target } : {}), allowOutsideSymlinks: allow });
    } catch (e) {
      if (e instanceof OutsideSymlinkError) throw new CliError(e.message, `Run \`nemocog restore ${ws} --${values.node ? `node ${values.node}` : values.branch ? `branch ${values.branch}` : `snapshot ${snapshotId}`} --dry-run\` to review, then add --allow-outside-symlinks to restore them anyway.`);
      throw e;
    }
    if (values.json) console.log(JSON.stringify({ written: r.written, deleted: r.deleted, undoSnapshotId: r.undoSnapshotId }, null, 2));
    else {
      console.log(`Restored ${label} into ${ws}: ${r.written.length} file(s) written, ${r.deleted.length} deleted.`);
      console.log(`Undo with: nemocog restore ${ws} --undo   (undo points on the stack: ${undoStackOf(engine).list().length})`);
    }
  } finally {
    engine.close();
  }
  return 0;
}

/** A run replicated from an SSH host or a NemoClaw sandbox: fetch what the restore writes (nothing for a local snapshot). */
async function fetchIfReplicated(engine: SnapshotEngine, ws: string, snapshotId: string): Promise<void> {
  if (engine.get(snapshotId) && !engine.get(snapshotId)!.rootPath.startsWith('replica:')) return;
  if (!existsSync(storeDirFor(ws))) return;
  const store = await Store.open(storeDirFor(ws), { readOnly: true });
  const remote = new RemoteSnapshots(engine, store);
  try {
    if (remote.isRemote(snapshotId) || engine.get(snapshotId)) await remote.ensureForRestore(snapshotId, ws);
  } finally {
    await remote.close();
    await store.close();
  }
}

async function resolveTarget(ws: string, values: { node?: string; branch?: string; snapshot?: string }): Promise<{ snapshotId: string; label: string; target?: RestoreTarget }> {
  if (values.snapshot) return { snapshotId: values.snapshot, label: `snapshot ${values.snapshot}` };
  const store = await Store.open(storeDirFor(ws), { readOnly: true });
  try {
    const t = restoreTarget(store, { nodeId: values.node, branchId: values.branch });
    if (!t) throw new CliError(`No snapshot for ${values.node ? `node ${values.node}` : `branch ${values.branch}`}.`, 'Pick a checkpoint or tool-call node (`nemocog inspect --json` lists them).');
    const node = store.getNode(t.nodeId);
    const branch = node ? store.getBranch(node.branchId) : undefined;
    const target: RestoreTarget = { ...(node ? { runId: node.runId, branchId: node.branchId } : {}), ...(values.node && node ? { nodeId: node.id, beforeSeq: node.seq } : {}) };
    const label = values.node ? `step ${(node?.seq ?? 0) + 1}${branch ? ` of branch ${branch.label}` : ''}` : `the result of branch ${branch?.label ?? values.branch}`;
    return { snapshotId: t.snapshotId, label, target };
  } finally {
    await store.close();
  }
}

async function undo(engine: SnapshotEngine, ws: string, values: { json?: boolean; 'dry-run'?: boolean }): Promise<number> {
  const top = undoStackOf(engine).peek();
  if (!top) throw new CliError('There is no restore to undo in this workspace.', 'Restores made with `nemocog restore` or in VS Code push undo points; none is left.');
  if (values['dry-run']) {
    console.log(describePreview(await previewRestore(engine, top.undoSnapshotId, ws), { allowOutsideSymlinks: true }));
    return 0;
  }
  const r = await undoLastRestore(engine, ws);
  if (!r) return 0;
  if (values.json) console.log(JSON.stringify({ undone: r.undone, written: r.written, deleted: r.deleted }, null, 2));
  else console.log(`Undid the restore of ${r.undone.label}: ${r.written.length} file(s) written back, ${r.deleted.length} removed. Undo points left: ${undoStackOf(engine).list().length}.`);
  return 0;
}
