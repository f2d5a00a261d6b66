/**
 * Spawns one process in its own process group and turns it into an
 * ExecResult: streamed output, a byte cap on stdout, a timeout and an
 * AbortSignal that both end the whole group (SIGTERM, then SIGKILL after a
 * grace period). Shared by the local and the unsandboxed drivers.
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { ExecResult } from '../driver';

export interface RunRequest {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  stdin?: string;
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
  maxStdoutBytes?: number;
  /** Time between SIGTERM and SIGKILL when stopping the process. */
  graceMs?: number;
  /** An extra pipe at this fd number (3) for the launcher's JSON event lines. */
  eventsFd?: number;
  onEventLine?: (line: string) => void;
}

/** Longest event line kept (a longer one is dropped, never buffered without bound). */
const MAX_EVENT_LINE = 64 * 1024;

/** stderr is capped too, so a runaway process cannot exhaust our memory through it. */
const STDERR_CAP = 4 * 1024 * 1024;

class Capture {
  private chunks: Buffer[] = [];
  private size = 0;
  private readonly decoder = new StringDecoder('utf8');
  truncated = false;

  constructor(
    private readonly cap: number,
    private readonly emit?: (text: string) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.truncated) return;
    let part = chunk;
    if (this.size + chunk.length > this.cap) {
      part = chunk.subarray(0, this.cap - this.size);
      this.truncated = true;
    }
    this.chunks.push(part);
    this.size += part.length;
    const text = this.decoder.write(part);
    if (text && this.emit) this.emit(text);
  }

  text(): string {
    const tail = this.decoder.end();
    if (tail && this.emit) this.emit(tail);
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // ESRCH: the group is already gone.
  }
}

export function runProcess(req: RunRequest): Promise<ExecResult> {
  const started = performance.now();
  const graceMs = req.graceMs ?? 2000;
  return new Promise((resolvePromise, rejectPromise) => {
    if (req.signal?.aborted) {
      resolvePromise({ exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false, cancelled: true, truncated: false, durationMs: 0 });
      return;
    }
    if (req.eventsFd !== undefined && req.eventsFd !== 3) throw new Error('runProcess: the events pipe must be fd 3');
    const child = spawn(req.argv[0]!, req.argv.slice(1), {
      cwd: req.cwd,
      env: req.env,
      detached: true, // own process group, so the whole tree can be signalled
      stdio: req.eventsFd === undefined ? ['pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    const events = req.eventsFd === undefined ? null : (child.stdio[3] as NodeJS.ReadableStream | null);
    if (events) {
      let pending = '';
      events.setEncoding('utf8');
      events.on('data', (chunk: string) => {
        pending += chunk;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (line) req.onEventLine?.(line);
        }
        if (pending.length > MAX_EVENT_LINE) pending = '';
      });
      events.on('error', () => {});
    }
    const out = new Capture(req.maxStdoutBytes ?? Number.MAX_SAFE_INTEGER, req.onOutput && ((t) => req.onOutput!('stdout', t)));
    const err = new Capture(STDERR_CAP, req.onOutput && ((t) => req.onOutput!('stderr', t)));
    let timedOut = false;
    let cancelled = false;
    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    let exited = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let closeTimer: NodeJS.Timeout | undefined;

    const stop = () => {
      if (exited || !child.pid) return;
      killGroup(child.pid, 'SIGTERM');
      killTimer ??= setTimeout(() => child.pid && killGroup(child.pid, 'SIGKILL'), graceMs);
    };
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    const timer = req.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, req.timeoutMs)
      : undefined;
    req.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      clearTimeout(closeTimer);
      req.signal?.removeEventListener('abort', onAbort);
      let stderr = err.text();
      if (err.truncated) stderr += '\n[nemocognition: stderr truncated]\n';
      resolvePromise({
        exitCode,
        signal: exitSignal,
        stdout: out.text(),
        stderr,
        timedOut,
        cancelled,
        truncated: out.truncated,
        durationMs: Math.round(performance.now() - started),
      });
    };

    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => {}); // EPIPE when the process does not read its input
    child.stdin.end(req.stdin ?? '');
    child.on('error', (e) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      rejectPromise(e);
    });
    child.on('exit', (code, sig) => {
      exited = true;
      exitCode = code;
      exitSignal = sig;
      // Leftover background processes of the command die with it; otherwise
      // they would hold the pipes open and outlive the sandboxed step.
      if (child.pid) killGroup(child.pid, 'SIGKILL');
      // A process that left our group (setsid) may still hold the pipes: do not wait forever.
      closeTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        (events as unknown as { destroy?: () => void } | null)?.destroy?.();
        finish();
      }, 1000);
    });
    child.on('close', finish);
  });
}
