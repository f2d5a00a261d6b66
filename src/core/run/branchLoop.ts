/**
 * The branch loop: run the agent on a branch; if a policy denial stopped it,
 * seal that branch as failed evidence (with a forensic snapshot), fork a
 * recovery branch from the baseline (or the last good node) into a fresh
 * sandbox and re-invoke the agent with a correction prompt. Never mutates a
 * sealed branch; a recovery only adds a sibling.
 */
import type { GatewayHandle } from '../gateway/types';
import type { Attributes, RunStatus } from '../model/types';
import { decideRecovery } from '../policy';
import type { Recorder } from '../recorder/recorder';
import { buildCorrectionPrompt, needsRecovery, type DeniedAction } from '../recovery';
import type { SnapshotEngine } from '../snapshots/engine';
import type { AgentTurnResult, TurnFailure } from './agentPort';
import type { RunListener, SupervisedRunOptions } from './api';
import type { BranchContext } from './branchContext';
import type { ModelCallRouter } from './modelCalls';
import { recorded, sealWithFailure } from './failures';
import type { Problem } from './problems';
import type { RunResources } from './resources';
import { stopCauseOf, stoppable } from './stop';
import { ToolSupervisor, type ToolOutcome } from './toolSupervision';
import { turnAttributes } from './turnAttributes';

export interface BranchLoopInput {
  opts: SupervisedRunOptions;
  listener: RunListener;
  recorder: Recorder;
  engine: SnapshotEngine;
  router: ModelCallRouter;
  resources: RunResources;
  gateway: GatewayHandle;
  baselineSnapshotId: string;
  /** Where the first branch starts (default: "main", from the baseline, with the task as its prompt). */
  start?: BranchStart;
  narrate(text: string): void;
}

/** The first branch of a loop that does not start at the baseline: a user's fork from a node. */
export interface BranchStart {
  label: string;
  fork: Fork;
  message: string;
  /** Recorded first on the branch: why it exists (the fork's instruction). */
  note: { name: string; attributes: Attributes };
}

export interface BranchLoopOutcome {
  status: RunStatus;
  resultBranchId: string | null;
  problem?: Problem;
}

export interface Fork {
  nodeId: string | null;
  snapshotId: string;
  startsFrom: 'the original workspace' | 'the last good state of the previous attempt' | 'the step it was forked from';
}

