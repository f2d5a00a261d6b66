/**
 * runSupervised: the heart of NemoCognition. Snapshots the workspace as the
 * run's baseline, runs the agent in a sandbox materialised from it with a
 * model gateway and a supervisor plugin watching every step, and, when a
 * policy denial stops the agent, seals the failed branch as evidence and
 * re-runs the agent in a fresh recovery sandbox with a correction prompt.
 * The user's workspace is never written: results come back by restore.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { excludeFromGit, nemocogDir, storeDirFor } from '../store/paths';
import { Store } from '../store/store';
import { SnapshotEngine } from '../snapshots/engine';
import { Scrubber } from '../redact';
import { Recorder } from '../recorder/recorder';
import { startGateway } from '../gateway';
import type { Branch } from '../model/types';
import type { RunListener, RunSummary, SupervisedRunOptions } from './api';
import { ModelCallRouter } from './modelCalls';
import { openRunResources, type RunResources } from './resources';
import { runBranches } from './branchLoop';
import { describeProblem } from './problems';
import { sealOrphanedRuns } from './orphans';
import { currentOwner } from './owner';

export async function runSupervised(opts: SupervisedRunOptions, listener: RunListener = {}): Promise<RunSummary> {
  const ws = opts.workspace;
  const nc = opts.storeDir ?? nemocogDir(ws);
  mkdirSync(nc, { recursive: true });
  excludeFromGit(ws);
  const narrate = (text: string) => listener.narration?.(text, Date.now());

  const scrubber = new Scrubber();
  scrubber.addSecret(opts.model.apiKey, 'model-api-key');
  const store = await Store.open(opts.storeDir ? join(nc, 'store') : storeDirFor(ws), {
    log: (level, msg) => (level !== 'info' ? narrate(`store ${level}: ${msg}`) : undefined),
  });
  const engine = await SnapshotEngine.open(join(nc, 'snapshots'), opts.snapshotIgnore ? { ignore: opts.snapshotIgnore } : {});
  const recorder = new Recorder(store, scrubber, {
    branch: (b) => listener.branch?.(b),
    node: (n) => listener.node?.(n),
    sinkError: (e) => narrate(`Recording failed: ${e.message}`),
  });

  const orphaned = await sealOrphanedRuns(store);
  if (orphaned.length) narrate(`Sealed ${orphaned.length} run(s) left open by a supervisor that was killed.`);
  const owner = currentOwner();

  let resources: RunResources | null = null;
  let gateway: Awaited<ReturnType<typeof startGateway>> | null = null;
  const router = new ModelCallRouter(recorder, narrate);
  try {
    listener.phase?.('preparing', 'Taking the baseline snapshot of the workspace');
    const baseline = await engine.take(ws, { reason: 'run baseline' });
    const run = await recorder.startRun({
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

    resources = await openRunResources(opts, { runId: run.id, nc, gatewayPort: gateway.port, scrubber, engine, log: (t) => narrate(`agent: ${t.trim()}`) });
    const outcome = await runBranches({ opts, listener, recorder, engine, router, resources, gateway, baselineSnapshotId: baseline.id, narrate });
    await recorder.endRun(outcome.status);
    await recorder.flush();
    return summarise(recorder, outcome.resultBranchId, outcome.problem);
  } catch (err) {
    const problem = describeProblem(err);
    narrate(`Run stopped: ${problem.message} → ${problem.fix}`);
    if (recorder.currentRun) {
      await sealAll(recorder, 'error', problem.message);
      await recorder.endRun(opts.signal?.aborted ? 'cancelled' : 'error').catch(() => undefined);
      await recorder.flush();
      return summarise(recorder, null, problem);
    }
    throw err;
  } finally {
    await gateway?.close().catch(() => undefined);
    await resources?.close().catch(() => undefined);
    engine.close();
    await store.close();
  }
}

async function sealAll(recorder: Recorder, status: 'error' | 'cancelled', reason: string): Promise<void> {
  for (const b of recorder.allBranches()) {
    if (b.status === 'open') await recorder.sealBranch(b.id, status, reason).catch(() => undefined);
  }
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
