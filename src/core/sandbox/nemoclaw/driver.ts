/**
 * The `nemoclaw` sandbox driver: the agent runs inside a NemoClaw/OpenShell
 * sandbox, commands reach it over SSH with the config OpenShell prints, and
 * snapshots are NemoClaw's own (`nemoclaw <name> snapshot ...`).
 *
 * Policy: OpenShell enforces the sandbox's policy YAML (Landlock, seccomp,
 * network namespace + egress proxy). A supervised run applies the run's policy
 * with `openshell policy set` (setPolicy, from remote/nemoclawRun.ts); `exec`
 * does not translate SandboxSpec.policy or ExecOptions.extraReadWrite.
 *
 * Unverified against a live NemoClaw (needs Docker and NVIDIA hosts); tested
 * against test/fixtures/fake-nemoclaw, written from the documentation.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SandboxUnavailableError, type ExecOptions, type ExecResult, type SandboxDriver, type SandboxSpec } from '../driver';
import { SshError } from '../ssh/errors';
import { LocalRunner, type HostRunner } from '../ssh/host-runner';
import { commandScript, SshTransport } from '../ssh/transport';
import { nemoclaw, openshell, SANDBOX_NAME, ssh, type CommandLine } from './commands';
import { INSTALL_NEMOCLAW, NemoClawError } from './errors';
import { parseCreatedSnapshot, parseSnapshotList, type SnapshotInfo } from './parse';

export interface NemoClawDriverOptions {
  /** Path of the `nemoclaw` CLI (default: found on PATH). */
  nemoclawPath?: string;
  /** Path of the `openshell` CLI (default: found on PATH). */
  openshellPath?: string;
  /** OpenSSH client (default: `ssh` on PATH). */
  sshPath?: string;
  /** Where the CLIs run; default this machine. Use an SshRunner for a remote host. */
  runner?: HostRunner;
  /** Extra environment for the CLI processes (e.g. NEMOCLAW_NON_INTERACTIVE). */
  env?: Record<string, string>;
  /** Time limit for one CLI call; restore --to creates a sandbox and can be slow. Default 15 min. */
  commandTimeoutMs?: number;
}

export interface RestoreOptions {
  /** Destination sandbox (created from the snapshot); omitted = restore in place. */
  to?: string;
  /** Replace an existing destination (`--force --yes`). */
  force?: boolean;
}

interface SandboxSession {
  configFile: string;
  transport?: SshTransport;
}

export class NemoClawDriver implements SandboxDriver {
  readonly kind = 'nemoclaw' as const;
  private readonly opts: NemoClawDriverOptions;
  private readonly runner: HostRunner;
  private readonly sessions = new Map<string, Promise<SandboxSession>>();
  private configDir: string | undefined;

  constructor(opts: NemoClawDriverOptions = {}) {
    this.opts = opts;
    this.runner = opts.runner ?? new LocalRunner();
  }

  async checkAvailable(): Promise<void> {
    for (const [program, line, docs] of [
      ['nemoclaw', nemoclaw.version(), INSTALL_NEMOCLAW],
      ['openshell', openshell.version(), 'OpenShell comes with NemoClaw; see https://docs.nvidia.com/openshell for a standalone install'],
    ] as const) {
      const r = await this.runner.run(this.argv(line), { env: this.opts.env, timeoutMs: 30_000 });
      if (r.exitCode === 127) {
        throw new SandboxUnavailableError(
          `The \`${program}\` CLI was not found (${this.pathOf(program)} on ${this.runner.where}).`,
          `${docs}, or set its path in the NemoCognition settings (nemocognition.nemoclaw.${program}Path, or --${program}-path).`,
        );
      }
      if (r.exitCode !== 0) {
        throw new SandboxUnavailableError(
          `\`${this.argv(line).join(' ')}\` failed with exit code ${r.exitCode}: ${firstLine(r.stderr || r.stdout)}.`,
          `Run it yourself on ${this.runner.where} to see why; reinstalling (${INSTALL_NEMOCLAW}) usually helps.`,
        );
      }
    }
    const sshCheck = await this.runner.run([this.opts.sshPath ?? 'ssh', '-V'], { timeoutMs: 10_000 });
    if (sshCheck.exitCode === 127) {
      throw new SandboxUnavailableError(
        `The OpenSSH client was not found on ${this.runner.where}; NemoClaw sandboxes are reached over SSH.`,
        'Install it (Debian/Ubuntu: `sudo apt-get install -y openssh-client`).',
      );
    }
  }

