/**
 * A supervised run on another host over SSH. The supervisor runs where the
 * files are: `nemocog run` is started on the remote host (its store and
 * snapshots live in the remote workspace, so a snapshot stays O(changed)
 * there), and its events stream back as JSON lines over one shared
 * OpenSSH connection. A model on this machine's loopback (the demo model, a
 * local NIM) is reached through a reverse port forward; the user's key goes
 * over the SSH channel's stdin, never on a command line.
 *
 * Needs on the remote host: Node >= 20, NemoCognition (its dist/cli.js) and
 * the agent runtime (`nemocog install-runtime` there), and the
 * sandbox's own requirements (Landlock, optionally bubblewrap).
 * In a VS Code Remote-SSH window none of this is used: the extension itself
 * runs on the remote host.
 */
import { SshError, SshTransport } from '../sandbox/ssh';
import type { RunListener, RunSummary, SupervisedRunOptions } from '../run/api';
import { EventReader } from './events';

export interface RemoteTarget {
  /** Host alias from ~/.ssh/config (as Remote-SSH uses), or user@host. */
  host: string;
  configFile?: string;
  /** Workspace folder on the remote host. */
  workspace: string;
  /** Command that runs NemoCognition's CLI there, e.g. ['node', '/opt/nemocog/dist/cli.js'] or ['nemocog']. */
  cli: string[];
}

const LOOPBACK = /^(https?:\/\/)(127\.0\.0\.1|localhost|\[::1\])(:(\d+))?(\/.*)?$/;

export async function runSupervisedRemote(opts: SupervisedRunOptions, remote: RemoteTarget, listener: RunListener = {}): Promise<RunSummary> {
  const ssh = new SshTransport({ host: remote.host, configFile: remote.configFile });
  const reader = new EventReader(listener);
  try {
    listener.phase?.('preparing', `Connecting to ${remote.host} over SSH`);
    await ssh.connect();
    let baseUrl = opts.model.baseUrl;
    const m = LOOPBACK.exec(baseUrl);
    if (m) {
      const localPort = Number(m[4] ?? (m[1] === 'https://' ? 443 : 80));
      const remotePort = await ssh.forwardRemote(0, localPort);
      baseUrl = `${m[1]}127.0.0.1:${remotePort}${m[5] ?? ''}`;
      listener.narration?.(`The model on this machine is reached from ${remote.host} through an SSH reverse forward (remote port ${remotePort}).`, Date.now());
    }
    const argv = [
      ...remote.cli,
      'run',
      '--events',
      '--api-key-stdin',
      '--task', opts.task,
      '--workspace', remote.workspace,
      '--driver', opts.driver,
      '--model-url', baseUrl,
      '--model', opts.model.model,
      '--max-recoveries', String(opts.maxRecoveries),
      '--timeout-seconds', String(Math.ceil(opts.timeoutMs / 1000)),
      '--reasoning', opts.model.reasoning ?? 'adaptive',
      ...(opts.policyFile ? ['--policy', opts.policyFile] : []),
      // TODO(nemocog): a policy on the remote host wider than the default is refused there (PolicyNotApprovedError);
      // approving it from this side (show the remote file's widening, then pass --trust-policy) is not wired yet.
      ...(opts.snapshotIgnore ?? []).flatMap((g) => ['--ignore', g]),
    ];
    const res = await ssh.exec(argv, {
      stdin: `${opts.model.apiKey ?? ''}\n`,
      signal: opts.signal,
      onOutput: (stream, chunk) => (stream === 'stdout' ? reader.push(chunk) : undefined),
    });
    reader.end();
    if (reader.summary) return reader.summary;
    throw new SshError(
      'unknown',
      `NemoCognition on ${remote.host} ended without a result (exit ${res.exitCode ?? res.signal}).`,
      `Check that \`${remote.cli.join(' ')} --help\` works on ${remote.host} and that the agent runtime is installed there (nemocog install-runtime).`,
      res.stderr.slice(-2000),
    );
  } finally {
    await ssh.close().catch(() => undefined);
  }
}
