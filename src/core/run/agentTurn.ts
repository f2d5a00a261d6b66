/**
 * One supervised agent turn on one branch, shared by the single-agent branch
 * loop and the two-agent pair: bind the supervisor channel and the model
 * router to the branch, run the agent in its sandbox, close what it left
 * open, record its AGENT span, and say whether a denial stopped it. Also the
 * pieces both loops end a branch with: the end checkpoint, the sealing of a
 * failed turn, and the correction prompt.
 */
import type { GatewayHandle } from '../gateway/types';
import type { Attributes } from '../model/types';
import type { PolicyDecision } from '../policy/types';
import type { Recorder } from '../recorder/recorder';
import { buildCorrectionPrompt, needsRecovery, type DeniedAction, type RecoveryVerdict } from '../recovery';
import type { CorrectionInput } from '../recovery/correctionPrompt';
import type { SnapshotEngine } from '../snapshots/engine';
import type { AgentTurnResult, TurnFailure } from './agentPort';
import type { RunListener, SupervisedRunOptions } from './api';
import type { BranchContext } from './branchContext';
import { recorded, sealWithFailure } from './failures';
import type { ModelCallRouter } from './modelCalls';
import type { Problem } from './problems';
import type { PreparedSandbox, RunResources } from './resources';
import { stopCauseOf, stoppable } from './stop';
import { enforcementAttributes, supervisionAttributes } from './enforcement';
import { BranchSupervision } from './supervisionMode';
import { ToolSupervisor } from './toolSupervision';
import { turnAttributes } from './turnAttributes';

/** What every turn needs from the run (the branch loop's and the pair's input). */
export interface TurnEnv {
  opts: SupervisedRunOptions;
  listener: RunListener;
  recorder: Recorder;
  engine: SnapshotEngine;
  router: ModelCallRouter;
  resources: RunResources;
  gateway: GatewayHandle;
  narrate(text: string): void;
}

export interface TurnSpec {
  branchId: string;
  label: string;
  /** The agent's id (OpenClaw `--agent`); `main` for a single-agent run. */
  agentId: string;
  /** Every agent of the run, when there are several: they share the OpenClaw config. */
  agents?: string[];
  sandbox: PreparedSandbox;
  /** Snapshot the sandbox held when the turn started. */
  startSnapshotId: string;
  sessionId: string;
  message: string;
}

export type Denial = PolicyDecision & { attempted: string };

export interface SupervisedTurn {
  result: AgentTurnResult;
  /** Set when the turn ended without a usable result. */
  failure?: TurnFailure;
  supervisor: ToolSupervisor;
  denied: Denial[];
  /** Whether a denial stopped the agent (only meaningful without a failure). */
  verdict: RecoveryVerdict;
}

