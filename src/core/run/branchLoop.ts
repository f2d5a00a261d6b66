/**
 * The branch loop: run the agent on a branch; if a policy denial stopped it,
 * seal that branch as failed evidence (with a forensic snapshot), fork a
 * recovery branch from the baseline (or the last good node) into a fresh
 * sandbox and re-invoke the agent with a correction prompt. Never mutates a
 * sealed branch; a recovery only adds a sibling.
 */
import type { Attributes, RunStatus } from '../model/types';
import { decideRecovery } from '../policy';
import { correctionPrompt, denialReason, policyGaveUp, endCheckpoint, endFailedTurn, recordRecovery, superviseTurn, type RecoveryNote, type TurnEnv } from './agentTurn';
import type { RecoveryHandoff } from './api';
import type { Problem } from './problems';
import type { ToolOutcome } from './toolSupervision';

export interface BranchLoopInput extends TurnEnv {
  baselineSnapshotId: string;
  /** Root tree hash of the baseline (reported in a handoff, so the next sandbox can be checked against it). */
  baselineRoot: string;
  /** Where the first branch starts (default: "main", from the baseline, with the task as its prompt). */
  start?: BranchStart;
  /** Start at a recovery branch of a run begun elsewhere (a NemoClaw recovery sandbox). */
  resume?: ResumePoint;
  /** Hand recovery to the launcher instead of forking here (see SupervisedRunOptions.recoveryHandoff). */
  handoff?: boolean;
}

export interface ResumePoint {
  attempt: number;
  forkNodeId: string;
  message: string;
  why: string;
  restoreCommand?: string;
  attributes?: Record<string, string | boolean>;
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
  status: RunStatus | 'handoff';
  resultBranchId: string | null;
  problem?: Problem;
  handoff?: RecoveryHandoff;
}

export interface Fork {
  nodeId: string | null;
  snapshotId: string;
  startsFrom: 'the original workspace' | 'the last good state of the previous attempt' | 'the step it was forked from';
}

export async function runBranches(input: BranchLoopInput): Promise<BranchLoopOutcome> {
  const { opts, listener, recorder, resources, narrate } = input;
  const start = input.start;
  const resume = input.resume;
  let fork: Fork = start?.fork ?? { nodeId: resume?.forkNodeId ?? null, snapshotId: input.baselineSnapshotId, startsFrom: 'the original workspace' };
  let message = start?.message ?? resume?.message ?? opts.task;
  let baselineNodeId: string | null = resume?.forkNodeId ?? null;
  let recoveryNote: RecoveryNote | null = resume
    ? { prompt: resume.message, why: resume.why, forkFrom: 'baseline', command: resume.restoreCommand, attributes: resume.attributes }
    : null;
  const firstLabel = start?.label ?? 'main';
  // Where a recovery that starts over goes back to: the run's baseline, or where a fork started.
  const restart: Fork = start ? { ...start.fork, startsFrom: 'the step it was forked from' } : fork;

  for (let attempt = resume?.attempt ?? 0; attempt <= opts.maxRecoveries; attempt++) {
    const label = attempt === 0 ? firstLabel : start ? `${firstLabel}-recovery-${attempt}` : `recovery-${attempt}`;
    listener.phase?.(attempt === 0 ? 'preparing' : 'recovering', attempt === 0 ? `Preparing the sandbox for ${label}` : `Recovery ${attempt}: restoring into a fresh sandbox`);
    const sandbox = await resources.prepareSandbox(label, fork.snapshotId);
    const branch = await recorder.openBranch({ label, agentId: 'main', sandbox: sandbox.displayName, parentNodeId: fork.nodeId });
    if (sandbox.folder) listener.sandbox?.({ branchId: branch.id, label, workdir: sandbox.spec.workdir, view: sandbox.folder.view, kind: sandbox.folder.kind });
    if (attempt === 0 && start) await recorder.appendNode(branch.id, { kind: 'recovery', name: start.note.name, attributes: start.note.attributes });
    if (recoveryNote) await recordRecovery(recorder, branch.id, attempt, recoveryNote, sandbox);
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
    // A launcher that forks sandboxes itself (NemoClaw) restores its baseline snapshot: the fork is the baseline.
    fork = input.handoff
      ? { nodeId: baselineNodeId!, snapshotId: input.baselineSnapshotId, startsFrom: 'the original workspace' }
      : chooseFork(firstDenied, supervisor.outcomes, { ...restart, nodeId: baselineNodeId }, verdict.mode);
    message = correctionPrompt(input, sandbox, { task: opts.task, attempt: attempt + 1, maxAttempts: opts.maxRecoveries, denied, startsFrom: fork.startsFrom });
    if (input.handoff) {
      narrate(`Recovery ${attempt + 1} is handed to the launcher, which materialises a fresh sandbox from the baseline.`);
      return {
        status: 'handoff',
        resultBranchId: null,
        handoff: { runId: branch.runId, attempt: attempt + 1, forkNodeId: baselineNodeId!, baselineRoot: input.baselineRoot, message, why: verdict.why },
      };
    }
    recoveryNote = { prompt: message, why: verdict.why, forkFrom: fork.startsFrom === 'the last good state of the previous attempt' ? 'last-good-node' : fork.startsFrom === 'the original workspace' ? 'baseline' : 'fork-start' };
  }
  return { status: 'failed', resultBranchId: null };
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
