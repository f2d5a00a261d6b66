/**
 * SSH transport over the real OpenSSH client (`ssh`), the same client and
 * config files VS Code's Remote-SSH uses: host aliases come from
 * ~/.ssh/config, or from an explicit config file (-F) such as the one
 * `openshell sandbox ssh-config <name>` prints.
 *
 * One connection is shared by every command: a ControlMaster socket in a
 * private 0700 folder, kept alive by ControlPersist, so only the first
 * command pays for the handshake.
 *
 * Cancellation and timeouts. Commands run without a pty (-T), and sshd sends
 * no SIGHUP to a pty-less session when the client goes away: the remote
 * process would only notice when it next writes (SIGPIPE) or reads stdin
 * (EOF). So every command first reports its pid on stderr (a marker line the
 * transport strips), and cancel/timeout first sends SIGTERM (then SIGKILL
 * after 1 s) to that remote process group through the shared connection, then
 * kills the local ssh client. If the connection itself is gone, only the
 * SIGPIPE/EOF path remains: that case is reported as a dropped connection.
 *
 * Exit status. ssh exits 255 for its own failures, which a remote exit 255
 * or a remote death by signal cannot be told apart from. So the remote shell
 * runs the command as its child and reports the status in a trailer on stderr
 * (stripped here): with a trailer, the code is the command's (128+N is
 * reported as signal N, as shells do); without one, ssh's 255 plus its
 * message, or a dead master connection, means the connection failed.
 *
 * Requirements on the remote: a POSIX login shell, `env`, `ps`, `kill`, and
 * `tar` for file transfer.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExecOptions, ExecResult } from '../driver';
import { classifySshStderr, droppedError, notInstalledError, SshError, type SshTarget } from './errors';
import { assertHostAlias } from './hostAlias';
import { shellJoin, shellQuote, assertEnvName } from './quote';
import { runProcess, SpawnError } from './run-process';

export interface SshTransportOptions {
  /** Host alias (from ~/.ssh/config or `configFile`) or `user@host`; anything else is refused (see hostAlias.ts). */
  host: string;
  /** Explicit ssh config (-F); without it ssh reads ~/.ssh/config as usual. */
  configFile?: string;
  /** OpenSSH client binary; default `ssh` from PATH. */
  sshPath?: string;
  connectTimeoutSec?: number;
  /** How long the shared connection stays up after the last command. */
  controlPersistSec?: number;
  /** Extra `-o Key=Value` options. */
  options?: string[];
  /** Environment of the local ssh processes (HOME decides which ~/.ssh is read). */
  env?: NodeJS.ProcessEnv;
}

const PID_MARKER = '__nc_remote_pid=';
const STATUS_MARKER = 'nc_remote_status=';

export class SshTransport {
  readonly host: string;
  readonly configFile: string | undefined;
  readonly sshPath: string;
  /** Private folder (0700) holding the ControlMaster socket. */
  readonly controlDir: string;
  readonly controlPath: string;
  private readonly opts: SshTransportOptions;
  private connecting: Promise<void> | undefined;
  private closed = false;
  private readonly forwards = new Map<number, string>();

  constructor(opts: SshTransportOptions) {
    this.opts = opts;
    // The host may come from a workspace setting: never let it become an ssh option.
    this.host = assertHostAlias(opts.host);
    this.configFile = opts.configFile;
    this.sshPath = opts.sshPath ?? 'ssh';
    // Unix socket paths are limited to ~107 bytes: keep the folder short.
    this.controlDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-ssh-'));
    fs.chmodSync(this.controlDir, 0o700);
    this.controlPath = path.join(this.controlDir, 'cm');
  }

  get target(): SshTarget {
    return { host: this.host, configFile: this.configFile };
  }

  /** Arguments every ssh invocation shares (config, multiplexing, timeouts). */
  baseArgs(): string[] {
    const o = (kv: string): string[] => ['-o', kv];
    return [
      ...(this.configFile ? ['-F', this.configFile] : []),
      ...o('ControlMaster=auto'),
      ...o(`ControlPath=${this.controlPath}`),
      ...o(`ControlPersist=${this.opts.controlPersistSec ?? 600}`),
      ...o('BatchMode=yes'),
      ...o(`ConnectTimeout=${this.opts.connectTimeoutSec ?? 10}`),
      ...o('ServerAliveInterval=5'),
      ...o('ServerAliveCountMax=3'),
      ...(this.opts.options ?? []).flatMap(o),
    ];
  }

  /** Opens the shared connection (idempotent). Throws SshError when it cannot. */
  async connect(): Promise<void> {
    if (this.closed) throw new Error('This SSH transport was closed; create a new one.');
    // A stale socket is fine: with ControlMaster=auto the next ssh replaces it.
    if (fs.existsSync(this.controlPath)) return;
    if (!this.connecting) {
      this.connecting = this.openMaster().finally(() => {
        this.connecting = undefined;
      });
    }
    return this.connecting;
  }

