import { constants } from 'node:os';
import type { EnforcedSandbox, ExecOptions } from '../../sandbox/driver';
import type { AgentCommand } from './command';
import { DEFAULT_MAX_ENVELOPE_BYTES, EnvelopeError, parseEnvelope, type AgentEnvelope } from './envelope';
import { localSpawner, type Spawner } from './spawner';

/**
 * Runs one `openclaw agent` turn and turns its outcome into either a parsed
 * envelope or a typed error. Cancellation (AbortSignal) and the timeout both
 * stop the whole process group: SIGTERM, then SIGKILL after a grace period.
 */

export type AgentTurnErrorKind = 'cancelled' | 'timed-out' | 'killed' | 'failed' | 'spawn-failed' | 'malformed-envelope';

export class AgentTurnError extends Error {
  constructor(
    public readonly kind: AgentTurnErrorKind,
    message: string,
    public readonly details: { exitCode: number | null; signal: string | null; stderrTail: string; durationMs: number; envelopeError?: EnvelopeError; enforced?: EnforcedSandbox },
  ) {
    super(message);
    this.name = 'AgentTurnError';
  }
}

export interface AgentTurnResult {
  envelope: AgentEnvelope;
  exitCode: number | null;
  stderrTail: string;
  durationMs: number;
  /** What the sandbox attested it applied (sandbox drivers that attest). */
  enforced?: EnforcedSandbox;
}

export interface RunAgentTurnOptions {
  command: AgentCommand;
  spawner?: Spawner;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Cap on stdout (and so on the envelope); default 10 MB. */
  maxEnvelopeBytes?: number;
  /** Live stderr/stdout, e.g. for narration (untrusted text). */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
  /** Paths the agent process must be able to write besides its workspace (passed to sandbox drivers). */
  extraReadWrite?: string[];
  /** Passed to sandbox drivers as they are: read-only paths, the tools' nested sandbox, sandbox events. */
  sandbox?: Pick<ExecOptions, 'extraReadOnly' | 'toolSandbox' | 'onSandboxEvent'>;
}

export const DEFAULT_TURN_TIMEOUT_MS = 10 * 60_000;
const TAIL_CHARS = 8 * 1024;

export async function runAgentTurn(opts: RunAgentTurnOptions): Promise<AgentTurnResult> {
  const spawner = opts.spawner ?? localSpawner;
  const maxBytes = opts.maxEnvelopeBytes ?? DEFAULT_MAX_ENVELOPE_BYTES;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TURN_TIMEOUT_MS;
  let res;
  try {
    res = await spawner(opts.command.argv, opts.command.env, {
      cwd: opts.command.cwd,
      env: opts.command.env,
      timeoutMs,
      signal: opts.signal,
      onOutput: opts.onOutput,
      // One byte over the cap is enough to know it was too large.
      maxStdoutBytes: maxBytes + 1,
      extraReadWrite: opts.extraReadWrite,
      ...opts.sandbox,
    });
  } catch (e) {
    throw new AgentTurnError('spawn-failed', `The agent could not be started (${(e as Error).message}). Check the agent runtime installation (node .ci/install-agent-runtime.mjs).`, {
      exitCode: null,
      signal: null,
      stderrTail: '',
      durationMs: 0,
    });
  }
  const details = { exitCode: res.exitCode, signal: res.signal, stderrTail: res.stderr.slice(-TAIL_CHARS), durationMs: res.durationMs, ...(res.enforced ? { enforced: res.enforced } : {}) };
  if (res.cancelled) throw new AgentTurnError('cancelled', 'The agent run was cancelled; the agent process was stopped.', details);
  if (res.timedOut) throw new AgentTurnError('timed-out', `The agent did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped. Raise the timeout or check that the model endpoint answers.`, details);
  if (res.truncated) {
    const envelopeError = new EnvelopeError('too-large', `The agent printed more than ${maxBytes} bytes on stdout; its result was not read.`);
    throw new AgentTurnError('malformed-envelope', envelopeError.message, { ...details, envelopeError });
  }
  if (res.exitCode === null && !res.signal) {
    throw new AgentTurnError('spawn-failed', `The agent could not be started (${lastLine(res.stderr) || 'no exit status'}). Check the agent runtime installation (node .ci/install-agent-runtime.mjs).`, details);
  }
  if (res.exitCode === null && res.signal) {
    throw new AgentTurnError('killed', `The agent process was killed by ${res.signal} before it finished. See the agent's stderr for the cause.`, details);
  }
  let envelope: AgentEnvelope;
  try {
    envelope = parseEnvelope(res.stdout, { maxBytes });
  } catch (e) {
    if (!(e instanceof EnvelopeError)) throw e;
    const viaShell = signalOfExitStatus(res.exitCode);
    if (viaShell) {
      // A wrapper (a shell, bubblewrap) reports its child's death by signal n as exit status 128 + n.
      throw new AgentTurnError('killed', `The agent process was killed by ${viaShell} (exit status ${res.exitCode}) before it finished. See the agent's stderr for the cause.`, { ...details, signal: viaShell, envelopeError: e });
    }
    if (res.exitCode !== 0) {
      throw new AgentTurnError('failed', `The agent exited with code ${res.exitCode} without a result. Last error output: ${lastLine(res.stderr) || '(none)'}`, { ...details, envelopeError: e });
    }
    throw new AgentTurnError('malformed-envelope', e.message, { ...details, envelopeError: e });
  }
  return { envelope, exitCode: res.exitCode, stderrTail: details.stderrTail, durationMs: res.durationMs, ...(res.enforced ? { enforced: res.enforced } : {}) };
}

function signalOfExitStatus(code: number | null): string | null {
  if (code === null || code <= 128 || code > 128 + 64) return null;
  return Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0] ?? null;
}

/** The most telling stderr line: OpenClaw's "Reason: ..." when it printed one, else the last line. */
function lastLine(s: string): string {
  const lines = s.trim().split('\n');
  const reason = lines.find((l) => /^\[openclaw\] Reason: /.test(l));
  return (reason ?? lines[lines.length - 1] ?? '').slice(0, 300);
}