  /** Runs argv inside the sandbox `spec.name` over `ssh -T -F <ssh-config> openshell-<name>`. */
  async exec(spec: SandboxSpec, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const session = await this.session(spec.name);
    const cwd = opts.cwd ?? (spec.workdir || undefined);
    if (session.transport) {
      try {
        return await session.transport.exec(argv, { ...opts, cwd });
      } catch (err) {
        // The sandbox may have been recreated (new key, new endpoint): fetch its ssh-config again next time.
        if (err instanceof SshError) this.forget(spec.name);
        throw err;
      }
    }
    // Remote host: ssh from there into the sandbox, with the config written on that host.
    const line = ssh.exec(session.configFile, spec.name, commandScript(argv, { cwd, env: opts.env }));
    return this.runner.run(this.argv(line), { ...opts, cwd: undefined, env: undefined });
  }

  /** `nemoclaw <name> snapshot create [--name <label>]`; returns the new snapshot (id = its timestamp). */
  async createSnapshot(sandbox: string, label?: string): Promise<SnapshotInfo> {
    checkName(sandbox, 'sandbox');
    if (label !== undefined) checkLabel(label);
    const line = nemoclaw.snapshotCreate(sandbox, label);
    const r = await this.cli(line);
    const id = parseCreatedSnapshot(r.stdout);
    const list = await this.listSnapshots(sandbox);
    // The create output's wording is not documented; the list is, and vN is the newest.
    const found = id ? list.find((s) => s.id === id) : list[list.length - 1];
    if (!found) {
      throw new NemoClawError(
        'unparseable-output',
        `\`${line.join(' ')}\` succeeded but the new snapshot is not in \`nemoclaw ${sandbox} snapshot list\`.`,
        'Run both commands yourself; if the output format changed, report it (NemoCognition reads the documented table).',
        line,
        r.stdout,
      );
    }
    return found;
  }

  /** `nemoclaw <name> snapshot list`, oldest first. */
  async listSnapshots(sandbox: string): Promise<SnapshotInfo[]> {
    checkName(sandbox, 'sandbox');
    const r = await this.cli(nemoclaw.snapshotList(sandbox));
    return parseSnapshotList(r.stdout);
  }

  /**
   * `nemoclaw <name> snapshot restore <id> [--to <dest>]`. With `to`, this is
   * the fork primitive of recovery: a fresh sandbox materialised from `id`.
   */
  async restoreSnapshot(sandbox: string, id: string, opts: RestoreOptions = {}): Promise<{ sandbox: string }> {
    checkName(sandbox, 'sandbox');
    if (!id || id.startsWith('-')) {
      throw new NemoClawError('invalid-name', `"${id}" is not a snapshot selector.`, 'Pass a timestamp from snapshot list.');
    }
    if (opts.to) checkName(opts.to, 'destination sandbox');
    const line = nemoclaw.snapshotRestore(sandbox, id, opts);
    await this.cli(line);
    const dest = opts.to ?? sandbox;
    this.forget(dest);
    return { sandbox: dest };
  }

  /** `openshell sandbox download <sandbox> <path> <dest>` (dest on the host running the CLI). */
  async download(sandbox: string, sandboxPath: string, dest: string): Promise<void> {
    checkName(sandbox, 'sandbox');
    await this.cli(openshell.download(sandbox, sandboxPath, dest));
  }

