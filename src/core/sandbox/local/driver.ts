/**
 * The local sandbox: the whole agent process runs under Landlock (through the
 * nc-landlock launcher) inside bubblewrap's private mount, PID, IPC and
 * network namespaces, where the only way out is a relay to the model gateway
 * and every other network attempt is refused and reported. A missing
 * capability is an error that says how to fix it, never a quietly weaker
 * sandbox: without bubblewrap it refuses to run unless the user explicitly
 * allowed Landlock alone (`allowLandlockOnly`, loudly labelled). Every exec
 * returns what the launcher attested it applied. See README.md beside this
 * file for exactly what is and is not isolated.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findOnPath } from '../../platform/findOnPath';
import { promisify } from 'node:util';
import {
  SandboxUnavailableError,
  type EnforcedSandbox,
  type ExecOptions,
  type ExecResult,
  type SandboxDriver,
  type SandboxEvent,
  type SandboxSpec,
} from '../driver';
import { expandPolicy, type PolicyVariables } from '../policy/variables';
import { attestationProblems } from './attestation';
import type { IsolationLayer, MissingLayer, SandboxCapabilities } from './capabilities';
import { buildCommand, reboundUnderTmp, tmpInside, type SandboxLayout } from './commandLine';
import { DEFAULT_HIDDEN_PATHS, sshAgentPaths } from './hiddenPaths';
import { resolveLauncher, toolShellFor, type LauncherLookup } from './launcherBinary';
import { sandboxFolderName, sandboxTmpRoot } from './privateTmp';
import { runProcess } from './runProcess';
import { sandboxEnv } from './sandboxEnv';
import { encodeRules, toolSandboxRules } from './toolSandbox';
import { userNamespaceRestrictions } from './userNamespaces';

const execFileAsync = promisify(execFile);

export interface LocalDriverOptions {
  /** Where to find or build nc-landlock (see launcherBinary.ts). */
  launcher?: LauncherLookup;
  /** bwrap to use. `null`: never use bubblewrap (needs allowLandlockOnly). Unset: `bwrap` on PATH. */
  bwrapPath?: string | null;
  /**
   * Run with Landlock alone when bubblewrap is missing or broken. Off by
   * default: without bubblewrap every pathname socket (Docker, the editor's
   * IPC, X11) is reachable and the network is filtered by port only. Only an
   * explicit, loudly labelled user setting (never a workspace) may turn it on.
   */
  allowLandlockOnly?: boolean;
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
  netMonitor?: boolean;
  error: string;
}

/** The fd through which the launcher reports refusals and its attestation (never held by the agent). */
const EVENTS_FD = 3;

/** Shown wherever a run is labelled, so that a Landlock-only run is never mistaken for the full sandbox. */
export const LANDLOCK_ONLY_WARNING =
  'LANDLOCK ONLY (explicitly allowed): no bubblewrap, so every pathname socket the user can reach (Docker, the editor\'s IPC, X11) is reachable, the network is filtered by TCP port with a racy address check, and /proc shows the host\'s processes.';

interface Ready {
  caps: SandboxCapabilities;
  launcher: string;
  bwrap?: string;
}

const NO_LANDLOCK_FIX =
  'Use Linux >= 5.13 with Landlock enabled (CONFIG_SECURITY_LANDLOCK=y and "landlock" in the lsm= boot parameter; ' +
  '`cat /sys/kernel/security/lsm` lists the active modules), or choose the sandbox "none" to run UNSANDBOXED at your own risk.';
const BWRAP_FIX =
  'Install bubblewrap (sudo apt-get install bubblewrap). Only if you accept a weaker sandbox: allow Landlock alone explicitly ' +
  '(setting nemocognition.sandbox.allowLandlockOnly, or `nemocog run --allow-landlock-only`).';