export async function runBranches(input: BranchLoopInput): Promise<BranchLoopOutcome> {
  const { opts, listener, recorder, engine, router, resources, gateway, narrate } = input;
  const start = input.start;
  let fork: Fork = start?.fork ?? { nodeId: null, snapshotId: input.baselineSnapshotId, startsFrom: 'the original workspace' };
  let message = start?.message ?? opts.task;
  let baselineNodeId: string | null = null;
  let recoveryNote: { prompt: string; why: string; forkFrom: string } | null = null;
  const firstLabel = start?.label ?? 'main';
  // Where a recovery that starts over goes back to: the run's baseline, or where a fork started.
  const restart: Fork = start ? { ...start.fork, startsFrom: 'the step it was forked from' } : fork;

  for (let attempt = 0; attempt <= opts.maxRecoveries; attempt++) {
    const label = attempt === 0 ? firstLabel : start ? `${firstLabel}-recovery-${attempt}` : `recovery-${attempt}`;
    listener.phase?.(attempt === 0 ? 'preparing' : 'recovering', attempt === 0 ? `Preparing the sandbox for ${label}` : `Recovery ${attempt}: restoring into a fresh sandbox`);
    const sandbox = await resources.prepareSandbox(label, fork.snapshotId);
    const branch = await recorder.openBranch({ label, agentId: 'main', sandbox: sandbox.displayName, parentNodeId: fork.nodeId });
    if (attempt === 0 && start) await recorder.appendNode(branch.id, { kind: 'recovery', name: start.note.name, attributes: start.note.attributes });
    if (recoveryNote) {
      await recorder.appendNode(branch.id, {
        kind: 'recovery',
        name: `recovery ${attempt}: fork from ${recoveryNote.forkFrom}`,
        attributes: {
          'nemocognition.recovery.attempt': attempt,
          'nemocognition.recovery.fork_from': recoveryNote.forkFrom,
          'nemocognition.recovery.reason': recoveryNote.why,
          'nemocognition.recovery.prompt': recoveryNote.prompt,
          'nemocognition.recovery.sandbox': sandbox.displayName,
          ...(sandbox.restoreCommand ? { 'nemocognition.recovery.command': sandbox.restoreCommand } : {}),
        },
      });
    }
    const startNode = await recorder.appendNode(branch.id, {
      kind: 'checkpoint',
      name: attempt === 0 && !start ? 'workspace baseline' : `sandbox ${label} from ${fork.startsFrom}`,
      snapshotId: fork.snapshotId,
      attributes: { 'nemocognition.checkpoint.reason': attempt === 0 ? (start ? 'fork-start' : 'baseline') : 'recovery-start' },
    });
    // A recovery of a fork starts over from where the fork started, not from the run's baseline.
    baselineNodeId ??= startNode.id;
    listener.phase?.(attempt === 0 ? 'agent' : 'recovering', `Agent working in ${sandbox.displayName}`);
    narrate(
      attempt === 0
        ? `Agent started in sandbox ${sandbox.displayName}${start ? ' with the fork instruction' : ''}`
        : `Recovery ${attempt}: agent re-invoked in ${sandbox.displayName} with a correction prompt`,
    );

    const ctx: BranchContext = { recorder, engine, listener, branchId: branch.id, workdir: sandbox.spec.workdir, home: sandbox.home, policy: sandbox.spec.policy, startSnapshotId: fork.snapshotId, narrate };
    const supervisor = new ToolSupervisor(ctx, resources.toolPolicy(sandbox));
    const channel = resources.channel.bind(branch.id, {
      before: (req) => supervisor.before(req),
      after: (res) => supervisor.after(res),
    });
    const turn = stoppable(opts.signal);
    const modelDown = (f: TurnFailure) => {
      narrate(`Stopping the agent: ${f.message}`);
      turn.stop(f);
    };
    router.startTurn({ branchId: branch.id, supervisor, pluginConnected: () => channel.connected(), modelDown });

    const turnStart = Date.now();
    const result = await resources.agent.runTurn({
      driver: resources.driver,
      sandbox: sandbox.spec,
      stateDir: sandbox.stateDir,
      sessionId: `${branch.runId}-${label}`,
      message,
      gateway: { url: gateway.url, secret: gateway.secret, model: 'supervised' },
      supervisor: channel.endpoint,
      reasoning: opts.model.reasoning,
      timeoutMs: opts.timeoutMs,
      signal: turn.signal,
      onOutput: (stream, chunk) => (stream === 'stderr' ? resources.log(chunk) : undefined),
    });
    const failure = failureOfTurn(result, turn.signal, router.modelFailure(router.endTurn()));
    await supervisor.abandonOpen(failure ? failure.message : 'the agent did not report the result');
    channel.close();

    await recorder.appendNode(branch.id, {
      kind: 'agent_turn',
      name: `openclaw agent turn (${label})${failure ? `: ${failure.kind}` : ''}`,
      startTime: turnStart,
      endTime: Date.now(),
      status: failure ? 'error' : 'ok',
      attributes: turnAttributes(result, supervisor.outcomes.length, (t) => recorder.scrub(t)),
    });

    if (failure) {
      const status = failure.kind === 'cancelled' ? 'cancelled' : 'error';
      await sealWithFailure(recorder, branch.id, recorded(failure), status);
      narrate(status === 'cancelled' ? 'Run cancelled; the branch is kept as it was.' : `Agent failed: ${failure.message}`);
      // A cancel is the user's own doing: recorded, but not reported back as a problem.
      return { status, resultBranchId: null, problem: status === 'cancelled' ? undefined : { message: failure.message, fix: failure.fix } };
    }

    const denied = supervisor.outcomes.flatMap((o) => o.denials);
    const verdict = needsRecovery({
      deniedCallIndexes: supervisor.outcomes.map((o, i) => (o.denials.length ? i : -1)).filter((i) => i >= 0),
      toolCalls: supervisor.outcomes.map((o) => ({ ok: o.ok, mutating: o.mutating })),
      turnFailed: false,
      replayInvalid: result.replayInvalid,
    });

    const end = await engine.take(sandbox.spec.workdir, { reason: verdict.recover ? 'forensic' : 'branch end' });
    await recorder.recordSnapshot({ snapshotId: end.id, root: end.root, parentSnapshotId: supervisor.latestSnapshotId, reason: verdict.recover ? 'forensic' : 'branch-end', fileCount: end.fileCount, changedCount: end.changedCount });
    await recorder.appendNode(branch.id, {
      kind: 'checkpoint',
      name: verdict.recover ? 'forensic snapshot of the failed sandbox' : 'result of the branch',
      snapshotId: end.id,
      attributes: { 'nemocognition.checkpoint.reason': verdict.recover ? 'forensic' : 'branch-end', 'nemocognition.checkpoint.files': end.fileCount },
    });

    if (!verdict.recover) {
      await recorder.sealBranch(branch.id, 'completed', result.finalText ? recorder.clipScrubbed(result.finalText, 500) : 'The agent finished its turn.');
      narrate(denied.length ? `The agent got past ${denied.length} denial(s) by itself and finished.` : 'The agent finished. Restore the branch to bring its result into the workspace.');
      return { status: 'completed', resultBranchId: branch.id };
    }

    const reason = `Denied: ${denied.map((d) => `${d.attempted} (${d.source}: ${d.rule})`).join('; ')}`;
    await recorder.sealBranch(branch.id, 'failed', reason);
    narrate(`Branch ${label} failed and is kept as evidence: ${verdict.why}.`);
    if (attempt === opts.maxRecoveries) {
      return {
        status: 'failed',
        resultBranchId: null,
        problem: {
          message: `The agent was stopped by the sandbox policy ${attempt + 1} time(s), and ${opts.maxRecoveries} recovery attempt(s) did not get past it.`,
          fix: 'Open the Replay view to see what was denied; then adjust the task, or allow what it needs in .nemocognition/policy.yaml, and run again.',
        },
      };
    }

    const firstDenied = supervisor.outcomes.find((o) => o.denials.length > 0)!;
    fork = chooseFork(firstDenied, supervisor.outcomes, { ...restart, nodeId: baselineNodeId }, verdict.mode);
    message = buildCorrectionPrompt({
      task: opts.task,
      attempt: attempt + 1,
      maxAttempts: opts.maxRecoveries,
      denied: denied.map<DeniedAction>((d) => ({ tool: d.toolName ?? 'tool', attempted: recorder.scrub(d.attempted), source: sourceLabel(d.source), rule: d.rule, detail: recorder.scrub(d.detail) })),
      startsFrom: fork.startsFrom,
      // The policy actually in force (the recovery sandbox gets the same one).
      ...sandbox.allowed,
    });
    recoveryNote = { prompt: message, why: verdict.why, forkFrom: fork.startsFrom === 'the last good state of the previous attempt' ? 'last-good-node' : fork.startsFrom === 'the original workspace' ? 'baseline' : 'fork-start' };
  }
  return { status: 'failed', resultBranchId: null };
}

