/**
 * The seam between the run orchestrator and the agent runtime: one agent turn
 * in one sandbox. The OpenClaw implementation lives in ./openclawAgent.ts.
 */
import type { SandboxDriver, SandboxSpec } from '../sandbox/driver';

export interface AgentTurnRequest {
  driver: SandboxDriver;
  sandbox: SandboxSpec;
  /** Private, writable: the agent's state, config and home. */
  stateDir: string;
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
}

export interface AgentPort {
  readonly name: string;
  runTurn(req: AgentTurnRequest): Promise<AgentTurnResult>;
}
