/**
 * runSupervised: the heart of NemoCognition. Snapshots the workspace as the
 * run's baseline, runs the agent in a sandbox materialised from it with a
 * model gateway and a supervisor plugin watching every step, and, when a
 * policy denial stops the agent, seals the failed branch as evidence and
 * re-runs the agent in a fresh recovery sandbox with a correction prompt.
 * With `pair`, two agents take turns in one shared sandbox instead.
 * The user's workspace is never written: results come back by restore.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_IGNORE_GLOBS } from '../snapshots/ignore';
import { storeIgnore } from './storeIgnore';
import { protectedSnapshots } from './snapshotRetention';
import { excludeFromGit, nemocogDir, storeDirFor } from '../store/paths';
import { Store } from '../store/store';
import { SnapshotEngine } from '../snapshots/engine';
import { Scrubber } from '../redact';
import { Recorder } from '../recorder/recorder';
import { startGateway } from '../gateway';
import type { Attributes, RunStatus } from '../model/types';
import { ForkRefusedError, planFork } from '../fork/plan';
import type { RunListener, RunSummary, SupervisedRunOptions } from './api';
import { ModelCallRouter } from './modelCalls';
import { openRunResources, type RunResources } from './resources';
import { runBranches, type BranchStart, type ResumePoint } from './branchLoop';
import { runPair } from './pairTurns';
import { continueRun } from './continuation';
import type { StoreEvent } from '../model/events';
import { recorded, recordingIntact, recordRunFailure, turnFailure, type RecordedFailure } from './failures';
import { describeProblem, type Problem } from './problems';
import { stopCauseOf, stoppable } from './stop';
import { sealOrphansAndCleanUp } from './orphans';
import { removeRunLeftovers } from './leftovers';
import { currentOwner, ownerAlive, sameOwner, type RunOwner } from './owner';
import { runSocketParent } from './supervisorHub';
import { summarise } from './summary';
import { runSupervisedRemote } from '../remote/remoteRun';
import { runSupervisedNemoClaw } from '../remote/nemoclawRun';

export async function runSupervised(opts: SupervisedRunOptions, listener: RunListener = {}): Promise<RunSummary> {
  if (opts.remoteHost && opts.driver === 'nemoclaw') {
    throw Object.assign(new Error('A NemoClaw run is launched from the machine that runs `nemoclaw` and `openshell`, not through a remote host.'), {
      fix: 'Clear nemocognition.sandbox.remoteHost (or --remote), or open a Remote-SSH window on the NemoClaw host and run from there.',
    });
  }
  if ((opts.remoteHost || opts.driver === 'nemoclaw') && opts.pair) {
    // TODO(nemocog): forward the pair's options to the remote supervisor (remote/remoteRun.ts, remote/nemoclawRun.ts).
    throw Object.assign(new Error('Two agents in one run (the pair) cannot run on a remote host or in NemoClaw yet.'), { fix: 'Run the pair on this machine with the local sandbox, or a single agent on the remote host.' });
  }
  if (opts.remoteHost) {
    // The supervisor runs beside the files, on the remote host (see remote/remoteRun.ts).
    const { remoteHost, ...local } = opts;
    return runSupervisedRemote(local, { host: remoteHost, workspace: opts.remoteWorkspace ?? opts.workspace, cli: opts.remoteCli ?? ['nemocog'] }, listener);
  }
  if (opts.driver === 'nemoclaw') {
    // The supervisor runs inside the NemoClaw sandbox, beside the files; recovery forks sandboxes (remote/nemoclawRun.ts).
    return runSupervisedNemoClaw(opts, listener);
  }
  return supervise(opts, listener, async ({ recorder, engine, store, owner, narrate }) => {
    const ws = opts.workspace;
    listener.phase?.('preparing', 'Taking the baseline snapshot of the workspace');
    const baseline = await engine.take(ws, { reason: opts.continuation ? 'recovery sandbox baseline' : 'run baseline' });
    if (opts.continuation) {
      // A recovery branch of a run begun in another sandbox (NemoClaw): its record so far comes with it.
      const resume = await continueRun(store, recorder, opts.continuation, baseline, narrate);
      return { baselineSnapshotId: baseline.id, baselineRoot: opts.continuation.baselineRoot, task: opts.task, resume };
    }
    await recorder.startRun({
      ...(opts.runId ? { id: opts.runId } : {}),
      task: opts.task,
      workspace: ws,
      baselineSnapshotId: baseline.id,
      driver: opts.recordedDriver ?? (opts.remoteHost ? `${opts.driver}@ssh:${opts.remoteHost}` : opts.driver),
      meta: {
        ...(opts.runMeta ?? {}),
        'nemocognition.model': opts.model.model,
        'nemocognition.model.base_url': opts.model.baseUrl,
        ...ownerMeta(owner),
      },
    });
    await recorder.recordSnapshot({ snapshotId: baseline.id, root: baseline.root, parentSnapshotId: null, reason: 'baseline', fileCount: baseline.fileCount, changedCount: baseline.changedCount });
    narrate(`Baseline: ${baseline.fileCount} files in ${ws}`);
    return { baselineSnapshotId: baseline.id, baselineRoot: baseline.root, task: opts.task };
  });
}

/** A user's fork: a new branch of an ended run, from one of its nodes, with a new instruction (core/fork/plan.ts). */
export interface ForkRunOptions extends Omit<SupervisedRunOptions, 'task'> {
  nodeId: string;
  instruction: string;
}