  private async openMaster(): Promise<void> {
    // -f: go to the background once authenticated, so the exit code tells us whether connecting worked.
    const args = [...this.baseArgs(), '-o', 'ControlMaster=yes', '-N', '-f', '-T', '--', this.host];
    const { code, stderr } = await this.spawnUntilExit(args);
    if (code === 0) return;
    throw (
      classifySshStderr(stderr, this.target) ??
      new SshError(
        'unknown',
        `Could not open an SSH connection to "${this.host}" (ssh exited with ${code}).`,
        `Run \`ssh${this.configFile ? ` -F ${this.configFile}` : ''} ${this.host} true\` to see what fails.`,
        stderr.trim(),
      )
    );
  }

  /** True when the shared connection answers `ssh -O check`. */
  async isConnected(): Promise<boolean> {
    if (!fs.existsSync(this.controlPath)) return false;
    const { code } = await this.spawnUntilExit([...this.baseArgs(), '-O', 'check', '--', this.host]);
    return code === 0;
  }

  /** Pid of the local master ssh process, or undefined when there is none. */
  async masterPid(): Promise<number | undefined> {
    if (!fs.existsSync(this.controlPath)) return undefined;
    const { code, stderr } = await this.spawnUntilExit([...this.baseArgs(), '-O', 'check', '--', this.host]);
    const m = /pid=(\d+)/.exec(stderr);
    return code === 0 && m ? Number(m[1]) : undefined;
  }

