/**
 * Starts a REAL OpenSSH daemon (Debian's openssh-server) on 127.0.0.1 at a
 * free port, for tests of the SSH transport and of anything that runs
 * "remotely". Everything it needs (host key, client key, authorized_keys,
 * sshd_config, client ssh_config) is generated in a private temp folder.
 *
 * Requirements: /usr/sbin/sshd (`apt-get install -y openssh-server`; .ci/run
 * must install it), running as root (sshd needs it for privilege separation),
 * and /run/sshd (created here when missing).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const SSHD_PATH = '/usr/sbin/sshd';

export interface TestSshd {
  port: number;
  /** Host alias that the client config maps to 127.0.0.1:port. */
  alias: string;
  /** Client ssh config (Host <alias>, IdentityFile, UserKnownHostsFile, ...). */
  configFile: string;
  /** Private client key (ed25519). */
  identityFile: string;
  /** Public client key line. */
  publicKey: string;
  /** authorized_keys used by this sshd; tests may append restricted keys. */
  authorizedKeysFile: string;
  knownHostsFile: string;
  /** The folder holding all of the above. */
  dir: string;
  user: string;
  /** Pid of the listening daemon. */
  pid: number;
  /** Kills the listener AND every session process it forked (SIGKILL). */
  killAll(): void;
  /** Stops the daemon and removes the temp folder. */
  stop(): Promise<void>;
}

export function sshdAvailable(): boolean {
  return fs.existsSync(SSHD_PATH) && process.getuid?.() === 0;
}

/** Installs openssh-server with apt when missing (root only). */
export function ensureSshdInstalled(): void {
  if (fs.existsSync(SSHD_PATH)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`${SSHD_PATH} is missing. Install it with: sudo apt-get install -y openssh-server`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = (): void => {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'openssh-server'], { stdio: 'ignore', env });
  };
  try {
    install();
  } catch {
    // Fresh machines have no package lists yet.
    execFileSync('apt-get', ['update'], { stdio: 'ignore', env });
    install();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface StartSshdOptions {
  alias?: string;
  /** Extra sshd_config lines. */
  extraConfig?: string[];
}

export async function startSshd(opts: StartSshdOptions = {}): Promise<TestSshd> {
  ensureSshdInstalled();
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const alias = opts.alias ?? 'nc-test';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-sshd-'));
  fs.chmodSync(dir, 0o700);
  const hostKey = path.join(dir, 'ssh_host_ed25519_key');
  const identityFile = path.join(dir, 'id_ed25519');
  keygen(hostKey, 'nc-test-host');
  keygen(identityFile, 'nc-test-client');
  const publicKey = fs.readFileSync(`${identityFile}.pub`, 'utf8').trim();
  const authorizedKeysFile = path.join(dir, 'authorized_keys');
  fs.writeFileSync(authorizedKeysFile, `${publicKey}\n`, { mode: 0o600 });
  const knownHostsFile = path.join(dir, 'known_hosts');
  fs.writeFileSync(knownHostsFile, '', { mode: 0o600 });
  const user = os.userInfo().username;

  const port = await freePort();
  const sshdConfig = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    sshdConfig,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeysFile}`,
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'AllowTcpForwarding yes',
      'PermitTTY yes',
      'PrintMotd no',
      'LogLevel ERROR',
      'MaxSessions 50',
      'MaxStartups 50',
      'Subsystem sftp internal-sftp',
      // bash sources ~/.bashrc for commands run by sshd unless it is a nested shell; on shared
      // machines that file can be slow (pyenv init...). Tests measure NemoCognition, not it.
      'SetEnv SHLVL=1',
      ...(opts.extraConfig ?? []),
      '',
    ].join('\n'),
  );

  const configFile = path.join(dir, 'ssh_config');
  fs.writeFileSync(
    configFile,
    [
      `Host ${alias}`,
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      `  User ${user}`,
      `  IdentityFile ${identityFile}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${knownHostsFile}`,
      '  StrictHostKeyChecking accept-new',
      '  BatchMode yes',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  );

  const child = spawn(SSHD_PATH, ['-D', '-e', '-f', sshdConfig], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  await waitForPort(port, child, () => stderr);
  const pid = child.pid!;

  const killAll = (): void => killTree(pid);
  return {
    port,
    alias,
    configFile,
    identityFile,
    publicKey,
    authorizedKeysFile,
    knownHostsFile,
    dir,
    user,
    pid,
    killAll,
    async stop() {
      killAll();
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        setTimeout(resolve, 2000).unref();
      });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function keygen(file: string, comment: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { stdio: 'ignore' });
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`sshd exited with ${child.exitCode}: ${stderr()}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${port} within 10 s: ${stderr()}`);
}

/** SIGKILLs `root` and all of its descendants (found through /proc). */
export function killTree(root: number): void {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may contain spaces and parentheses: parse after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we were looking.
    }
  }
  const order: number[] = [];
  const walk = (pid: number): void => {
    order.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  for (const pid of order) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