  /**
   * `openshell sandbox upload <sandbox> <localPath> [dest]` (local path on the
   * host running the CLI). NemoClaw snapshots hold only the agent manifest's
   * state directories: files the agent works on must live under the agent's
   * workspace directory (for OpenClaw, $OPENCLAW_WORKSPACE_DIR) to be in them.
   */
  async upload(sandbox: string, localPath: string, dest?: string): Promise<void> {
    checkName(sandbox, 'sandbox');
    await this.cli(openshell.upload(sandbox, localPath, dest));
  }

  /**
   * The SSH connection into `sandbox` (`ssh -T -F <ssh-config> openshell-<name>`,
   * one shared ControlMaster): for running commands, reverse forwards and file
   * transfer beside the files. This machine only (not through a remote runner).
   */
  async transport(sandbox: string): Promise<SshTransport> {
    checkName(sandbox, 'sandbox');
    if (this.runner.remote) {
      throw new NemoClawError('command-failed', 'A direct SSH connection into a sandbox is only opened from the machine that runs `openshell`.', 'Run NemoCognition on the NemoClaw host.');
    }
    const session = await this.session(sandbox);
    return session.transport!;
  }

  /**
   * `openshell policy set <name> --policy <file> --wait`: applies an OpenShell
   * policy to a running sandbox (network rules take effect at once; filesystem
   * and process rules only when a sandbox starts).
   */
  async setPolicy(sandbox: string, policyFile: string): Promise<void> {
    checkName(sandbox, 'sandbox');
    await this.cli(openshell.policySet(sandbox, policyFile));
  }

  /** The SSH config OpenShell prints for `sandbox` (what Remote-SSH can use too). */
  async sshConfig(sandbox: string): Promise<string> {
    checkName(sandbox, 'sandbox');
    const r = await this.cli(openshell.sshConfig(sandbox));
    if (!/^\s*Host\s+\S/m.test(r.stdout)) {
      throw new NemoClawError(
        'unparseable-output',
        `\`openshell sandbox ssh-config ${sandbox}\` printed no "Host" block.`,
        'Check that the sandbox exists and is Ready (`openshell sandbox list`).',
        openshell.sshConfig(sandbox),
        r.stdout,
      );
    }
    return r.stdout;
  }

  /** Closes SSH connections and removes cached ssh configs. */
  async dispose(): Promise<void> {
    const sessions = await Promise.allSettled([...this.sessions.values()]);
    this.sessions.clear();
    for (const s of sessions) {
      if (s.status !== 'fulfilled') continue;
      if (s.value.transport) await s.value.transport.close();
      else await this.runner.run(['rm', '-rf', '--', path.posix.dirname(s.value.configFile)]).catch(() => undefined);
    }
    if (this.configDir) fs.rmSync(this.configDir, { recursive: true, force: true });
    this.configDir = undefined;
  }

  private forget(sandbox: string): void {
    const s = this.sessions.get(sandbox);
    this.sessions.delete(sandbox);
    void s?.then((x) => x.transport?.close()).catch(() => undefined);
  }

  private session(sandbox: string): Promise<SandboxSession> {
    let s = this.sessions.get(sandbox);
    if (!s) {
      s = this.openSession(sandbox);
      s.catch(() => this.sessions.delete(sandbox));
      this.sessions.set(sandbox, s);
    }
    return s;
  }

  private async openSession(sandbox: string): Promise<SandboxSession> {
    const config = await this.sshConfig(sandbox);
    if (!this.runner.remote) {
      // The config can hold key paths and proxy commands: keep it private (0700 folder, 0600 file).
      if (!this.configDir) {
        this.configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-openshell-'));
        fs.chmodSync(this.configDir, 0o700);
      }
      const configFile = path.join(this.configDir, `${sandbox}.ssh_config`);
      fs.writeFileSync(configFile, config, { mode: 0o600 });
      const target = ssh.target(configFile, sandbox);
      return { configFile, transport: new SshTransport({ ...target, sshPath: this.opts.sshPath }) };
    }
    const r = await this.runner.run(
      ['sh', '-c', 'umask 077 && d=$(mktemp -d) && cat > "$d/ssh_config" && printf %s "$d/ssh_config"'],
      { stdin: config },
    );
    if (r.exitCode !== 0 || !r.stdout.trim()) {
      throw new NemoClawError(
        'command-failed',
        `Could not store the sandbox's SSH config on ${this.runner.where}.`,
        'Check that the remote home or TMPDIR is writable.',
        [],
        r.stderr,
      );
    }
    return { configFile: r.stdout.trim() };
  }