/**
 * Why the turn failed, most telling cause first: NemoCognition stopped it
 * (model down, store full), the user cancelled it, every model call failed
 * (the agent's own error would only say "LLM request failed"), or the agent's
 * own failure.
 */
function failureOfTurn(result: AgentTurnResult, signal: AbortSignal, modelFailure: TurnFailure | null): TurnFailure | undefined {
  const stopped = stopCauseOf(signal);
  if (stopped) return stopped;
  if (result.failure?.kind === 'cancelled') return result.failure;
  return modelFailure ?? result.failure;
}

function chooseFork(denied: ToolOutcome, all: ToolOutcome[], restart: Fork, mode: 'restore' | 'retry'): Fork {
  const d = denied.denials[0]!;
  const history = all.slice(0, all.indexOf(denied)).map((o) => o.classification);
  const choice = decideRecovery(denied.classification, d, { history });
  if (choice.forkFrom === 'last-good-node' && mode === 'restore') {
    return { nodeId: denied.preCheckpointNodeId, snapshotId: denied.preSnapshotId, startsFrom: 'the last good state of the previous attempt' };
  }
  return restart;
}

function sourceLabel(source: string): string {
  return source === 'kernel' ? 'the kernel sandbox (Landlock)' : source === 'supervisor' ? 'the NemoCognition supervisor policy' : source;
}
