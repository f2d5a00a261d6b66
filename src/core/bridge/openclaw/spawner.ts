import { spawn } from 'node:child_process';
import type { ExecOptions, ExecResult, SandboxDriver, SandboxSpec } from '../../sandbox/driver';

/**
 * How the runner starts a process. A sandbox driver wraps the argv (its
 * `exec`); `localSpawner` runs it directly, unsandboxed, for tests of the
 * bridge and for the explicit "no sandbox" opt-out.
 */
export type Spawner = (argv: string[], env: Record<string, string>, opts: ExecOptions) => Promise<ExecResult>;

/** Grace period between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 3000;
const STDERR_KEEP = 256 * 1024;

export function driverSpawner(driver: SandboxDriver, spec: SandboxSpec): Spawner {
  return (argv, env, opts) => driver.exec(spec, argv, { ...opts, env });
}

export const localSpawner: Spawner = (argv, env, opts) =>
  new Promise<ExecResult>((resolve) => {
    const t0 = Date.now();
    let stdout = '';
    let stdoutBytes = 0;
    let stderr = '';
    let truncated = false;
    let timedOut = false;
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let settled = false;

    const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, env, detached: true, stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });

    // The agent starts tool processes of its own: signal the whole group.
    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        try {
          child.kill(sig);
        } catch {
          // already gone
        }
      }
    };
    const stop = () => {
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    };

    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, opts.timeoutMs)
      : undefined;
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });

    const max = opts.maxStdoutBytes ?? Number.POSITIVE_INFINITY;
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      const n = Buffer.byteLength(chunk);
      if (stdoutBytes + n > max) {
        truncated = true;
        const room = Math.max(0, max - stdoutBytes);
        if (room > 0) stdout += Buffer.from(chunk).subarray(0, room).toString('utf8');
        stdoutBytes = max;
      } else {
        stdout += chunk;
        stdoutBytes += n;
      }
      opts.onOutput?.('stdout', chunk);
    });
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.length > STDERR_KEEP * 2) stderr = stderr.slice(-STDERR_KEEP);
      opts.onOutput?.('stderr', chunk);
    });
    if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);

    const finish = (exitCode: number | null, signal: string | null) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      // Tool processes the agent left behind go with it.
      if (timedOut || cancelled) killGroup('SIGKILL');
      resolve({ exitCode, signal, stdout, stderr: stderr.slice(-STDERR_KEEP), timedOut, cancelled, truncated, durationMs: Date.now() - t0 });
    };
    child.on('error', (e) => {
      stderr += `\n${e.message}`;
      finish(null, null);
    });
    child.on('close', (code, sig) => finish(code, sig));
  });
