/**
 * How a failure ends a branch: an `error` node saying what happened
 * (exception.type, exception.message) and what to do (nemocognition.fix),
 * then the seal. Every failure goes through here, whether the agent's turn
 * failed or the run stopped before or between turns.
 */
import type { NodeInput, Recorder } from '../recorder/recorder';
import type { AgentFailureKind, TurnFailure } from './agentPort';
import type { Problem } from './problems';

const FIXES: Record<AgentFailureKind, string> = {
  cancelled: 'Nothing to do: the branch is kept as it was when you cancelled.',
  timeout: 'Raise nemocognition.agent.timeoutSeconds, or check that the model endpoint answers (Show Output has its last words).',
  killed: 'Something stopped the agent (out of memory, or a kill). Check the output channel, then run again; the branch keeps what it did.',
  exit: 'Check the agent output in the NemoCognition output channel; a wrong model id or endpoint is the usual cause.',
  'agent-error': 'The agent reported that its turn failed (reason above). Check the model endpoint, model id and API key, then run again.',
  'malformed-envelope': 'The agent did not print a valid result. Check that the pinned OpenClaw version is installed (`nemocog install-runtime`, or NemoCognition: Install Agent Runtime in VS Code).',
  'too-large-envelope': 'The agent printed an oversized result; it was not read. Re-run with a narrower task.',
  sandbox: 'Fix the sandbox problem named above, then run again.',
  'runtime-missing': 'Install the agent runtime: run NemoCognition: Install Agent Runtime in VS Code, or `nemocog install-runtime` (in a checkout, npm run demo installs it).',
  model: 'Check the model endpoint URL, the model id and the API key (NemoCognition: Set API Key), and that the endpoint is up; then run again.',
  store: 'Free disk space where the workspace lives, then run again; what was recorded before is kept.',
};

export function turnFailure(kind: AgentFailureKind, message: string): TurnFailure {
  return { kind, message, fix: FIXES[kind] };
}

/** A failure as recorded: `type` is a failure kind or, for a thrown error, its name. */
export interface RecordedFailure extends Problem {
  type: string;
}

export function recorded(f: TurnFailure): RecordedFailure {
  return { type: f.kind, message: f.message, fix: f.fix };
}

export function errorNode(f: RecordedFailure): NodeInput {
  return {
    kind: 'error',
    name: f.message, // the recorder scrubs, then clips
    status: 'error',
    attributes: { 'exception.type': f.type, 'exception.message': f.message, 'nemocognition.fix': f.fix },
  };
}

/**
 * Once the store failed to record (disk full), a seal or a run end written
 * later would hide the gap before it: they are left to the next writer, which
 * seals what is still open with an error node of its own (./orphans.ts).
 */
export function recordingIntact(recorder: Recorder): boolean {
  return recorder.sinkFailures.length === 0;
}

/** Records the failure on the branch and seals it (cancelled or error). */
export async function sealWithFailure(recorder: Recorder, branchId: string, f: RecordedFailure, status: 'error' | 'cancelled'): Promise<void> {
  await recorder.appendNode(branchId, errorNode(f));
  await recorder.flush();
  if (recordingIntact(recorder)) await recorder.sealBranch(branchId, status, f.message);
}

/**
 * Records a failure that stopped the run outside an agent turn on every open
 * branch. When it came before the first branch opened (the sandbox or the
 * agent runtime is missing), the main branch is opened to hold it, marked as
 * never started: a run never ends with zero branches.
 */
export async function recordRunFailure(recorder: Recorder, f: RecordedFailure, status: 'error' | 'cancelled', driver: string): Promise<void> {
  const all = recorder.allBranches();
  const open = all.length ? all.filter((b) => b.status === 'open') : [await recorder.openBranch({ label: 'main', agentId: 'main', sandbox: `${driver}:not started`, parentNodeId: null })];
  for (const b of open) await sealWithFailure(recorder, b.id, f, status);
}
