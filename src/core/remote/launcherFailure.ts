/**
 * A failure the launcher saw but no sandbox could record (a NemoClaw CLI
 * failed, the sandbox's SSH dropped, the user cancelled): recorded in the
 * local replica, on the branch it stopped (a recovery that could not start
 * gets its own branch saying so), and the run ends. Never touches a sealed
 * branch; a run that already ended is left as it is.
 */
import { Scrubber } from '../redact';
import { Recorder } from '../recorder/recorder';
import type { ReplicaWriter } from '../replica/replicaWriter';
import type { RunSummary } from '../run/api';
import { recordRunFailure, sealWithFailure, type RecordedFailure } from '../run/failures';
import { summarise } from '../run/summary';

export interface LauncherFailure {
  runId: string;
  task: string;
  workspace: string;
  driver: string;
  /** Whether the sandbox side started (then the run is in the replica already). */
  started: boolean;
  failure: RecordedFailure;
  status: 'error' | 'cancelled';
  /** A recovery branch that was being prepared when it failed. */
  fork?: { attempt: number; forkNodeId: string; sandbox: string };
}

export async function recordLauncherFailure(replica: ReplicaWriter, f: LauncherFailure): Promise<RunSummary> {
  await replica.flush();
  const store = replica.store;
  const recorder = new Recorder(store, new Scrubber());
  const run = store.getRun(f.runId);
  if (run) {
    const branches = store.branchesOf(run.id);
    recorder.adopt(run, branches, branches.flatMap((b) => store.nodesOfBranch(b.id)));
    if (run.status !== 'running') return summarise(recorder, null);
  } else {
    await recorder.startRun({ id: f.runId, task: f.task, workspace: f.workspace, baselineSnapshotId: null, driver: f.driver, meta: {} });
  }
  if (f.fork && recorder.node(f.fork.forkNodeId)) {
    const b = await recorder.openBranch({ label: `recovery-${f.fork.attempt}`, agentId: 'main', sandbox: f.fork.sandbox, parentNodeId: f.fork.forkNodeId });
    await sealWithFailure(recorder, b.id, f.failure, f.status);
  }
  await recordRunFailure(recorder, f.failure, f.status, f.driver);
  await recorder.flush();
  await recorder.endRun(f.status);
  await recorder.flush();
  return summarise(recorder, null);
}
