/**
 * Restore, as users get it (the CLI and the VS Code commands): preview first,
 * then restore with an undo point, and an undo stack to step back through
 * several restores.
 *
 *   const p = await previewRestore(engine, snapshotId, ws);   // every file, risky ones flagged; writes nothing
 *   const r = await restoreWithUndo(engine, snapshotId, ws, { label, target });
 *   await undoLastRestore(engine, ws);                         // pops the stack
 *
 * Safety: the plan previewed is the plan restore runs (SnapshotEngine.planRestore); symlinks
 * pointing outside the workspace are refused unless allowed; each undo point is pinned in the
 * snapshot store so neither GC nor the size budget can drop it while it is on the stack.
 */
import type { RestoreResult } from '../snapshots/api';
import type { SnapshotEngine } from '../snapshots/engine';
import { UndoStack, type RestoreTarget, type UndoEntry } from './undoStack';

export { previewRestore, describePreview, type RestorePreview, type PreviewFile } from './preview';
export { riskFlags, changedScripts, type RiskFlag, type RiskKind } from './riskFlags';
export { UndoStack, MAX_UNDO_DEPTH, type UndoEntry, type RestoreTarget } from './undoStack';

export function undoStackOf(engine: SnapshotEngine): UndoStack {
  return new UndoStack(engine.storeDir, engine.pins);
}

export async function restoreWithUndo(
  engine: SnapshotEngine,
  snapshotId: string,
  root: string,
  opts: { label: string; target?: RestoreTarget; allowOutsideSymlinks?: boolean },
): Promise<RestoreResult & { entry: UndoEntry }> {
  const r = await engine.restore(snapshotId, root, { pinSafety: `undo point: before restoring ${opts.label}`, ...(opts.allowOutsideSymlinks ? { allowOutsideSymlinks: true } : {}) });
  const entry: UndoEntry = { undoSnapshotId: r.undoSnapshotId, restoredSnapshotId: snapshotId, label: opts.label, at: Date.now(), ...(opts.target ? { target: opts.target } : {}) };
  undoStackOf(engine).push(entry);
  return { ...(await flushed(r)), entry };
}

/**
 * Users are told "restored" once the files are on disk: waits for the engine's background flush
 * (tens of ms), and fails loudly if it failed (the files are written; the next open completes it).
 */
async function flushed(r: RestoreResult): Promise<Omit<RestoreResult, 'durable'>> {
  const { durable, ...rest } = r;
  const d = await durable;
  if (d?.error) throw new Error(`Restored ${r.written.length} file(s), but ${d.error}. Undo point: ${r.undoSnapshotId}.`);
  return rest;
}

/** Undoes the most recent restore still on the stack; undefined when there is none. */
export async function undoLastRestore(engine: SnapshotEngine, root: string): Promise<(RestoreResult & { undone: UndoEntry }) | undefined> {
  const stack = undoStackOf(engine);
  const top = stack.peek();
  if (!top) return undefined;
  // The undo point was taken of this very workspace: its links are the user's own, never refused.
  const r = await engine.restore(top.undoSnapshotId, root, { allowOutsideSymlinks: true });
  stack.pop(top);
  return { ...(await flushed(r)), undone: top };
}