/** bubblewrap's usual homes, for a PATH that leaves them out. */
const BWRAP_DIRS = ['/usr/bin', '/bin', '/usr/local/bin'];

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

    if (probe.netMonitor) layers.push('net-monitor');
    else missing.push({ layer: 'net-monitor', reason: 'seccomp user notification or pidfd_getfd is unavailable (Linux < 5.6, or not x86_64/aarch64)', fix: 'Linux >= 5.6 on x86_64 or aarch64' });
    layers.push('tool-sandbox');
    const notes: string[] = [];
    const bwrap = await this.findBwrap(missing, notes);
    const nsLayers: IsolationLayer[] = ['bwrap-mount-ns', 'bwrap-pid-ns', 'bwrap-ipc-ns', 'bwrap-net-ns', 'hidden-sockets'];
    if (bwrap) layers.push(...nsLayers);
    const label = `landlock abi ${probe.abi}${probe.net ? '' : ' (no TCP rules)'}${bwrap ? ' + bwrap (mnt, pid, ipc, net namespaces)' : ' ONLY (no bubblewrap, explicitly allowed)'}`;
    const networkRule = bwrap
      ? 'TCP to 127.0.0.1:<gateway> only: a network namespace with just lo and a relay to the gateway; everything else refused' + (probe.netMonitor ? ' and reported' : '')
      : `TCP connect to the gateway's port only (Landlock, any address on that port)${probe.netMonitor ? '; other addresses and UDP refused and reported by the seccomp monitor (racy)' : ''}`;
    const caps: SandboxCapabilities = { kind: 'local', sandboxed: true, label, landlockAbi: probe.abi, layers, missing, launcherPath: launcher, bwrapPath: bwrap, networkRule };
    if (!bwrap) caps.landlockOnly = true;
    if (notes.length) caps.notes = notes;
    return { launcher, bwrap, caps };
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

  private async findBwrap(missing: MissingLayer[], notes: string[]): Promise<string | undefined> {
    const { bwrapPath, allowLandlockOnly } = this.options;
    const restrictions = userNamespaceRestrictions();
    const withoutBwrap = (reason: string, fix: string): undefined => {
      if (!allowLandlockOnly) {
        throw new SandboxUnavailableError(`The local sandbox needs bubblewrap, and ${reason}; NemoCognition will not quietly run a weaker sandbox.`, fix);
      }
      for (const layer of ['bwrap-mount-ns', 'bwrap-pid-ns', 'bwrap-ipc-ns', 'bwrap-net-ns', 'hidden-sockets'] as const) missing.push({ layer, reason, fix });
      notes.push(LANDLOCK_ONLY_WARNING);
      return undefined;
    };
    if (bwrapPath === null) return withoutBwrap('bubblewrap was disabled by configuration', 'Unset the bubblewrap path option.');
    const path = bwrapPath ?? findOnPath('bwrap', process.env.PATH, BWRAP_DIRS);
    if (!path || !isExecutable(path)) return withoutBwrap(`bubblewrap (bwrap) was not found${path ? ` at ${path}` : ' on PATH'}`, BWRAP_FIX);
    try {
      await execFileAsync(path, ['--bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', '--unshare-net', '--die-with-parent', '--', 'true'], { timeout: 10_000 });
      return path;
    } catch (err) {
      const detail = ((err as { stderr?: string }).stderr || (err as Error).message).trim();
      const why = restrictions.length ? ` ${restrictions.map((r) => r.note).join(' ')}` : '';
      notes.push(...restrictions.map((r) => r.note));
      const fix = restrictions[0]?.fix ?? 'Allow unprivileged user namespaces for bubblewrap (e.g. sysctl kernel.unprivileged_userns_clone=1), or run outside a container that forbids them.';
      return withoutBwrap(`bubblewrap at ${path} cannot create its namespaces (${detail}).${why}`, fix);
    }
  }

  async exec(spec: SandboxSpec, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const planned = await this.plan(spec, argv, opts);
    let enforced: EnforcedSandbox | undefined;
    let refused: string[] = [];
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) stop.abort();
    const onEvent = (event: SandboxEvent) => {
      if (event.type === 'enforced') {
        enforced = event;
        // Evidence, not a formality: a sandbox that is not what was planned is stopped at once.
        refused = attestationProblems(planned.layout, event);
        if (refused.length) stop.abort();
      }
      try {
        opts.onSandboxEvent?.(event);
      } catch {
        // a listener's failure must not break the sandbox
      }
    };
    let result: ExecResult;
    try {
      result = await runProcess({
        argv: planned.command,
        cwd: planned.cwd,
        env: planned.env,
        timeoutMs: opts.timeoutMs,
        signal: stop.signal,
        stdin: opts.stdin,
        onOutput: opts.onOutput,
        maxStdoutBytes: opts.maxStdoutBytes,
        graceMs: this.options.graceMs,
        eventsFd: planned.layout.eventsFd,
        onEventLine: (line) => {
          const event = parseEvent(line);
          if (event) onEvent(event);
        },
      });
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    if (refused.length) {
      throw new SandboxUnavailableError(`The sandbox did not come up as planned, so the command was stopped: ${refused.join('; ')}.`, 'Do not run agents here until it is fixed: check that bubblewrap and the kernel work (`dist/native/nc-landlock --probe`, `bwrap --unshare-net --bind / / true`) and report the message above.');
    }
    failOnSetupError(result, planned.usedBwrap);
    return { ...result, isolation: planned.label, ...(enforced ? { enforced } : {}) };
  }

  /**
   * The command line `exec` would run, for spans, debugging and other hosts
   * (remote-driver.ts); creates the private tmp like exec. Without the events
   * pipe (and so without the attestation), which only exec provides.
   */
  async commandFor(spec: SandboxSpec, argv: string[], opts: ExecOptions = {}): Promise<string[]> {
    return (await this.plan(spec, argv, opts, false)).command;
  }

  private async plan(spec: SandboxSpec, argv: string[], opts: ExecOptions, events = true) {
    if (argv.length === 0) throw new Error('exec needs a command to run (argv is empty).');
    const ready = await this.prepare();
    if (!isDir(spec.workdir)) {
      throw new Error(`The sandbox folder ${spec.workdir} of '${spec.name}' does not exist; materialise the branch before running in it.`);
    }
    const root = this.options.stateRoot ?? sandboxTmpRoot();
    mkdirSync(root, { recursive: true, mode: 0o700 });
    const privateTmp = join(root, sandboxFolderName(spec.name), 'tmp');
    mkdirSync(join(privateTmp, 'home'), { recursive: true, mode: 0o700 });
    mkdirSync(join(privateTmp, 'tool'), { recursive: true, mode: 0o700 });
    const tmp = tmpInside({ bwrap: ready.bwrap, privateTmp });
    const home = join(tmp, 'home');

    const policy = expandPolicy(spec.policy, { ...this.options.variables, workspace: spec.workdir, tmp, home });
    const toolWritable = opts.toolSandbox ? [opts.toolSandbox.home, ...opts.toolSandbox.readWrite] : [];
    const readWrite = [spec.workdir, ...policy.readWrite, ...(opts.extraReadWrite ?? []), ...toolWritable];
    for (const p of readWrite) {
      if (p !== tmp && p !== home && !exists(p)) {
        throw new Error(`The writable path ${p} (policy '${policy.name}' or extraReadWrite) does not exist; create it before starting the sandbox or remove it from the policy.`);
      }
    }
    const isolate = Boolean(ready.bwrap);
    const monitor = ready.caps.layers.includes('net-monitor');
    const gateway = spec.gateway;
    if (isolate && gateway && !gateway.unixSocket) {
      throw new Error(`The sandbox '${spec.name}' confines the network to the model gateway, which must then listen on a Unix socket too (SandboxSpec.gateway.unixSocket).`);
    }
    // In a network namespace nothing but the relay is reachable, so the only port Landlock allows is the gateway's.
    const connectPorts = isolate ? (gateway ? [gateway.port] : []) : [...policy.egress.map((e) => e.port), ...(gateway ? [gateway.port] : [])];
    const toolShell = opts.toolSandbox ? toolShellFor(ready.launcher) : undefined;
    const layout: SandboxLayout = {
      launcher: ready.launcher,
      bwrap: ready.bwrap,
      landlockAbi: ready.caps.landlockAbi,
      cwd: opts.cwd ?? spec.workdir,
      readOnly: [...policy.readOnly, ready.launcher, ...(toolShell ? [toolShell] : [])],
      readWrite,
      readOnlyOverlays: opts.extraReadOnly ?? [],
      connectPorts,
      privateTmp,
      hide: [...DEFAULT_HIDDEN_PATHS, ...sshAgentPaths(), ...(this.options.hide ?? [])],
      allowDegraded: this.options.allowDegraded ?? false,
      isRoot: process.getuid?.() === 0,
      net: { isolate, monitor, ...(gateway ? { gateway } : {}), allowTcp: policy.egress.filter((e) => /^\d{1,3}(\.\d{1,3}){3}$/.test(e.host)).map((e) => `${e.host}:${e.port}`) },
      ...(events ? { eventsFd: EVENTS_FD } : {}),
    };
    const env = sandboxEnv(opts.env, { home, tmpdir: tmp });
    if (opts.toolSandbox && toolShell) {
      const view = ready.bwrap ? { privateTmp, rebound: reboundUnderTmp(layout) } : undefined;
      const rules = toolSandboxRules(
        { readOnly: [...layout.readOnly, ...(layout.readOnlyOverlays ?? [])], readWrite: ['/dev/null', tmp, ...readWrite] },
        { hide: opts.toolSandbox.hide, readWrite: [opts.toolSandbox.home] },
        view,
      );
      env.SHELL = toolShell;
      env.NEMOCOG_TOOL_SANDBOX = encodeRules(rules);
      env.NEMOCOG_TOOL_HOME = opts.toolSandbox.home;
      env.NEMOCOG_TOOL_TMPDIR = join(tmp, 'tool');
    }
    return {
      command: [...(spec.enter ?? []), ...buildCommand(layout, argv)],
      cwd: layout.cwd,
      env,
      layout,
      label: ready.caps.label,
      usedBwrap: Boolean(ready.bwrap),
    };
  }
}

/** One JSON line from the launcher's events fd; anything malformed is ignored (the fd is ours, but be strict). */
function parseEvent(line: string): SandboxEvent | undefined {
  try {
    const e = JSON.parse(line) as SandboxEvent;
    return e && (e.type === 'net' || e.type === 'enforced') ? e : undefined;
  } catch {
    return undefined;
  }
}

/** The host's own namespace ids, to tell which ones the sandbox really has of its own. */
export function hostNamespaces(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ns of ['mnt', 'pid', 'net', 'ipc', 'user', 'uts', 'cgroup']) {
    try {
      out[ns] = readlinkSync(`/proc/self/ns/${ns}`);
    } catch {
      // not visible here
    }
  }
  return out;
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
