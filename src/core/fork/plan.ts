/**
 * Plans "fork from here" (pure): from a recorded run and one of its nodes,
 * on any branch, sealed ones included, decides what the new branch starts
 * from and what the agent is told.
 *
 *   const plan = planFork(detail, nodeId, 'Write the note into the workspace instead');
 *   // plan.snapshotId: the sandbox is materialised from it (the workspace as it was right after the node)
 *   // plan.label: "fork-2"; plan.prompt: the structured prompt (original task, history, new instruction)
 *
 * The run itself is resumed and the branch run by core/run/supervisor.ts
 * (forkSupervised), with the recovery machinery of core/run/branchLoop.ts: a
 * fork that is denied is recovered like any branch. Safety: a running run
 * cannot be forked (its owner is still writing), a node without any snapshot
 * before it cannot be forked (nothing to materialise), and the instruction is
 * bounded; the prompt never names a checkpoint.
 */
import type { Branch, Node, Run } from '../model/types';
import { buildForkPrompt, type ForkHistoryStep } from '../recovery/forkPrompt';
import { lineageOf, stepSnapshots } from '../replay/stepState';

export const MAX_INSTRUCTION_CHARS = 4000;

export interface ForkSource {
  run: Run;
  branches: Branch[];
  nodes: Node[];
}

export interface ForkPlan {
  runId: string;
  fromNode: Node;
  fromBranch: Branch;
  /** Snapshot the fork's sandbox is materialised from. */
  snapshotId: string;
  label: string;
  forkNumber: number;
  instruction: string;
  prompt: string;
}

/** A fork that cannot be made, with what to do about it. */
export class ForkRefusedError extends Error {
  constructor(message: string, readonly fix: string) {
    super(message);
    this.name = 'ForkRefusedError';
  }
}

export const FORK_LABEL = /^fork-(\d+)$/;

export function planFork(src: ForkSource, nodeId: string, instructionRaw: string): ForkPlan {
  const instruction = instructionRaw.trim();
  if (!instruction) throw new ForkRefusedError('The fork has no instruction.', 'Write what the agent should do differently from this step.');
  if (instruction.length > MAX_INSTRUCTION_CHARS) {
    throw new ForkRefusedError(`The instruction is ${instruction.length} characters long.`, `Keep it under ${MAX_INSTRUCTION_CHARS} characters.`);
  }
  const fromNode = src.nodes.find((n) => n.id === nodeId);
  if (!fromNode) throw new ForkRefusedError(`Step ${nodeId} is not part of run ${src.run.id}.`, 'Pick a step of the run shown in the Replay view (or `nemocog inspect --json` for ids).');
  const fromBranch = src.branches.find((b) => b.id === fromNode.branchId);
  if (!fromBranch) throw new ForkRefusedError(`The branch of step ${nodeId} is missing from the store.`, 'Pick another step.');
  if (src.run.status === 'running') {
    throw new ForkRefusedError(`Run ${src.run.id} is still running.`, 'Wait for it to end (or cancel it), then fork from any of its steps.');
  }
  const snap = stepSnapshots(src, nodeId).after;
  if (!snap) throw new ForkRefusedError(`No snapshot was recorded at or before "${fromNode.name}".`, 'Pick a later step: one at or after a snapshot.');
  const forkNumber = 1 + Math.max(0, ...src.branches.map((b) => Number(FORK_LABEL.exec(b.label)?.[1] ?? 0)));
  const prompt = buildForkPrompt({
    task: src.run.task,
    forkNumber,
    fromBranch: fromBranch.label,
    fromStep: fromNode.seq + 1,
    history: historyOf(src, nodeId),
    instruction,
  });
  return { runId: src.run.id, fromNode, fromBranch, snapshotId: snap, label: `fork-${forkNumber}`, forkNumber, instruction, prompt };
}

/** The tool calls on the way to the node, each with how it ended (a denial names its rule). */
export function historyOf(src: ForkSource, nodeId: string): ForkHistoryStep[] {
  const lineage = lineageOf(src, nodeId);
  // A denial is recorded after its tool call, so it may come after the node forked from: look at the whole run.
  const deniedBy = new Map<string, string>();
  for (const n of src.nodes) {
    if (n.kind !== 'policy_decision' || n.attributes['nemocognition.policy.decision'] !== 'deny' || !n.parentNodeId) continue;
    const rule = n.attributes['nemocognition.policy.rule'];
    const source = n.attributes['nemocognition.policy.source'];
    deniedBy.set(n.parentNodeId, [source, rule].filter((x) => typeof x === 'string' && x).join(': ') || 'denied by the policy');
  }
  const steps: ForkHistoryStep[] = [];
  for (const n of lineage) {
    if (n.kind !== 'tool_call') continue;
    const denied = deniedBy.get(n.id);
    const outcome: ForkHistoryStep['outcome'] = denied ? 'denied' : n.endTime === null ? 'open' : n.status === 'error' ? 'failed' : 'ok';
    const err = n.attributes['exception.message'];
    steps.push({ what: n.name, outcome, ...(denied ? { detail: denied } : typeof err === 'string' && err ? { detail: err } : {}) });
  }
  return steps;
}