export async function superviseTurn(env: TurnEnv, t: TurnSpec): Promise<SupervisedTurn> {
  const { opts, listener, recorder, engine, router, resources, gateway, narrate } = env;
  const ctx: BranchContext = {
    recorder,
    engine,
    listener,
    branchId: t.branchId,
    workdir: t.sandbox.spec.workdir,
    home: t.sandbox.home,
    // The local sandbox hides the agent's own folder from its tools (see sandbox/local/toolSandbox.ts).
    ...(resources.driver.kind === 'local' ? { agentState: t.sandbox.stateDir } : {}),
    policy: t.sandbox.spec.policy,
    startSnapshotId: t.startSnapshotId,
    narrate,
  };
  const supervisor = new ToolSupervisor(ctx, resources.toolPolicy(t.sandbox));
  const supervision = new BranchSupervision(resources.agent.pluginSha256 ?? null);
  const channel = resources.channel.bind(
    t.branchId,
    {
      before: (req) => supervisor.before(req),
      after: (res) => supervisor.after(res),
    },
    supervision,
  );
  const turn = stoppable(opts.signal);
  const modelDown = (f: TurnFailure) => {
    narrate(`Stopping the agent: ${f.message}`);
    turn.stop(f);
  };
  let warned = false;
  const gatewayOnly = (reason: string) => {
    if (warned) return;
    warned = true;
    const text = `WARNING: the supervisor plugin did not load on branch ${t.label} (${reason}). Supervision is gateway-only: every tool call is held at the model gateway, snapshotted and decided there, and refused if that fails.`;
    narrate(text);
    listener.warning?.(text);
  };
  router.startTurn({ branchId: t.branchId, supervisor, supervision, gatewayOnly, modelDown });

  const turnStart = Date.now();
  const result = await resources.agent.runTurn({
    driver: resources.driver,
    sandbox: t.sandbox.spec,
    stateDir: t.sandbox.stateDir,
    sessionId: t.sessionId,
    message: t.message,
    ...(t.agentId !== 'main' || t.agents ? { agentId: t.agentId, agents: t.agents ?? [t.agentId] } : {}),
    gateway: { url: gateway.url, secret: gateway.secret, model: 'supervised' },
    supervisor: channel.endpoint,
    reasoning: opts.model.reasoning,
    timeoutMs: opts.timeoutMs,
    signal: turn.signal,
    onOutput: (stream, chunk) => (stream === 'stderr' ? resources.log(chunk) : undefined),
    ...(t.sandbox.home ? { toolHome: t.sandbox.home } : {}),
    onSandboxEvent: (e) => {
      if (e.type === 'net') void supervisor.onNetworkRefusal(e);
    },
  });
  const failure = failureOfTurn(result, turn.signal, router.modelFailure(router.endTurn()));
  await supervisor.abandonOpen(failure ? failure.message : 'the agent did not report the result');
  channel.close();
  if (supervision.finalMode() === 'gateway-only') gatewayOnly(supervision.reason);

  await recorder.appendNode(t.branchId, {
    kind: 'agent_turn',
    name: `openclaw agent turn (${t.label})${failure ? `: ${failure.kind}` : ''}`,
    startTime: turnStart,
    endTime: Date.now(),
    status: failure ? 'error' : 'ok',
    attributes: {
      ...turnAttributes(result, supervisor.outcomes.length, (x) => recorder.scrub(x)),
      ...enforcementAttributes(result.enforced, resources.driverInfo),
      ...supervisionAttributes(supervision),
      ...(t.agentId !== 'main' ? { 'nemocognition.agent.id': t.agentId, 'openclaw.agent_id': t.agentId } : {}),
    },
  });

  const denied = supervisor.outcomes.flatMap((o) => o.denials);
  const verdict = needsRecovery({
    deniedCallIndexes: supervisor.outcomes.map((o, i) => (o.denials.length ? i : -1)).filter((i) => i >= 0),
    toolCalls: supervisor.outcomes.map((o) => ({ ok: o.ok, mutating: o.mutating })),
    turnFailed: false,
    replayInvalid: result.replayInvalid,
  });
  return { result, ...(failure ? { failure } : {}), supervisor, denied, verdict };
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

/** Seals the branch of a failed turn; a cancel is recorded but not reported back as a problem. */
export async function endFailedTurn(env: TurnEnv, branchId: string, failure: TurnFailure): Promise<{ status: 'error' | 'cancelled'; problem?: Problem }> {
  const status = failure.kind === 'cancelled' ? 'cancelled' : 'error';
  await sealWithFailure(env.recorder, branchId, recorded(failure), status);
  env.narrate(status === 'cancelled' ? 'Run cancelled; the branch is kept as it was.' : `Agent failed: ${failure.message}`);
  return status === 'cancelled' ? { status } : { status, problem: { message: failure.message, fix: failure.fix } };
}

/** Snapshots the sandbox at the end of a turn and records it as a checkpoint node. */
export async function endCheckpoint(
  env: TurnEnv,
  t: { branchId: string; sandbox: PreparedSandbox; parentSnapshotId: string },
  c: { reason: string; name: string; attributes?: Attributes },
): Promise<{ nodeId: string; snapshotId: string }> {
  const end = await env.engine.take(t.sandbox.spec.workdir, { reason: c.reason === 'forensic' ? 'forensic' : c.reason === 'handover' ? 'cross-agent handover' : 'branch end' });
  await env.recorder.recordSnapshot({ snapshotId: end.id, root: end.root, parentSnapshotId: t.parentSnapshotId, reason: c.reason, fileCount: end.fileCount, changedCount: end.changedCount });
  const node = await env.recorder.appendNode(t.branchId, {
    kind: 'checkpoint',
    name: c.name,
    snapshotId: end.id,
    attributes: { 'nemocognition.checkpoint.reason': c.reason, 'nemocognition.checkpoint.files': end.fileCount, ...(c.attributes ?? {}) },
  });
  return { nodeId: node.id, snapshotId: end.id };
}

/** Why a recovery branch exists: recorded as its first node. */
export interface RecoveryNote {
  prompt: string;
  why: string;
  /** `baseline`, `last-good-node` or, for agents taking turns, `cross-agent-checkpoint`. */
  forkFrom: string;
  /** The command that materialised the sandbox, when a launcher ran it elsewhere (NemoClaw). */
  command?: string;
  /** Extra attributes (e.g. the forensic snapshot of the failed sandbox). */
  attributes?: Record<string, string | boolean>;
}

export async function recordRecovery(recorder: Recorder, branchId: string, attempt: number, note: RecoveryNote, sandbox: PreparedSandbox): Promise<void> {
  await recorder.appendNode(branchId, {
    kind: 'recovery',
    name: `recovery ${attempt}: fork from ${note.forkFrom}`,
    attributes: {
      'nemocognition.recovery.attempt': attempt,
      'nemocognition.recovery.fork_from': note.forkFrom,
      'nemocognition.recovery.reason': note.why,
      'nemocognition.recovery.prompt': note.prompt,
      'nemocognition.recovery.sandbox': sandbox.displayName,
      ...((note.command ?? sandbox.restoreCommand) ? { 'nemocognition.recovery.command': (note.command ?? sandbox.restoreCommand)! } : {}),
      ...(note.attributes ?? {}),
    },
  });
}

/** The run's end when recoveries ran out: what happened and what to do. */
export function policyGaveUp(who: string, maxRecoveries: number): { status: 'failed'; resultBranchId: null; problem: Problem } {
  return {
    status: 'failed',
    resultBranchId: null,
    problem: {
      message: `${who} was stopped by the sandbox policy, and ${maxRecoveries} recovery attempt(s) did not get past it.`,
      fix: 'Open the Replay view to see what was denied; then adjust the task, or allow what it needs in .nemocognition/policy.yaml, and run again.',
    },
  };
}

/** "Denied: <what> (<source>: <rule>); ..." for a failed branch's seal. */
export function denialReason(denied: Denial[]): string {
  return `Denied: ${denied.map((d) => `${d.attempted} (${d.source}: ${d.rule})`).join('; ')}`;
}

/** The correction prompt of a recovery: the denials (scrubbed), where the sandbox starts from, and what the policy in force allows. */
export function correctionPrompt(
  env: Pick<TurnEnv, 'recorder'>,
  sandbox: PreparedSandbox,
  p: { task: string; attempt: number; maxAttempts: number; denied: Denial[]; startsFrom: CorrectionInput['startsFrom'] },
): string {
  const scrub = (t: string) => env.recorder.scrub(t);
  return buildCorrectionPrompt({
    task: p.task,
    attempt: p.attempt,
    maxAttempts: p.maxAttempts,
    denied: p.denied.map<DeniedAction>((d) => ({ tool: d.toolName ?? 'tool', attempted: scrub(d.attempted), source: sourceLabel(d.source), rule: d.rule, detail: scrub(d.detail) })),
    startsFrom: p.startsFrom,
    // The policy actually in force (the recovery sandbox gets the same one).
    ...sandbox.allowed,
  });
}

function sourceLabel(source: string): string {
  return source === 'kernel' ? 'the kernel sandbox' : source === 'supervisor' ? 'the NemoCognition supervisor policy' : source;
}
