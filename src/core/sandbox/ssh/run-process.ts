/**
 * Runs one local process with the ExecOptions semantics of the sandbox
 * contract: streaming callbacks, a stdout cap, a timeout and cancellation.
 * Shared by the SSH transport (the process is `ssh`) and by the NemoClaw
 * driver (the process is `nemoclaw` or `openshell`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { ExecResult } from '../driver';

export interface RunProcessOptions {
  cwd?: string;
  /** Complete environment of the child (not merged here). */
  env?: NodeJS.ProcessEnv;
  stdin?: string | Buffer;
  timeoutMs?: number;
  signal?: AbortSignal;
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
  maxStdoutBytes?: number;
  /** Rewrites stderr before it is captured and streamed (e.g. strip a marker line). */
  stderrFilter?: (chunk: string) => string;
  /** Runs before the child is killed on timeout or cancel (e.g. kill the remote side first). */
  beforeKill?: (reason: 'timeout' | 'cancel') => Promise<void>;
  /** Grace period between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

export interface RunningProcess {
  child: ChildProcess;
  result: Promise<ExecResult>;
}

export class SpawnError extends Error {
  constructor(
    public readonly command: string,
    public readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'SpawnError';
  }
}

export function runProcess(command: string, args: readonly string[], opts: RunProcessOptions = {}): RunningProcess {
  const started = Date.now();
  const child = spawn(command, [...args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const result = new Promise<ExecResult>((resolve, reject) => {
    let stdout = '';
    let stdoutBytes = 0;
    let truncated = false;
    let stderr = '';
    let timedOut = false;
    let cancelled = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;

    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      opts.onOutput?.('stdout', chunk);
      if (truncated) return;
      const bytes = Buffer.byteLength(chunk);
      const cap = opts.maxStdoutBytes;
      if (cap !== undefined && stdoutBytes + bytes > cap) {
        const room = Math.max(0, cap - stdoutBytes);
        stdout += Buffer.from(chunk).subarray(0, room).toString('utf8');
        stdoutBytes = cap;
        truncated = true;
        return;
      }
      stdout += chunk;
      stdoutBytes += bytes;
    });
    child.stderr!.on('data', (raw: string) => {
      const chunk = opts.stderrFilter ? opts.stderrFilter(raw) : raw;
      if (!chunk) return;
      stderr += chunk;
      opts.onOutput?.('stderr', chunk);
    });
    // A child that exits before reading stdin makes the write fail with EPIPE; that is not our error.
    child.stdin!.on('error', () => undefined);
    if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
    else child.stdin!.end();

    const stop = async (reason: 'timeout' | 'cancel'): Promise<void> => {
      if (settled || child.exitCode !== null) return;
      if (reason === 'timeout') timedOut = true;
      else cancelled = true;
      try {
        await opts.beforeKill?.(reason);
      } catch {
        // Best effort: the local kill below still happens.
      }
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }, opts.killGraceMs ?? 2000);
      killTimer.unref();
    };

    const timer =
      opts.timeoutMs !== undefined && opts.timeoutMs > 0 ? setTimeout(() => void stop('timeout'), opts.timeoutMs) : undefined;
    const onAbort = (): void => void stop('cancel');
    if (opts.signal) {
      if (opts.signal.aborted) queueMicrotask(onAbort);
      else opts.signal.addEventListener('abort', onAbort, { once: true });
    }
    const cleanup = (): void => {
      settled = true;
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
    };

    child.once('error', (err: NodeJS.ErrnoException) => {
      cleanup();
      reject(new SpawnError(command, err.code, `Could not start ${command}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      cleanup();
      resolve({
        exitCode: code,
        signal: signal ?? null,
        stdout,
        stderr,
        timedOut,
        cancelled,
        truncated,
        durationMs: Date.now() - started,
      });
    });
  });
  return { child, result };
}