  /**
   * Runs `argv` on the remote host (quoted for the remote shell, so spaces,
   * quotes, `$` and newlines arrive unchanged). Resolves with the remote exit
   * code; throws SshError when the connection fails or drops.
   */
  async exec(argv: readonly string[], opts: RemoteExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) throw new Error('exec needs a command: argv is empty.');
    return this.execScript(commandScript(argv, opts), opts);
  }

  /** Runs a POSIX shell script on the remote host, with the same guarantees as exec. */
  async execScript(script: string, opts: ExecOptions = {}): Promise<ExecResult> {
    await this.connect();
    let remotePid: number | undefined;
    let remoteStatus: number | undefined;
    const filter = new MarkerFilter(
      (pid) => (remotePid = pid),
      (status) => (remoteStatus = status),
    );
    // The script runs as a child of the remote shell, which then reports its status in a trailer:
    // ssh's own exit code 255 is ambiguous (ssh failure, remote exit 255, or remote death by signal).
    const wrapped = [
      `printf '%s\\n' "${PID_MARKER}$$" >&2`,
      script,
      '__nc_s=$?',
      `printf '\\036${STATUS_MARKER}%s\\036' "$__nc_s" >&2`,
      'exit "$__nc_s"',
    ].join('\n');
    // `ssh -T -F <config> <host> <command>`, plus -o options for reuse and liveness.
    const running = runProcess(this.sshPath, ['-T', ...this.baseArgs(), '--', this.host, wrapped], {
      env: this.opts.env,
      stdin: opts.stdin,
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      onOutput: opts.onOutput,
      maxStdoutBytes: opts.maxStdoutBytes,
      stderrFilter: (c) => filter.push(c),
      beforeKill: async () => {
        if (remotePid !== undefined) await this.killRemote(remotePid);
      },
    });
    let result: ExecResult;
    try {
      result = await running.result;
    } catch (err) {
      throw this.mapSpawnError(err);
    }
    const rest = filter.flush();
    if (rest) {
      result.stderr += rest;
      opts.onOutput?.('stderr', rest);
    }
    if (result.cancelled || result.timedOut) return result;
    if (remoteStatus !== undefined) return withRemoteStatus(result, remoteStatus);
    if (result.exitCode === 255) {
      const classified = classifySshStderr(result.stderr, this.target);
      if (classified) throw classified;
      // No status trailer: the remote shell never finished. Either the connection went away,
      // or the remote process group was killed from outside (OOM killer, an admin).
      if (remotePid === undefined || !(await this.isConnected())) throw droppedError(this.target, result.stderr);
    }
    return result;
  }

  /**
   * Reverse forward: a port on the remote loopback that reaches
   * `localHost:localPort` here (e.g. the agent on the remote host reaching the
   * local model gateway). `remotePort` 0 lets the server choose; the chosen
   * port is returned.
   */
  async forwardRemote(remotePort: number, localPort: number, localHost = '127.0.0.1'): Promise<number> {
    await this.connect();
    const spec = `${remotePort}:${localHost}:${localPort}`;
    const { code, stdout, stderr } = await this.spawnUntilExit([
      ...this.baseArgs(),
      '-O',
      'forward',
      '-R',
      spec,
      '--',
      this.host,
    ]);
    if (code !== 0) {
      throw (
        classifySshStderr(stderr, this.target) ??
        new SshError(
          'forward-failed',
          `SSH reverse port forward ${spec} on "${this.host}" failed.`,
          'Allow forwarding in the remote sshd_config (`AllowTcpForwarding yes`) and check that the remote port is free.',
          stderr.trim(),
        )
      );
    }
    const allocated = remotePort === 0 ? Number(/(\d+)/.exec(stdout)?.[1] ?? NaN) : remotePort;
    if (!Number.isInteger(allocated) || allocated <= 0) {
      throw new SshError(
        'forward-failed',
        `SSH accepted the reverse forward on "${this.host}" but did not say which port it chose.`,
        'Pass an explicit remote port instead of 0.',
        `${stdout}\n${stderr}`.trim(),
      );
    }
    this.forwards.set(allocated, `${allocated}:${localHost}:${localPort}`);
    return allocated;
  }

  async cancelForward(remotePort: number): Promise<void> {
    const spec = this.forwards.get(remotePort);
    if (!spec) return;
    this.forwards.delete(remotePort);
    await this.spawnUntilExit([...this.baseArgs(), '-O', 'cancel', '-R', spec, '--', this.host]);
  }

  /** Copies a local file or folder into `remoteDir` (created if needed), with tar over the shared connection. */
  async upload(localPath: string, remoteDir: string): Promise<void> {
    await this.connect();
    const abs = path.resolve(localPath);
    const tar = spawn('tar', ['-C', path.dirname(abs), '-cf', '-', `./${path.basename(abs)}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const remote = `mkdir -p -- ${shellQuote(remoteDir)} && tar -C ${shellQuote(remoteDir)} -xf -`;
    const ssh = spawn(this.sshPath, [...this.baseArgs(), '-T', '--', this.host, remote], {
      env: this.opts.env,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    tar.stdout!.pipe(ssh.stdin!);
    ssh.stdin!.on('error', () => undefined);
    const [tarRes, sshRes] = await Promise.all([exitOf(tar), exitOf(ssh)]);
    this.checkTransfer('upload', localPath, remoteDir, tarRes, sshRes);
  }

  /** Copies a remote file or folder into the local folder `localDir` (created if needed). */
  async download(remotePath: string, localDir: string): Promise<void> {
    await this.connect();
    fs.mkdirSync(localDir, { recursive: true });
    const dir = path.posix.dirname(remotePath);
    const base = path.posix.basename(remotePath);
    const remote = `tar -C ${shellQuote(dir)} -cf - ${shellQuote(`./${base}`)}`;
    const ssh = spawn(this.sshPath, [...this.baseArgs(), '-T', '--', this.host, remote], {
      env: this.opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tar = spawn('tar', ['-C', localDir, '-xf', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    ssh.stdout!.pipe(tar.stdin!);
    tar.stdin!.on('error', () => undefined);
    const [sshRes, tarRes] = await Promise.all([exitOf(ssh), exitOf(tar)]);
    this.checkTransfer('download', remotePath, localDir, tarRes, sshRes);
  }

  /** Closes the shared connection (`ssh -O exit`) and removes the control folder. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (fs.existsSync(this.controlPath)) {
      await this.spawnUntilExit([...this.baseArgs(), '-O', 'exit', '--', this.host]);
    }
    fs.rmSync(this.controlDir, { recursive: true, force: true });
  }

  private checkTransfer(op: string, from: string, to: string, tarRes: Exit, sshRes: Exit): void {
    if (sshRes.code === 0 && tarRes.code === 0) return;
    const classified = sshRes.code === 255 ? classifySshStderr(sshRes.stderr, this.target) : undefined;
    if (classified) throw classified;
    throw new SshError(
      'transfer-failed',
      `SSH ${op} of ${from} to ${to} on "${this.host}" failed (ssh ${sshRes.code}, tar ${tarRes.code}).`,
      'Check that the path exists, that tar is installed on both sides, and that the destination is writable.',
      `${sshRes.stderr}\n${tarRes.stderr}`.trim(),
    );
  }

  private async killRemote(pid: number): Promise<void> {
    // The remote command leads its own process group (sshd calls setsid), so signal the group.
    const script = [
      `p=${pid}`,
      `g=$(ps -o pgid= -p "$p" 2>/dev/null | tr -d ' ')`,
      '[ -n "$g" ] || g=$p',
      'kill -TERM -- "-$g" 2>/dev/null || kill -TERM "$p" 2>/dev/null',
      'i=0; while kill -0 -- "-$g" 2>/dev/null && [ $i -lt 10 ]; do sleep 0.1; i=$((i+1)); done',
      'kill -KILL -- "-$g" 2>/dev/null',
      'true',
    ].join('\n');
    const r = runProcess(this.sshPath, [...this.baseArgs(), '-T', '--', this.host, script], {
      env: this.opts.env,
      timeoutMs: 5000,
    });
    await r.result.catch(() => undefined);
  }

  private mapSpawnError(err: unknown): Error {
    if (err instanceof SpawnError && err.code === 'ENOENT') return notInstalledError(this.sshPath);
    return err instanceof Error ? err : new Error(String(err));
  }

  private async spawnUntilExit(args: string[]): Promise<Exit> {
    // 'exit', not 'close': a master that forks into the background may keep our pipes open.
    return new Promise<Exit>((resolve, reject) => {
      const child = spawn(this.sshPath, args, { env: this.opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'ENOENT' ? notInstalledError(this.sshPath) : e),
      );
      child.once('exit', (code) => {
        // Give already-written output a moment to arrive.
        setTimeout(() => {
          child.stdout!.destroy();
          child.stderr!.destroy();
          resolve({ code, stdout, stderr });
        }, 20);
      });
    });
  }
}

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function exitOf(child: ReturnType<typeof spawn>): Promise<Exit> {
  return new Promise((resolve) => {
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (e) => resolve({ code: -1, stdout: '', stderr: e.message }));
    child.once('close', (code) => resolve({ code, stdout: '', stderr }));
  });
}

export interface RemoteExecOptions extends ExecOptions {
  /** Start from an empty environment (`env -i`): only `env` reaches the command (e.g. a sandbox allowlist). */
  clearEnv?: boolean;
}

/** The remote script for one argv: optional cd, then the program through `env` (never as shell syntax). */
export function commandScript(argv: readonly string[], opts: Pick<RemoteExecOptions, 'cwd' | 'env' | 'clearEnv'> = {}): string {
  const parts: string[] = [];
  if (opts.cwd) parts.push(`cd -- ${shellQuote(opts.cwd)} || exit 126`);
  const envEntries = Object.entries(opts.env ?? {});
  for (const [k] of envEntries) assertEnvName(k);
  const assignments = envEntries.map(([k, v]) => shellQuote(`${k}=${v}`));
  // `env` runs argv[0] as a program even when it names a shell builtin or keyword.
  parts.push(['env', ...(opts.clearEnv ? ['-i'] : []), '--', ...assignments, shellJoin(argv)].join(' '));
  return parts.join('\n');
}

/**
 * Removes the transport's markers from stderr: the pid line at the start and
 * the status trailer (framed by ASCII RS, 0x1e) at the end.
 */
class MarkerFilter {
  private found = false;
  private pending = '';
  private tail = '';
  constructor(
    private readonly onPid: (pid: number) => void,
    private readonly onStatus: (status: number) => void,
  ) {}

  push(chunk: string): string {
    if (this.found) return this.stripStatus(chunk);
    this.pending += chunk;
    let out = '';
    let nl: number;
    while (!this.found && (nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      if (line.startsWith(PID_MARKER) && /^\d+$/.test(line.slice(PID_MARKER.length))) {
        this.found = true;
        this.onPid(Number(line.slice(PID_MARKER.length)));
      } else {
        out += `${line}\n`;
      }
    }
    if (this.found) {
      const rest = this.pending;
      this.pending = '';
      out += this.stripStatus(rest);
    }
    return out;
  }

  flush(): string {
    const rest = this.pending + this.tail;
    this.pending = '';
    this.tail = '';
    return rest;
  }

  private stripStatus(chunk: string): string {
    let s = this.tail + chunk;
    this.tail = '';
    let out = '';
    const head = `\u001e${STATUS_MARKER}`;
    for (;;) {
      const i = s.indexOf('\u001e');
      if (i < 0) return out + s;
      out += s.slice(0, i);
      const rest = s.slice(i);
      const m = /^\u001enc_remote_status=(\d+)\u001e/.exec(rest);
      if (m) {
        this.onStatus(Number(m[1]));
        s = rest.slice(m[0].length);
        continue;
      }
      const maybe = rest.length <= head.length ? head.startsWith(rest) : rest.startsWith(head) && /^\d*$/.test(rest.slice(head.length));
      if (maybe) {
        this.tail = rest;
        return out;
      }
      out += '\u001e';
      s = rest.slice(1);
    }
  }
}

/** Applies the status the remote shell reported; 128+N is a death by signal N, as shells report it. */
function withRemoteStatus(result: ExecResult, status: number): ExecResult {
  if (status > 128) {
    const name = Object.entries(os.constants.signals).find(([, n]) => n === status - 128)?.[0];
    if (name) return { ...result, exitCode: null, signal: name };
  }
  return { ...result, exitCode: status, signal: null };
}
