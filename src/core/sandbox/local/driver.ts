/**
 * The local sandbox: the whole agent process runs under Landlock (through the
 * nc-landlock launcher) and, where bubblewrap works, inside private mount,
 * PID and IPC namespaces. A missing capability is an error that says how to
 * fix it, never a silent run without a sandbox. See README.md beside this
 * file for exactly what is and is not isolated.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import {
  SandboxUnavailableError,
  type ExecOptions,
  type ExecResult,
  type SandboxDriver,
  type SandboxSpec,
} from '../driver';
import { expandPolicy, type PolicyVariables } from '../policy/variables';
import type { IsolationLayer, MissingLayer, SandboxCapabilities } from './capabilities';
import { buildCommand, tmpInside, type SandboxLayout } from './commandLine';
import { DEFAULT_HIDDEN_PATHS, sshAgentPaths } from './hiddenPaths';
import { resolveLauncher, type LauncherLookup } from './launcherBinary';
import { sandboxFolderName, sandboxTmpRoot } from './privateTmp';
import { runProcess } from './runProcess';
import { sandboxEnv } from './sandboxEnv';

const execFileAsync = promisify(execFile);

export interface LocalDriverOptions {
  /** Where to find or build nc-landlock (see launcherBinary.ts). */
  launcher?: LauncherLookup;
  /** bwrap to use. `null`: never use bubblewrap. Unset: `bwrap` on PATH, used when it works. */
  bwrapPath?: string | null;
  /** Fail instead of running with Landlock alone when bubblewrap is missing or broken. */
  requireBwrap?: boolean;
  /** More host paths to hide (sockets, folders); added to DEFAULT_HIDDEN_PATHS and the SSH agent. */
  hide?: string[];
  /** Parent of each sandbox's private tmp and home (default: <os tmp>/nemocog-sandboxes-<uid>). */
  stateRoot?: string;
  /** Values for ${state}, ${runtime}... in policy paths. ${workspace}, ${tmp}, ${home} are set per sandbox. */
  variables?: PolicyVariables;
  /** Run (with a warning) on kernels whose Landlock cannot filter TCP ports (policy landlock.compatibility: best_effort). */
  allowDegraded?: boolean;
  /** Time between SIGTERM and SIGKILL on timeout and cancel. */
  graceMs?: number;
}

interface Probe {
  abi: number;
  net: boolean;
  scopeUnix: boolean;
  scopeSignal: boolean;
  error: string;
}

interface Ready {
  caps: SandboxCapabilities;
  launcher: string;
  bwrap?: string;
}

const NO_LANDLOCK_FIX =
  'Use Linux >= 5.13 with Landlock enabled (CONFIG_SECURITY_LANDLOCK=y and "landlock" in the lsm= boot parameter; ' +
  '`cat /sys/kernel/security/lsm` lists the active modules), or choose the sandbox "none" to run UNSANDBOXED at your own risk.';
const BWRAP_FIX = 'Install bubblewrap: sudo apt-get install bubblewrap (or leave the bubblewrap path unset to run with Landlock alone).';

function onPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/bin', '/bin', '/usr/local/bin']);
  for (const dir of dirs) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // keep looking
    }
  }
  return undefined;
}

export class LocalSandboxDriver implements SandboxDriver {
  readonly kind = 'local' as const;
  private ready?: Promise<Ready>;

  constructor(private readonly options: LocalDriverOptions = {}) {}

  async checkAvailable(): Promise<void> {
    await this.prepare();
  }

  /** What this machine enforces; throws SandboxUnavailableError like checkAvailable. */
  async capabilities(): Promise<SandboxCapabilities> {
    return (await this.prepare()).caps;
  }

