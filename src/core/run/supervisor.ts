/**
 * runSupervised: the heart of NemoCognition. Snapshots the workspace as the
 * run's baseline, runs the agent in a sandbox materialised from it with a
 * model gateway and a supervisor plugin watching every step, and, when a
 * policy denial stops the agent, seals the failed branch as evidence and
 * re-runs the agent in a fresh recovery sandbox with a correction prompt.
 * With `pair`, two agents take turns in one shared sandbox instead.
 * The user's workspace is never written: results come back by restore.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_IGNORE_GLOBS } from '../snapshots/ignore';
import { storeIgnore } from './storeIgnore';
import { excludeFromGit, nemocogDir, storeDirFor } from '../store/paths';
import { Store } from '../store/store';
import { SnapshotEngine } from '../snapshots/engine';
import { Scrubber } from '../redact';
import { Recorder } from '../recorder/recorder';
import { startGateway } from '../gateway';
import type { Branch, RunStatus } from '../model/types';
import type { RunListener, RunSummary, SupervisedRunOptions } from './api';
import { ModelCallRouter } from './modelCalls';
import { openRunResources, type RunResources } from './resources';
import { runBranches } from './branchLoop';
import { runPair } from './pairTurns';
import { recorded, recordingIntact, recordRunFailure, turnFailure, type RecordedFailure } from './failures';
import { describeProblem, type Problem } from './problems';
import { stopCauseOf, stoppable } from './stop';
import { sealOrphansAndCleanUp } from './orphans';
import { removeRunLeftovers } from './leftovers';
import { currentOwner, ownerAlive, sameOwner } from './owner';

export async function runSupervised(opts: SupervisedRunOptions, listener: RunListener = {}): Promise<RunSummary> {
  if (opts.remoteHost && opts.pair) {
    // TODO(nemocog): forward the pair's options to the remote supervisor (remote/remoteRun.ts).
    throw Object.assign(new Error('Two agents in one run (the pair) cannot run on a remote host yet.'), { fix: 'Run the pair on this machine, or a single agent on the remote host.' });
  }
  if (opts.remoteHost) {
    // The supervisor runs beside the files, on the remote host (see remote/remoteRun.ts).
    const { runSupervisedRemote } = await import('../remote/remoteRun');
    const { remoteHost, ...local } = opts;
    return runSupervisedRemote(local, { host: remoteHost, workspace: opts.remoteWorkspace ?? opts.workspace, cli: opts.remoteCli ?? ['nemocog'] }, listener);
  }
  const ws = opts.workspace;
  const nc = opts.storeDir ?? nemocogDir(ws);
  mkdirSync(nc, { recursive: true });
  excludeFromGit(ws);
  const scrubber = new Scrubber();
  scrubber.addSecret(opts.model.apiKey, 'model-api-key');
  // Narration reaches the output channel and the terminal: scrubbed whole, then shortened.
  const narrate = (text: string) => listener.narration?.(narrationLine(scrubber.scrub(text)), Date.now());
  const store = await Store.open(opts.storeDir ? join(nc, 'store') : storeDirFor(ws), {
    log: (level, msg) => (level !== 'info' ? narrate(`store ${level}: ${msg}`) : undefined),
  });
  const engine = await SnapshotEngine.open(join(nc, 'snapshots'), {
    ignore: [...(opts.snapshotIgnore ?? DEFAULT_IGNORE_GLOBS), ...storeIgnore(ws, nc)],
    ...(opts.snapshotBudgetBytes ? { budget: { maxBytes: opts.snapshotBudgetBytes, protect: () => referencedSnapshots(store) } } : {}),
  });
  // A store that cannot record (disk full) stops the run: going on would act without evidence.
  const run = stoppable(opts.signal);
  const recorder = new Recorder(store, scrubber, {
    branch: (b) => listener.branch?.(b),
    node: (n) => listener.node?.(n),
    sinkError: (e) => {
      narrate(`Recording failed: ${e.message}`);
      run.stop(turnFailure('store', describeProblem(e).message));
    },
  });

  const owner = currentOwner();
  // This process now holds the store's only writer lock, so none of its own
  // earlier runs is still writing: one left open (its last writes failed) is an orphan too.
  const { sealed: orphaned } = await sealOrphansAndCleanUp(store, nc, (o) => !sameOwner(o, owner) && ownerAlive(o));
  if (orphaned.length) narrate(`Sealed ${orphaned.length} run(s) left open by a supervisor that was killed or could not record.`);

  let resources: RunResources | null = null;
  let gateway: Awaited<ReturnType<typeof startGateway>> | null = null;
  const router = new ModelCallRouter(recorder, narrate, { baseUrl: opts.model.baseUrl, model: opts.model.model });
  try {
    listener.phase?.('preparing', 'Taking the baseline snapshot of the workspace');
    const baseline = await engine.take(ws, { reason: 'run baseline' });
    await recorder.startRun({
      task: opts.task,
      workspace: ws,
      baselineSnapshotId: baseline.id,
      driver: opts.remoteHost ? `${opts.driver}@ssh:${opts.remoteHost}` : opts.driver,
      meta: {
        'nemocognition.model': opts.model.model,
        'nemocognition.model.base_url': opts.model.baseUrl,
        'nemocognition.owner.pid': owner.pid,
        'nemocognition.owner.start': owner.start,
      },
    });
    await recorder.recordSnapshot({ snapshotId: baseline.id, root: baseline.root, parentSnapshotId: null, reason: 'baseline', fileCount: baseline.fileCount, changedCount: baseline.changedCount });
    narrate(`Baseline: ${baseline.fileCount} files in ${ws}`);

    gateway = await startGateway({
      upstreamBaseUrl: opts.model.baseUrl,
      upstreamApiKey: opts.model.apiKey,
      model: opts.model.model,
      ...(opts.model.reasoning ? { reasoning: opts.model.reasoning } : {}),
      scrubber,
      onModelCall: (r) => void router.onModelCall(r),
      onToolCallsAnnounced: (i) => router.onToolCallsAnnounced(i),
      onToolResults: (r) => void router.onToolResults(r),
      onRejected: (i) => void router.onRejected(i),
    });

    const onChannelRejected = (reason: string) => void router.onRejected({ remote: 'supervisor socket', path: 'supervisor', method: 'MESSAGE', reason, at: Date.now() }, 'supervisor.auth');
    resources = await openRunResources(opts, { runId: recorder.currentRun!.id, nc, gatewayPort: gateway.port, scrubber, engine, log: (t) => narrate(`agent: ${t.trim()}`), onChannelRejected });
    const env = { opts: { ...opts, signal: run.signal }, listener, recorder, engine, router, resources, gateway, baselineSnapshotId: baseline.id, narrate };
    const outcome = opts.pair ? await runPair({ ...env, pair: opts.pair }) : await runBranches(env);
    await endRun(recorder, outcome.status);
    return summarise(recorder, outcome.resultBranchId, unrecorded(recorder) ?? outcome.problem);
  } catch (err) {
    const failure = failureOfRun(err, run.signal);
    narrate(`Run stopped: ${failure.message} → ${failure.fix}`);
    if (!recorder.currentRun) throw err;
    const status = failure.type === 'cancelled' ? 'cancelled' : 'error';
    await recordRunFailure(recorder, failure, status, opts.driver);
    await endRun(recorder, status);
    return summarise(recorder, null, unrecorded(recorder) ?? (status === 'cancelled' ? undefined : { message: failure.message, fix: failure.fix }));
  } finally {
    await gateway?.close().catch(() => undefined);
    await resources?.close().catch(() => undefined);
    engine.close();
    await store.close();
    // Sandboxes, the agent's unscrubbed state, the socket folder, private tmp folders: the record keeps what matters.
    if (recorder.currentRun) removeRunLeftovers(nc, recorder.currentRun.id, { keepWork: opts.keepSandboxes });
  }
}

const MAX_NARRATION = 600;
function narrationLine(scrubbed: string): string {
  return scrubbed.length > MAX_NARRATION ? `${scrubbed.slice(0, MAX_NARRATION - 1)}…` : scrubbed;
}

/** Every snapshot a recorded run refers to: these survive the size budget. */
function referencedSnapshots(store: Store): Set<string> {
  const keep = new Set<string>();
  for (const run of store.listRuns()) {
    if (run.baselineSnapshotId) keep.add(run.baselineSnapshotId);
    for (const n of store.nodesOfRun(run.id)) {
      if (n.snapshotId) keep.add(n.snapshotId);
      const after = n.attributes['nemocognition.snapshot.after'];
      if (typeof after === 'string') keep.add(after);
    }
  }
  return keep;
}

