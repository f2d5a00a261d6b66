/**
 * A supervised run on another host over SSH. The supervisor runs where the
 * files are: `nemocog run` is started on the remote host (its store and
 * snapshots live in the remote workspace, so a snapshot stays O(changed)
 * there), and its events stream back as JSON lines over one shared
 * OpenSSH connection. A model on this machine's loopback (the demo model, a
 * local NIM) is reached through a reverse port forward; the user's key goes
 * over the SSH channel's stdin, never on a command line.
 *
 * TODO(nemocog): a stream cut mid-run leaves the local copy short of what the remote store kept; pull
 * the missing records over SSH (by remote journal seq) when the host is reachable again.
 *
 * The run is replicated as it goes: every event the remote store journals is
 * appended to the local workspace's store (same ids and times), and where its
 * snapshot content lives is noted per user (replica/origins.ts), so a local
 * window replays it and fetches snapshot content over SSH when a diff or a
 * restore first needs it.
 *
 * Needs on the remote host: Node >= 20, NemoCognition (its dist/cli.js) and
 * the agent runtime (`nemocog install-runtime` there), and the
 * sandbox's own requirements (Landlock, optionally bubblewrap).
 * In a VS Code Remote-SSH window none of this is used: the extension itself
 * runs on the remote host.
 */
import * as path from 'node:path';
import { addSource } from '../replica/origins';
import { ReplicaWriter } from '../replica/replicaWriter';
import type { RunListener, RunSummary, SupervisedRunOptions } from '../run/api';
import { SshTransport } from '../sandbox/ssh';
import { modelUrlThrough, remoteRunArgs, runRemoteCli } from './remoteCli';
import { replicaProblem } from './replicaProblem';

export interface RemoteTarget {
  /** Host alias from ~/.ssh/config (as Remote-SSH uses), or user@host. */
  host: string;
  configFile?: string;
  /** Workspace folder on the remote host. */
  workspace: string;
  /** Command that runs NemoCognition's CLI there, e.g. ['node', '/opt/nemocog/dist/cli.js'] or ['nemocog']. */
  cli: string[];
}

/**
 * Runs `opts` on `remote`; `opts.workspace` is the LOCAL workspace, whose
 * store receives the replica (it must not be the remote workspace's own folder
 * when the "remote" host is this machine: both would want the store's lock).
 */
export async function runSupervisedRemote(opts: SupervisedRunOptions, remote: RemoteTarget, listener: RunListener = {}): Promise<RunSummary> {
  const replica = await ReplicaWriter.open({ workspace: opts.workspace, storeDir: opts.storeDir, secrets: opts.model.apiKey ? [opts.model.apiKey] : [] });
  const ssh = new SshTransport({ host: remote.host, configFile: remote.configFile });
  const source = { kind: 'ssh' as const, host: remote.host, ...(remote.configFile ? { configFile: path.resolve(remote.configFile) } : {}), snapshotsDir: path.posix.join(remote.workspace, '.nemocognition', 'snapshots'), cli: remote.cli };
  let summary: RunSummary | undefined;
  try {
    listener.phase?.('preparing', `Connecting to ${remote.host} over SSH`);
    await ssh.connect();
    const modelUrl = await modelUrlThrough(ssh, opts.model.baseUrl, remote.host, listener);
    summary = await runRemoteCli({
      transport: ssh,
      argv: [...remote.cli, ...remoteRunArgs(opts, remote.workspace, modelUrl)],
      apiKey: opts.model.apiKey,
      where: `host ${remote.host}`,
      cliHint: `Check that \`${remote.cli.join(' ')} --help\` works on ${remote.host} and that the agent runtime is installed there (nemocog install-runtime).`,
      listener,
      replica,
      onRecord: (_seq, e) => {
        if (e.type === 'run.started') addSource(e.run.id, opts.workspace, source);
      },
      signal: opts.signal,
    });
    return summary;
  } finally {
    await ssh.close().catch(() => undefined);
    const r = await replica.close();
    const problem = replicaProblem(r);
    if (problem) {
      listener.narration?.(`${problem.message} ${problem.fix}`, Date.now());
      if (summary && !summary.problem) summary.problem = problem;
    }
  }
}
