/** The RunSummary of what a recorder holds: what the CLI prints and the editor shows at the end of a run. */
import type { Branch } from '../model/types';
import type { Recorder } from '../recorder/recorder';
import type { RunSummary } from './api';
import { enforcementOf, type BranchEnforcement } from './enforcement';

export function summarise(recorder: Recorder, resultBranchId: string | null, problem?: { message: string; fix: string }): RunSummary {
  const branches: Branch[] = recorder.allBranches();
  const nodes = branches.flatMap((b) => recorder.nodesOf(b.id));
  const enforcement = branches.map((b) => enforcementOf(b.label, recorder.nodesOf(b.id))).filter((e): e is BranchEnforcement => e !== null);
  return {
    run: recorder.currentRun!,
    branches,
    denials: nodes.filter((n) => n.kind === 'policy_decision' && n.attributes['nemocognition.policy.decision'] === 'deny').length,
    // A fork's first node is a recovery node too (why the branch exists); it is not a recovery.
    recoveries: nodes.filter((n) => n.kind === 'recovery' && n.attributes['nemocognition.fork.instruction'] === undefined).length,
    snapshots: nodes.filter((n) => n.kind === 'checkpoint').length,
    toolCalls: nodes.filter((n) => n.kind === 'tool_call').length,
    resultBranchId,
    ...(enforcement.length ? { enforcement } : {}),
    ...(problem ? { problem } : {}),
  };
}
