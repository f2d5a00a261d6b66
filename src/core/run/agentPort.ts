/**
 * The seam between the run orchestrator and the agent runtime: one agent turn
 * in one sandbox. The OpenClaw implementation lives in ./openclawAgent.ts.
 */
import type { EnforcedSandbox, SandboxDriver, SandboxEvent, SandboxSpec } from '../sandbox/driver';

export interface AgentTurnRequest {
  driver: SandboxDriver;
  sandbox: SandboxSpec;
  /** Private: the agent's state, config and home; hidden from its tools. */
  stateDir: string;
  /** HOME of the agent's tools (outside stateDir, which they cannot see). */
  toolHome?: string;
  sessionId: string;
  message: string;
  /** The agent taking this turn when several share the sandbox (default: the single agent "main"). */
  agentId?: string;
  /** Every agent sharing the sandbox (their ids), so each has its own sessions in one agent setup. */
  agents?: string[];
  gateway: { url: string; secret: string; model: string };
  supervisor: { socketPath: string; secret: string } | null;
  reasoning?: 'adaptive' | 'off';
  timeoutMs: number;
  signal?: AbortSignal;
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
  /** What the sandbox reports as it happens: refused network calls, and its attestation. */
  onSandboxEvent?: (event: SandboxEvent) => void;
}

export type AgentFailureKind =
  | 'cancelled'
  | 'timeout'
  | 'killed'
  | 'exit'
  | 'agent-error'
  | 'malformed-envelope'
  | 'too-large-envelope'
  | 'sandbox'
  | 'runtime-missing'
  | 'model'
  | 'store';

/** Why a turn ended without a usable result: what happened, and what the user should do. */
export interface TurnFailure {
  kind: AgentFailureKind;
  message: string;
  fix: string;
}

export interface AgentTurnResult {
  ok: boolean;
  durationMs: number;
  exitCode: number | null;
  /** OpenClaw's `meta.replayInvalid`: the turn had side effects. */
  replayInvalid: boolean;
  stopReason: string | null;
  finalText: string | null;
  /** Envelope fields worth a span (already flattened, unscrubbed: the recorder scrubs). */
  attributes: Record<string, string | number | boolean>;
  failure?: TurnFailure;
  stderrTail: string;
  /** What the sandbox attested it applied, when it can (the local driver always does). */
  enforced?: EnforcedSandbox;
}

export interface AgentPort {
  readonly name: string;
  /** sha256 of the supervisor plugin this agent loads, when it has one: its hello must carry the same. */
  readonly pluginSha256?: string;
  runTurn(req: AgentTurnRequest): Promise<AgentTurnResult>;
}