/**
 * "Fork from here": resumes the run the node belongs to, materialises a
 * sandbox from the node's snapshot and runs the agent there with a structured
 * prompt; a denial in the fork is recovered like in any run.
 */
export async function forkSupervised(opts: ForkRunOptions, listener: RunListener = {}): Promise<RunSummary> {
  if (opts.remoteHost) {
    // TODO(nemocog): fork on the remote host (the store and snapshots live there); the CLI's `fork --remote` would forward like `run --remote`.
    throw new ForkRefusedError('Forking a run recorded on a remote host is not supported yet.', 'Fork it on that host with `nemocog fork`, or clear nemocognition.sandbox.remoteHost.');
  }
  const { nodeId, instruction, ...rest } = opts;
  return supervise({ ...rest, task: '' }, listener, async ({ recorder, engine, store, owner, narrate }) => {
    const node = store.getNode(nodeId);
    if (!node) throw new ForkRefusedError(`Step ${nodeId} is not in the store of ${opts.workspace}.`, 'Pick a step of a recorded run (`nemocog inspect --json` lists their ids).');
    const run = store.getRun(node.runId)!;
    const branches = store.branchesOf(run.id);
    const nodes = store.nodesOfRun(run.id);
    const plan = planFork({ run, branches, nodes }, nodeId, instruction);
    listener.phase?.('preparing', `Forking from step ${plan.fromNode.seq + 1} of ${plan.fromBranch.label}`);
    await recorder.resumeRun(run, branches, nodes, { reason: `fork ${plan.label} from ${plan.fromNode.id}`, meta: ownerMeta(owner) });
    narrate(`Fork ${plan.forkNumber}: from step ${plan.fromNode.seq + 1} ("${plan.fromNode.name}") of branch ${plan.fromBranch.label}`);
    const baselineSnapshotId = run.baselineSnapshotId ?? plan.snapshotId;
    return {
      baselineSnapshotId,
      baselineRoot: engine.get(baselineSnapshotId)?.root ?? '',
      task: run.task,
      start: {
        label: plan.label,
        fork: { nodeId: plan.fromNode.id, snapshotId: plan.snapshotId, startsFrom: 'the step it was forked from' },
        message: plan.prompt,
        note: {
          name: `fork ${plan.forkNumber} from step ${plan.fromNode.seq + 1} of ${plan.fromBranch.label}: ${plan.instruction}`.slice(0, 200),
          attributes: {
            'nemocognition.fork.number': plan.forkNumber,
            'nemocognition.fork.from_node': plan.fromNode.id,
            'nemocognition.fork.from_branch': plan.fromBranch.id,
            'nemocognition.fork.instruction': plan.instruction,
            'nemocognition.fork.prompt': plan.prompt,
          },
        },
      },
    };
  });
}

