/**
 * Where a host-side CLI (nemoclaw, openshell, ssh) runs: here, or on another
 * host through an SshTransport. Drivers take a HostRunner so that the same
 * driver code works locally and remotely.
 */
import type { ExecOptions, ExecResult } from '../driver';
import { runProcess, SpawnError } from './run-process';
import type { SshTransport } from './transport';

export interface HostRunner {
  /** For messages: "this machine" or "ssh host <alias>". */
  readonly where: string;
  readonly remote: boolean;
  /** Runs argv (no shell). A missing program resolves with exit code 127, as a shell would report it. */
  run(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
}

export class LocalRunner implements HostRunner {
  readonly where = 'this machine';
  readonly remote = false;
  constructor(private readonly baseEnv: NodeJS.ProcessEnv = process.env) {}

  async run(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const [cmd, ...args] = argv;
    if (!cmd) throw new Error('run needs a command: argv is empty.');
    const started = Date.now();
    try {
      return await runProcess(cmd, args, {
        cwd: opts.cwd,
        env: { ...this.baseEnv, ...opts.env },
        stdin: opts.stdin,
        timeoutMs: opts.timeoutMs,
        signal: opts.signal,
        onOutput: opts.onOutput,
        maxStdoutBytes: opts.maxStdoutBytes,
      }).result;
    } catch (err) {
      if (err instanceof SpawnError && (err.code === 'ENOENT' || err.code === 'EACCES')) {
        return {
          exitCode: 127,
          signal: null,
          stdout: '',
          stderr: `${cmd}: command not found`,
          timedOut: false,
          cancelled: false,
          truncated: false,
          durationMs: Date.now() - started,
        };
      }
      throw err;
    }
  }
}

export class SshRunner implements HostRunner {
  readonly remote = true;
  constructor(public readonly transport: SshTransport) {}

  get where(): string {
    return `ssh host "${this.transport.host}"`;
  }

  run(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.transport.exec(argv, opts);
  }
}
