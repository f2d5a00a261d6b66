/**
 * The branch loop: run the agent on a branch; if a policy denial stopped it,
 * seal that branch as failed evidence (with a forensic snapshot), fork a
 * recovery branch from the baseline (or the last good node) into a fresh
 * sandbox and re-invoke the agent with a correction prompt. Never mutates a
 * sealed branch; a recovery only adds a sibling.
 */
import type { RunStatus } from '../model/types';
import { decideRecovery } from '../policy';
import { correctionPrompt, denialReason, policyGaveUp, endCheckpoint, endFailedTurn, recordRecovery, superviseTurn, type RecoveryNote, type TurnEnv } from './agentTurn';
import type { Problem } from './problems';
import type { ToolOutcome } from './toolSupervision';

export interface BranchLoopInput extends TurnEnv {
  baselineSnapshotId: string;
}

export interface BranchLoopOutcome {
  status: RunStatus;
  resultBranchId: string | null;
  problem?: Problem;
}

interface Fork {
  nodeId: string | null;
  snapshotId: string;
  startsFrom: 'the original workspace' | 'the last good state of the previous attempt';
}

export async function runBranches(input: BranchLoopInput): Promise<BranchLoopOutcome> {
  const { opts, listener, recorder, resources, narrate } = input;
  let fork: Fork = { nodeId: null, snapshotId: input.baselineSnapshotId, startsFrom: 'the original workspace' };
  let message = opts.task;
  let baselineNodeId: string | null = null;
  let recoveryNote: RecoveryNote | null = null;

  for (let attempt = 0; attempt <= opts.maxRecoveries; attempt++) {
    const label = attempt === 0 ? 'main' : `recovery-${attempt}`;
    listener.phase?.(attempt === 0 ? 'agent' : 'recovering', attempt === 0 ? 'Preparing the sandbox' : `Recovery ${attempt}: restoring into a fresh sandbox`);
    const sandbox = await resources.prepareSandbox(label, fork.snapshotId);
    const branch = await recorder.openBranch({ label, agentId: 'main', sandbox: sandbox.displayName, parentNodeId: fork.nodeId });
    if (recoveryNote) await recordRecovery(recorder, branch.id, attempt, recoveryNote, sandbox);
    const start = await recorder.appendNode(branch.id, {
      kind: 'checkpoint',
      name: attempt === 0 ? 'workspace baseline' : `sandbox ${label} from ${fork.startsFrom}`,
      snapshotId: fork.snapshotId,
      attributes: { 'nemocognition.checkpoint.reason': attempt === 0 ? 'baseline' : 'recovery-start' },
    });
    baselineNodeId ??= start.id;
    narrate(attempt === 0 ? `Agent started in sandbox ${sandbox.displayName}` : `Recovery ${attempt}: agent re-invoked in ${sandbox.displayName} with a correction prompt`);

    const turn = await superviseTurn(input, { branchId: branch.id, label, agentId: 'main', sandbox, startSnapshotId: fork.snapshotId, sessionId: `${branch.runId}-${label}`, message });
    if (turn.failure) return { resultBranchId: null, ...(await endFailedTurn(input, branch.id, turn.failure)) };
    const { supervisor, denied, verdict, result } = turn;

    await endCheckpoint(input, { branchId: branch.id, sandbox, parentSnapshotId: supervisor.latestSnapshotId }, {
      reason: verdict.recover ? 'forensic' : 'branch-end',
      name: verdict.recover ? 'forensic snapshot of the failed sandbox' : 'result of the branch',
    });

    if (!verdict.recover) {
      await recorder.sealBranch(branch.id, 'completed', result.finalText ? recorder.clipScrubbed(result.finalText, 500) : 'The agent finished its turn.');
      narrate(denied.length ? `The agent got past ${denied.length} denial(s) by itself and finished.` : 'The agent finished. Restore the branch to bring its result into the workspace.');
      return { status: 'completed', resultBranchId: branch.id };
    }

    await recorder.sealBranch(branch.id, 'failed', denialReason(denied));
    narrate(`Branch ${label} failed and is kept as evidence: ${verdict.why}.`);
    if (attempt === opts.maxRecoveries) return policyGaveUp(`The agent (${attempt + 1} attempt(s))`, opts.maxRecoveries);

    const firstDenied = supervisor.outcomes.find((o) => o.denials.length > 0)!;
    fork = chooseFork(firstDenied, supervisor.outcomes, baselineNodeId!, input.baselineSnapshotId, verdict.mode);
    message = correctionPrompt(input, sandbox, { task: opts.task, attempt: attempt + 1, maxAttempts: opts.maxRecoveries, denied, startsFrom: fork.startsFrom });
    recoveryNote = { prompt: message, why: verdict.why, forkFrom: fork.startsFrom === 'the original workspace' ? 'baseline' : 'last-good-node' };
  }
  return { status: 'failed', resultBranchId: null };
}

function chooseFork(denied: ToolOutcome, all: ToolOutcome[], baselineNodeId: string, baselineSnapshotId: string, mode: 'restore' | 'retry'): Fork {
  const d = denied.denials[0]!;
  const history = all.slice(0, all.indexOf(denied)).map((o) => o.classification);
  const choice = decideRecovery(denied.classification, d, { history });
  if (choice.forkFrom === 'last-good-node' && mode === 'restore') {
    return { nodeId: denied.preCheckpointNodeId, snapshotId: denied.preSnapshotId, startsFrom: 'the last good state of the previous attempt' };
  }
  return { nodeId: baselineNodeId, snapshotId: baselineSnapshotId, startsFrom: 'the original workspace' };
}
