/**
 * Runs a sandbox driver's commands on another host over SSH.
 *
 * - `nemoclaw` on a remote host needs no wrapper: construct
 *   `new NemoClawDriver({ runner: new SshRunner(transport) })` and the
 *   nemoclaw/openshell/ssh command lines run on that host.
 * - `local` (kernel-enforced) on a remote host: the remote must have the
 *   sandbox launcher (nc-landlock, and bwrap if used) installed; `wrap` turns
 *   (spec, argv) into the launcher command line for that host (the lead wires
 *   it to the local driver's command-line builder with the remote's paths).
 *   checkAvailable verifies the launcher exists there. On loopback (tests,
 *   or a host sharing this filesystem) `wrap: (s, a, o) => local.commandFor(s, a, o)`
 *   with a LocalSandboxDriver is exact. On a real remote host the plan must be
 *   made there (its paths, its kernel probe).
 *   TODO(nemocog): run the planner on the remote (a `nemocog` entry on that host).
 *   Environment: a plain argv inherits the remote login environment; return
 *   `{ argv, env }` from wrap to give the command exactly `env` (`env -i`),
 *   as the local driver's allowlist does (LocalSandboxDriver.commandFor
 *   returns only argv today).
 * - `none`: plain commands on the remote host, unsandboxed (say so loudly).
 *
 * What the remote host needs: sshd reachable with key auth, a POSIX login
 * shell, `ps`/`kill`/`tar`, the agent runtime (e.g. Node 24 + openclaw) and,
 * for `local`, the launcher at `launcherPath`. The agent reaches the local
 * model gateway and supervisor through reverse forwards (`forwardToLocal`).
 * When VS Code runs in a Remote-SSH window the extension already runs on that
 * host and needs none of this.
 */
import { SandboxUnavailableError, type ExecOptions, type ExecResult, type SandboxDriver, type SandboxSpec } from '../driver';
import { SshError } from './errors';
import type { SshTransport } from './transport';

/** A command line, or a command line with the exact environment it must get (replacing the remote login env). */
export type RemoteCommand = string[] | { argv: string[]; env: Record<string, string> };

export interface RemoteSandboxDriverOptions {
  transport: SshTransport;
  kind: 'local' | 'none';
  /** Builds the remote command line for one exec (launcher + policy + argv). Required for kind 'local'. */
  wrap?: (spec: SandboxSpec, argv: string[], opts: ExecOptions) => RemoteCommand | Promise<RemoteCommand>;
  /** Remote path of the sandbox launcher, checked by checkAvailable (kind 'local'). */
  launcherPath?: string;
}

export class RemoteSandboxDriver implements SandboxDriver {
  readonly kind: 'local' | 'none';
  private readonly opts: RemoteSandboxDriverOptions;

  constructor(opts: RemoteSandboxDriverOptions) {
    if (opts.kind === 'local' && !opts.wrap) {
      throw new Error('A remote "local" sandbox needs a wrap() that builds the launcher command line.');
    }
    this.opts = opts;
    this.kind = opts.kind;
  }

  get transport(): SshTransport {
    return this.opts.transport;
  }

  async checkAvailable(): Promise<void> {
    const t = this.opts.transport;
    try {
      await t.connect();
    } catch (err) {
      if (err instanceof SshError) throw new SandboxUnavailableError(err.what, err.fix);
      throw err;
    }
    if (this.kind === 'local' && this.opts.launcherPath) {
      const r = await t.exec(['test', '-x', this.opts.launcherPath]);
      if (r.exitCode !== 0) {
        throw new SandboxUnavailableError(
          `The sandbox launcher ${this.opts.launcherPath} is missing or not executable on ssh host "${t.host}".`,
          `Copy dist/native/nc-landlock there (\`scp dist/native/nc-landlock ${t.host}:${this.opts.launcherPath}\`) or set the remote launcher path in the settings.`,
        );
      }
    }
  }

  async exec(spec: SandboxSpec, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) throw new Error('exec needs a command to run (argv is empty).');
    const cwd = opts.cwd ?? (spec.workdir || undefined);
    const planned = this.opts.wrap ? await this.opts.wrap(spec, argv, { ...opts, cwd }) : argv;
    if (Array.isArray(planned)) return this.opts.transport.exec(planned, { ...opts, cwd });
    return this.opts.transport.exec(planned.argv, { ...opts, cwd, env: planned.env, clearEnv: true });
  }

  /** A port on the remote loopback that reaches `localPort` here (gateway, supervisor). */
  forwardToLocal(localPort: number, remotePort = 0): Promise<number> {
    return this.opts.transport.forwardRemote(remotePort, localPort);
  }

  close(): Promise<void> {
    return this.opts.transport.close();
  }
}