  private async cli(line: CommandLine): Promise<ExecResult> {
    const argv = this.argv(line);
    const r = await this.runner.run(argv, {
      env: { NEMOCLAW_NON_INTERACTIVE: '1', ...this.opts.env },
      timeoutMs: this.opts.commandTimeoutMs ?? 15 * 60_000,
    });
    if (r.exitCode === 0) return r;
    const program = line[0];
    const shown = line.join(' ');
    if (r.exitCode === 127) {
      throw new NemoClawError(
        'missing-cli',
        `The \`${program}\` CLI was not found (${this.pathOf(program)} on ${this.runner.where}).`,
        `${INSTALL_NEMOCLAW}, or set its path in the NemoCognition settings (nemocognition.nemoclaw.${program}Path, or --${program}-path).`,
        line,
        r.stderr,
      );
    }
    const text = `${r.stderr}\n${r.stdout}`;
    if (r.timedOut) {
      throw new NemoClawError('command-failed', `\`${shown}\` did not finish in time.`, 'Check that the sandbox is Ready (`openshell sandbox list`), then retry.', line, r.stderr);
    }
    if (/shields/i.test(text) && /\bup\b|down/i.test(text)) {
      const sandbox = line[0] === 'nemoclaw' ? line[1] : '<name>';
      throw new NemoClawError(
        'shields-up',
        `\`${shown}\` refused: NemoClaw snapshots require the sandbox's shields to be down.`,
        `Run \`nemoclaw ${sandbox} shields down\` (NemoCognition never lowers shields by itself), then retry.`,
        line,
        r.stderr,
      );
    }
    if (/already exists/i.test(text)) {
      throw new NemoClawError(
        'exists',
        `\`${shown}\` refused: the destination sandbox already exists.`,
        'Pick a new recovery sandbox name, or destroy the old one (`nemoclaw <name> destroy`).',
        line,
        r.stderr,
      );
    }
    if (/not found|no snapshot|does not exist|unknown sandbox/i.test(text)) {
      throw new NemoClawError(
        'not-found',
        `\`${shown}\` failed: ${firstLine(r.stderr || r.stdout)}.`,
        'Check the names with `nemoclaw <name> snapshot list` and `openshell sandbox list`.',
        line,
        r.stderr,
      );
    }
    throw new NemoClawError(
      'command-failed',
      `\`${shown}\` failed with exit code ${r.exitCode}: ${firstLine(r.stderr || r.stdout)}.`,
      `Run it yourself on ${this.runner.where} for details.`,
      line,
      r.stderr,
    );
  }

  private pathOf(program: CommandLine[0]): string {
    if (program === 'nemoclaw') return this.opts.nemoclawPath ?? 'nemoclaw';
    if (program === 'openshell') return this.opts.openshellPath ?? 'openshell';
    return this.opts.sshPath ?? 'ssh';
  }

  private argv(line: CommandLine): string[] {
    const [program, ...args] = line;
    return [this.pathOf(program), ...args];
  }
}

function checkName(name: string, what: string): void {
  if (!SANDBOX_NAME.test(name)) {
    throw new NemoClawError(
      'invalid-name',
      `"${name}" is not a usable ${what} name.`,
      'Use 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit.',
    );
  }
}

function checkLabel(label: string): void {
  checkName(label, 'snapshot label');
  if (/^v\d+$/.test(label)) {
    throw new NemoClawError('invalid-name', `"${label}" looks like a version selector.`, 'Choose a label that is not vN.');
  }
}

function firstLine(text: string): string {
  return (text.trim().split(/\r?\n/)[0] ?? '').slice(0, 300) || 'no output';
}