  private prepare(): Promise<Ready> {
    // A failed check is not cached: the user may install what was missing and retry.
    this.ready ??= this.detect().catch((err) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private async detect(): Promise<Ready> {
    const launcher = resolveLauncher(this.options.launcher);
    const probe = await this.probe(launcher);
    if (probe.abi < 1) {
      throw new SandboxUnavailableError(`This kernel has no usable Landlock (${probe.error || 'unavailable'}), so the local sandbox cannot be enforced.`, NO_LANDLOCK_FIX);
    }
    const layers: IsolationLayer[] = ['landlock-fs', 'caps-dropped', 'env-allowlist', 'private-tmp'];
    const missing: MissingLayer[] = [];
    if (probe.net) layers.push('landlock-net-tcp');
    else if (!this.options.allowDegraded) {
      throw new SandboxUnavailableError(
        `This kernel's Landlock (ABI ${probe.abi}) cannot restrict TCP connections; that needs ABI 4 (Linux >= 6.7).`,
        'Upgrade the kernel, or set `landlock: { compatibility: best_effort }` in .nemocognition/policy.yaml to run without network filtering.',
      );
    } else {
      missing.push({ layer: 'landlock-net-tcp', reason: `Landlock ABI ${probe.abi} < 4`, fix: 'Linux >= 6.7' });
    }
    if (probe.scopeUnix) layers.push('landlock-scope-abstract-unix', 'landlock-scope-signal');
    else {
      const fix = 'Linux >= 6.12 (Landlock ABI 6)';
      missing.push({ layer: 'landlock-scope-abstract-unix', reason: `Landlock ABI ${probe.abi} < 6`, fix });
      missing.push({ layer: 'landlock-scope-signal', reason: `Landlock ABI ${probe.abi} < 6`, fix });
    }

    const bwrap = await this.findBwrap(missing);
    const nsLayers: IsolationLayer[] = ['bwrap-mount-ns', 'bwrap-pid-ns', 'bwrap-ipc-ns', 'hidden-sockets'];
    if (bwrap) layers.push(...nsLayers);
    const label = `landlock abi ${probe.abi}${probe.net ? '' : ' (no TCP rules)'}${bwrap ? ' + bwrap' : ' only (no bubblewrap)'}`;
    return { launcher, bwrap, caps: { kind: 'local', sandboxed: true, label, landlockAbi: probe.abi, layers, missing, launcherPath: launcher, bwrapPath: bwrap } };
  }

  private async probe(launcher: string): Promise<Probe> {
    let stdout: string;
    try {
      stdout = (await execFileAsync(launcher, ['--probe'], { timeout: 10_000 })).stdout;
    } catch (err) {
      const e = err as { stdout?: string; message: string };
      if (!e.stdout) {
        throw new SandboxUnavailableError(`The sandbox launcher ${launcher} could not run: ${e.message}.`, 'Rebuild it with `npm run build`, or check that the file is executable.');
      }
      stdout = e.stdout; // exit 241 still prints the probe
    }
    try {
      return JSON.parse(stdout) as Probe;
    } catch {
      throw new SandboxUnavailableError(`The sandbox launcher ${launcher} printed an unexpected probe result: ${stdout.slice(0, 200)}`, 'Rebuild it with `npm run build`.');
    }
  }

  private async findBwrap(missing: MissingLayer[]): Promise<string | undefined> {
    const { bwrapPath, requireBwrap } = this.options;
    const nsMissing = (reason: string, fix: string) => {
      for (const layer of ['bwrap-mount-ns', 'bwrap-pid-ns', 'bwrap-ipc-ns', 'hidden-sockets'] as const) missing.push({ layer, reason, fix });
    };
    if (bwrapPath === null) {
      nsMissing('bubblewrap disabled by configuration', 'unset the bubblewrap path option');
      return undefined;
    }
    const explicit = bwrapPath !== undefined;
    const path = bwrapPath ?? onPath('bwrap');
    if (!path || !isExecutable(path)) {
      if (explicit || requireBwrap) {
        throw new SandboxUnavailableError(`bubblewrap (bwrap) was not found${path ? ` at ${path}` : ' on PATH'}.`, BWRAP_FIX);
      }
      nsMissing('bubblewrap is not installed', BWRAP_FIX);
      return undefined;
    }
    try {
      await execFileAsync(path, ['--bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', '--die-with-parent', '--', 'true'], { timeout: 10_000 });
      return path;
    } catch (err) {
      const detail = ((err as { stderr?: string }).stderr || (err as Error).message).trim();
      const fix = 'Allow namespaces for bubblewrap here (e.g. sysctl kernel.unprivileged_userns_clone=1, or run outside a container that forbids them).';
      if (explicit || requireBwrap) throw new SandboxUnavailableError(`bubblewrap at ${path} cannot create its namespaces: ${detail}.`, fix);
      nsMissing(`bubblewrap cannot create namespaces: ${detail}`, fix);
      return undefined;
    }
  }

  async exec(spec: SandboxSpec, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const { command, cwd, env, usedBwrap } = await this.plan(spec, argv, opts);
    const result = await runProcess({
      argv: command,
      cwd,
      env,
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      stdin: opts.stdin,
      onOutput: opts.onOutput,
      maxStdoutBytes: opts.maxStdoutBytes,
      graceMs: this.options.graceMs,
    });
    failOnSetupError(result, usedBwrap);
    return result;
  }

  /** The full command line `exec` would run (for spans and debugging); creates the private tmp like exec. */
  async commandFor(spec: SandboxSpec, argv: string[], opts: ExecOptions = {}): Promise<string[]> {
    return (await this.plan(spec, argv, opts)).command;
  }

  private async plan(spec: SandboxSpec, argv: string[], opts: ExecOptions) {
    if (argv.length === 0) throw new Error('exec needs a command to run (argv is empty).');
    const ready = await this.prepare();
    if (!isDir(spec.workdir)) {
      throw new Error(`The sandbox folder ${spec.workdir} of '${spec.name}' does not exist; materialise the branch before running in it.`);
    }
    const root = this.options.stateRoot ?? sandboxTmpRoot();
    mkdirSync(root, { recursive: true, mode: 0o700 });
    const privateTmp = join(root, sandboxFolderName(spec.name), 'tmp');
    mkdirSync(join(privateTmp, 'home'), { recursive: true, mode: 0o700 });
    const tmp = tmpInside({ bwrap: ready.bwrap, privateTmp });
    const home = join(tmp, 'home');

    const policy = expandPolicy(spec.policy, { ...this.options.variables, workspace: spec.workdir, tmp, home });
    const readWrite = [spec.workdir, ...policy.readWrite, ...(opts.extraReadWrite ?? [])];
    for (const p of readWrite) {
      if (p !== tmp && p !== home && !exists(p)) {
        throw new Error(`The writable path ${p} (policy '${policy.name}' or extraReadWrite) does not exist; create it before starting the sandbox or remove it from the policy.`);
      }
    }
    const layout: SandboxLayout = {
      launcher: ready.launcher,
      bwrap: ready.bwrap,
      landlockAbi: ready.caps.landlockAbi,
      cwd: opts.cwd ?? spec.workdir,
      readOnly: policy.readOnly,
      readWrite,
      connectPorts: policy.egress.map((e) => e.port),
      privateTmp,
      hide: [...DEFAULT_HIDDEN_PATHS, ...sshAgentPaths(), ...(this.options.hide ?? [])],
      allowDegraded: this.options.allowDegraded ?? false,
      isRoot: process.getuid?.() === 0,
    };
    return {
      command: buildCommand(layout, argv),
      cwd: layout.cwd,
      env: sandboxEnv(opts.env, { home, tmpdir: tmp }),
      usedBwrap: Boolean(ready.bwrap),
    };
  }
}

/** A sandbox that could not be set up is not the command failing: it is thrown, not returned. */
function failOnSetupError(result: ExecResult, usedBwrap: boolean): void {
  if (result.timedOut || result.cancelled) return;
  const code = result.exitCode ?? 0;
  const launcherLine = result.stderr.split('\n').find((l) => l.startsWith('nc-landlock: error:'));
  if (code >= 240 && code <= 244 && launcherLine) {
    throw new SandboxUnavailableError(`The sandbox could not be set up: ${launcherLine.slice('nc-landlock: error: '.length)}.`, 'Fix the policy path or kernel support named above; nothing was run.');
  }
  if (usedBwrap && code === 1 && result.stderr.startsWith('bwrap: ')) {
    throw new SandboxUnavailableError(`bubblewrap could not set up the sandbox: ${result.stderr.split('\n')[0]}.`, 'Check the paths in the policy, or disable bubblewrap to run with Landlock alone.');
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