async function endRun(recorder: Recorder, status: RunStatus): Promise<void> {
  await recorder.flush();
  if (recordingIntact(recorder)) await recorder.endRun(status);
  await recorder.flush();
}

/** What stopped the run outside a turn: NemoCognition's own stop (store), the user's cancel, or the error thrown. */
function failureOfRun(err: unknown, signal: AbortSignal): RecordedFailure {
  const stopped = stopCauseOf(signal);
  if (stopped) return recorded(stopped);
  if (signal.aborted) return recorded(turnFailure('cancelled', 'The run was cancelled before the agent finished.'));
  return { type: (err as Error)?.name || 'Error', ...describeProblem(err) };
}

/** Events the store could not keep (disk full): the summary must say so even when the run itself ended. */
function unrecorded(recorder: Recorder): Problem | undefined {
  const first = recorder.sinkFailures[0];
  return first ? describeProblem(first) : undefined;
}

function summarise(recorder: Recorder, resultBranchId: string | null, problem?: { message: string; fix: string }): RunSummary {
  const branches: Branch[] = recorder.allBranches();
  const nodes = branches.flatMap((b) => recorder.nodesOf(b.id));
  return {
    run: recorder.currentRun!,
    branches,
    denials: nodes.filter((n) => n.kind === 'policy_decision' && n.attributes['nemocognition.policy.decision'] === 'deny').length,
    recoveries: nodes.filter((n) => n.kind === 'recovery').length,
    snapshots: nodes.filter((n) => n.kind === 'checkpoint').length,
    toolCalls: nodes.filter((n) => n.kind === 'tool_call').length,
    resultBranchId,
    ...(problem ? { problem } : {}),
  };
}
