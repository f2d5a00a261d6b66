/**
 * Two agents taking turns in one shared sandbox: a coder and a reviewer, each
 * a separate OpenClaw agent with its own id and sessions. Every turn is its
 * own branch (so the DAG has a lane per agent); each hand-over is a
 * cross-agent checkpoint, and the next turn's branch forks from it. A denial
 * by either agent seals that turn's branch as evidence and restarts the pair
 * from the last good cross-agent checkpoint in a fresh sandbox, the denied
 * agent first, with a correction prompt.
 */
import { CROSS_AGENT_ATTR, HANDOVER_FROM_ATTR, HANDOVER_TO_ATTR } from '../storyboard/scenes';
import type { PairOptions } from './api';
import { correctionPrompt, denialReason, policyGaveUp, endCheckpoint, endFailedTurn, recordRecovery, superviseTurn, type RecoveryNote, type TurnEnv } from './agentTurn';
import type { BranchLoopOutcome } from './branchLoop';
import { coderFirstTurn, coderFixTurn, reviewApproved, reviewerTurn, type PairRole, type PairTurnPlan } from './pairPrompts';

export interface PairLoopInput extends TurnEnv {
  baselineSnapshotId: string;
  pair: PairOptions;
}

/** Where the pair starts (again): a checkpoint, and the turn that follows it. */
interface RestartPoint {
  /** The cross-agent checkpoint node (null: the run's start, before the first branch). */
  nodeId: string | null;
  snapshotId: string;
  plan: PairTurnPlan;
  /** Turns each role completed before this point. */
  done: Record<PairRole, number>;
}

export async function runPair(input: PairLoopInput): Promise<BranchLoopOutcome> {
  const { opts, listener, recorder, resources, engine, narrate, pair } = input;
  const agentOf = (role: PairRole) => (role === 'coder' ? pair.coder : pair.reviewer);
  const agents = [pair.coder, pair.reviewer];
  let restart: RestartPoint = { nodeId: null, snapshotId: input.baselineSnapshotId, plan: coderFirstTurn(opts.task), done: { coder: 0, reviewer: 0 } };
  let recoveryNote: RecoveryNote | null = null;
  let startNodeId: string | null = null;

  for (let attempt = 0; ; attempt++) {
    const sandboxLabel = attempt === 0 ? 'pair' : `recovery-${attempt}`;
    listener.phase?.(attempt === 0 ? 'preparing' : 'recovering', attempt === 0 ? 'Preparing the shared sandbox' : `Recovery ${attempt}: restoring the last cross-agent checkpoint into a fresh sandbox`);
    const sandbox = await resources.prepareSandbox(sandboxLabel, restart.snapshotId);
    listener.phase?.(attempt === 0 ? 'agent' : 'recovering', `Agents working in ${sandbox.displayName}`);
    let plan = restart.plan;
    const done = { ...restart.done };
    let parentNodeId = restart.nodeId ?? startNodeId;
    let startSnapshotId = restart.snapshotId;
    let message = recoveryNote ? recoveryNote.prompt : plan.message;

    for (let first = true; ; first = false) {
      const agentId = agentOf(plan.role);
      const label = `${attempt ? `recovery-${attempt}/` : ''}${agentId}-${plan.turn}`;
      const branch = await recorder.openBranch({ label, agentId, sandbox: sandbox.displayName, parentNodeId });
      if (first) {
        if (recoveryNote) await recordRecovery(recorder, branch.id, attempt, recoveryNote, sandbox);
        const start = await recorder.appendNode(branch.id, {
          kind: 'checkpoint',
          name: attempt === 0 ? 'workspace baseline' : `sandbox ${sandboxLabel} from the last cross-agent checkpoint`,
          snapshotId: startSnapshotId,
          attributes: { 'nemocognition.checkpoint.reason': attempt === 0 ? 'baseline' : 'recovery-start' },
        });
        startNodeId ??= start.id;
      }
      narrate(`${agentId} takes ${plan.purpose === 'review' ? 'a review' : plan.purpose === 'fix' ? 'a fix' : 'the first'} turn in ${sandbox.displayName}${first && attempt ? ' with a correction prompt' : ''}`);

      const sessionId = `${branch.runId}-${attempt ? `r${attempt}-` : ''}${agentId}`;
      const turn = await superviseTurn(input, { branchId: branch.id, label, agentId, agents, sandbox, startSnapshotId, sessionId, message });
      if (turn.failure) return { resultBranchId: null, ...(await endFailedTurn(input, branch.id, turn.failure)) };
      const { supervisor, denied, verdict, result } = turn;

      if (verdict.recover) {
        await endCheckpoint(input, { branchId: branch.id, sandbox, parentSnapshotId: supervisor.latestSnapshotId }, { reason: 'forensic', name: 'forensic snapshot of the failed sandbox' });
        await recorder.sealBranch(branch.id, 'failed', denialReason(denied));
        narrate(`Branch ${label} failed and is kept as evidence: ${verdict.why}.`);
        if (attempt === opts.maxRecoveries) return policyGaveUp(`The ${plan.role}`, opts.maxRecoveries);
        recoveryNote = {
          prompt: correctionPrompt(input, sandbox, { task: plan.message, attempt: attempt + 1, maxAttempts: opts.maxRecoveries, denied, startsFrom: 'the last good state of the previous attempt' }),
          why: verdict.why,
          forkFrom: restart.nodeId ? 'cross-agent-checkpoint' : 'baseline',
        };
        break;
      }

      const said = result.finalText;
      done[plan.role]++;
      const nextRole: PairRole | null = plan.role === 'coder' ? (done.reviewer < pair.reviewRounds ? 'reviewer' : null) : reviewApproved(said) ? null : 'coder';
      if (!nextRole) {
        await endCheckpoint(input, { branchId: branch.id, sandbox, parentSnapshotId: supervisor.latestSnapshotId }, { reason: 'branch-end', name: 'result of the pair' });
        await recorder.sealBranch(branch.id, 'completed', said ? recorder.clipScrubbed(said, 500) : `${agentId} finished the last turn.`);
        narrate('The pair finished. Restore the last branch to bring its result into the workspace.');
        return { status: 'completed', resultBranchId: branch.id };
      }

      const to = agentOf(nextRole);
      const handover = await endCheckpoint(input, { branchId: branch.id, sandbox, parentSnapshotId: supervisor.latestSnapshotId }, {
        reason: 'handover',
        name: `hand-over: ${agentId} → ${to}`,
        attributes: { [CROSS_AGENT_ATTR]: true, [HANDOVER_FROM_ATTR]: agentId, [HANDOVER_TO_ATTR]: to },
      });
      await recorder.sealBranch(branch.id, 'completed', `${agentId} handed over to ${to}${said ? `: ${recorder.clipScrubbed(said, 400)}` : '.'}`);
      narrate(`${agentId} hands the shared sandbox to ${to} (cross-agent checkpoint).`);

      plan =
        nextRole === 'reviewer'
          ? reviewerTurn(opts.task, done.reviewer + 1, engine.diff(startSnapshotId, handover.snapshotId).map((c) => c.path), said)
          : coderFixTurn(done.coder + 1, said ?? 'The reviewer asked for changes without saying which.');
      restart = { nodeId: handover.nodeId, snapshotId: handover.snapshotId, plan, done: { ...done } };
      parentNodeId = handover.nodeId;
      startSnapshotId = handover.snapshotId;
      message = plan.message;
      recoveryNote = null;
    }
  }
}