interface SessionParts {
  recorder: Recorder;
  engine: SnapshotEngine;
  store: Store;
  owner: RunOwner;
  narrate(text: string): void;
}

/** How a supervised session begins: a new run with its baseline, or an ended run resumed for a fork. */
type Begin = (parts: SessionParts) => Promise<{ baselineSnapshotId: string; baselineRoot: string; task: string; start?: BranchStart; resume?: ResumePoint }>;

function ownerMeta(owner: RunOwner): Attributes {
  return { 'nemocognition.owner.pid': owner.pid, 'nemocognition.owner.start': owner.start };
}

/** One supervised session over the workspace's store: everything a run holds open, the branch loop, and the run's end. */
async function supervise(opts: SupervisedRunOptions, listener: RunListener, begin: Begin): Promise<RunSummary> {
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
    ...(opts.snapshotBudgetBytes ? { budget: { maxBytes: opts.snapshotBudgetBytes, protect: () => protectedSnapshots(store) } } : {}),
  });
  // A store that cannot record (disk full) stops the run: going on would act without evidence.
  const run = stoppable(opts.signal);
  // A remote launcher replicates every event this run journals (see remote/): tap the sink.
  const sink = opts.onRecord
    ? { append: async (e: StoreEvent) => { const seq = await store.append(e); opts.onRecord!(seq, e); return seq; } }
    : store;
  const recorder = new Recorder(sink, scrubber, {
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
  let gatewayDir: string | null = null;
  const router = new ModelCallRouter(recorder, narrate, { baseUrl: opts.model.baseUrl, model: opts.model.model });
  try {
    const begun = await begin({ recorder, engine, store, owner, narrate });

    // A private folder for the gateway's Unix socket: the sandbox's network namespace reaches it only through there.
    gatewayDir = mkdtempSync(join(runSocketParent(nc, recorder.currentRun!.id), 'nc-gw-'));
    gateway = await startGateway({
      unixSocketPath: join(gatewayDir, 'gateway.sock'),
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
    resources = await openRunResources(opts, {
      runId: recorder.currentRun!.id,
      nc,
      gatewayPort: gateway.port,
      ...(gateway.socketPath ? { gatewaySocket: gateway.socketPath } : {}),
      scrubber,
      engine,
      log: (t) => narrate(`agent: ${t.trim()}`),
      onChannelRejected,
    });
    for (const note of resources.driverInfo.notes ?? []) {
      narrate(`Sandbox: ${note}`);
      listener.warning?.(note);
    }
    const env = {
      opts: { ...opts, task: begun.task, signal: run.signal },
      listener,
      recorder,
      engine,
      router,
      resources,
      gateway,
      baselineSnapshotId: begun.baselineSnapshotId,
      baselineRoot: begun.baselineRoot,
      narrate,
    };
    // A fork ("fork from here") is one agent's branch, even in a run the pair recorded.
    // TODO(nemocog): a fork of a pair run continues with one agent; handing it back to the pair is not done.
    const outcome = begun.start
      ? await runBranches({ ...env, start: begun.start })
      : opts.pair
        ? await runPair({ ...env, pair: opts.pair })
        : await runBranches({ ...env, ...(begun.resume ? { resume: begun.resume } : {}), handoff: opts.recoveryHandoff });
    if (outcome.status === 'handoff') {
      // The run stays open: the launcher continues it in a fresh sandbox (RunContinuation).
      await recorder.flush();
      return { ...summarise(recorder, null, unrecorded(recorder)), ...('handoff' in outcome && outcome.handoff ? { handoff: outcome.handoff } : {}) };
    }
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
    if (gatewayDir) rmSync(gatewayDir, { recursive: true, force: true });
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

