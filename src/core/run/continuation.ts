/**
 * Continuing a run in another sandbox. A NemoClaw recovery sandbox is
 * materialised from the run's baseline (`nemoclaw <name> snapshot restore
 * <baseline> --to <name>-recovery-<n>`), so its store does not hold the run.
 * The launcher sends the run's record so far: it is imported (the store
 * validates it like any append), the recorder adopts it, and the recovery
 * branch then opens on the node it forks from, as it would in one sandbox.
 */
import type { StoreEvent } from '../model/events';
import type { Recorder } from '../recorder/recorder';
import type { SnapshotRecord } from '../snapshots/refs';
import type { Store } from '../store/store';
import type { RunContinuation } from './api';
import type { ResumePoint } from './branchLoop';

export class ContinuationError extends Error {
  constructor(message: string, readonly fix: string) {
    super(message);
    this.name = 'ContinuationError';
  }
}

export async function continueRun(
  store: Store,
  recorder: Recorder,
  cont: RunContinuation,
  baseline: SnapshotRecord,
  narrate: (text: string) => void,
): Promise<ResumePoint> {
  checkRecords(cont.records, cont.runId);
  if (store.getRun(cont.runId)) {
    throw new ContinuationError(
      `This sandbox's store already holds run ${cont.runId}; a recovery sandbox must start from the run's baseline.`,
      'Fork a new recovery sandbox from the baseline snapshot (nemoclaw <name> snapshot restore <baseline> --to <new name>) and continue there.',
    );
  }
  // Imported as one batch: all or nothing, and never echoed back to the launcher (it sent them).
  await store.appendMany(cont.records);
  const run = store.getRun(cont.runId)!;
  if (run.status !== 'running') {
    throw new ContinuationError(`Run ${cont.runId} already ended (${run.status}); there is nothing to continue.`, 'Start a new run.');
  }
  const branches = store.branchesOf(run.id);
  recorder.adopt(run, branches, branches.flatMap((b) => store.nodesOfBranch(b.id)));
  if (!recorder.node(cont.forkNodeId)) {
    throw new ContinuationError(`The fork node ${cont.forkNodeId} is not in run ${cont.runId}.`, 'This is a bug in the launcher; report it with the run id.');
  }
  await recorder.recordSnapshot({
    snapshotId: baseline.id,
    root: baseline.root,
    parentSnapshotId: run.baselineSnapshotId,
    reason: 'recovery-baseline',
    fileCount: baseline.fileCount,
    changedCount: baseline.changedCount,
  });
  // The sandbox was restored by another tool: check that it really holds the baseline's files.
  const verified = baseline.root === cont.baselineRoot;
  narrate(
    verified
      ? `Recovery sandbox holds exactly the run's baseline (${baseline.fileCount} files).`
      : `Warning: the recovery sandbox differs from the run's baseline (tree ${baseline.root.slice(0, 12)} vs ${cont.baselineRoot.slice(0, 12)}); the recovery starts from what the sandbox holds.`,
  );
  return {
    attempt: cont.attempt,
    forkNodeId: cont.forkNodeId,
    message: cont.message,
    why: cont.why,
    restoreCommand: cont.restoreCommand,
    attributes: { ...(cont.attributes ?? {}), 'nemocognition.recovery.baseline_verified': verified },
  };
}

/** The record must be exactly one run's, starting with its run.started. */
function checkRecords(records: StoreEvent[], runId: string): void {
  const bad = (why: string): never => {
    throw new ContinuationError(`The run record sent to this sandbox is unusable: ${why}.`, 'This is a bug in the launcher; report it with the run id.');
  };
  if (!Array.isArray(records) || records.length === 0) bad('it is empty');
  const first = records[0]!;
  if (first.type !== 'run.started' || first.run.id !== runId) bad(`it does not start with run ${runId}`);
  for (const e of records.slice(1)) {
    if (e.type === 'run.started') bad('it holds a second run');
    if ('runId' in e && e.runId !== null && e.runId !== runId) bad(`an event belongs to run ${String(e.runId)}`);
  }
}
