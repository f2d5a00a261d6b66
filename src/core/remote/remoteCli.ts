/**
 * One `nemocog run --events` on the far side of an SSH connection (a remote
 * host or a NemoClaw sandbox), streamed back: its listener events go to the
 * local listener, its journaled events to the local replica, and its summary
 * is returned. The model on this machine's loopback is reached through a
 * reverse forward on the same connection; the key and anything else secret
 * travel on the channel's stdin, never on a command line.
 */
import type { StoreEvent } from '../model/events';
import type { ReplicaWriter } from '../replica/replicaWriter';
import type { RunListener, RunSummary, SupervisedRunOptions } from '../run/api';
import { SshError, type SshTransport } from '../sandbox/ssh';
import { EventReader } from './events';

const LOOPBACK = /^(https?:\/\/)(127\.0\.0\.1|localhost|\[::1\])(:(\d+))?(\/.*)?$/;

/** The model URL as seen from the far side: a loopback URL gets a reverse forward on `transport`. */
export async function modelUrlThrough(transport: SshTransport, baseUrl: string, where: string, listener: RunListener): Promise<string> {
  const m = LOOPBACK.exec(baseUrl);
  if (!m) return baseUrl;
  const localPort = Number(m[4] ?? (m[1] === 'https://' ? 443 : 80));
  const remotePort = await transport.forwardRemote(0, localPort);
  listener.narration?.(`The model on this machine is reached from ${where} through an SSH reverse forward (remote port ${remotePort}).`, Date.now());
  return `${m[1]}127.0.0.1:${remotePort}${m[5] ?? ''}`;
}

/** The `run` arguments every remote supervisor gets (after the CLI command itself). */
export function remoteRunArgs(opts: SupervisedRunOptions, workspace: string, modelUrl: string): string[] {
  return [
    'run',
    '--events',
    '--api-key-stdin',
    '--task', opts.task,
    '--workspace', workspace,
    '--driver', opts.driver,
    // The user already confirmed these choices locally (modal or flag); the remote CLI asks again otherwise.
    ...(opts.driver === 'none' ? ['--unsandboxed'] : []),
    ...(opts.allowLandlockOnly ? ['--allow-landlock-only'] : []),
    '--model-url', modelUrl,
    '--model', opts.model.model,
    '--max-recoveries', String(opts.maxRecoveries),
    '--timeout-seconds', String(Math.ceil(opts.timeoutMs / 1000)),
    '--reasoning', opts.model.reasoning ?? 'adaptive',
    ...(opts.policyFile ? ['--policy', opts.policyFile] : []),
    // TODO(nemocog): a policy on the remote host wider than the default is refused there (PolicyNotApprovedError);
    // approving it from this side (show the remote file's widening, then pass --trust-policy) is not wired yet.
    ...(opts.snapshotIgnore ?? []).flatMap((g) => ['--ignore', g]),
  ];
}

export interface RemoteCliRun {
  transport: SshTransport;
  argv: string[];
  /** Remote working directory (relative to where the session starts, or absolute). */
  cwd?: string;
  /** Lines for the remote stdin after the API key (e.g. a continuation). */
  stdinLines?: string[];
  apiKey?: string;
  /** Where the run happens, for messages ("host x", "sandbox y"). */
  where: string;
  /** How to check the remote CLI, for the message when it ends without a result. */
  cliHint: string;
  listener: RunListener;
  replica?: ReplicaWriter;
  /** Every replicated event, after the replica took it (e.g. to learn the run id early). */
  onRecord?: (seq: number, event: StoreEvent) => void;
  signal?: AbortSignal;
}

export async function runRemoteCli(r: RemoteCliRun): Promise<RunSummary> {
  const reader = new EventReader({
    ...r.listener,
    record: (seq, event) => {
      r.replica?.push(seq, event);
      r.onRecord?.(seq, event);
      r.listener.record?.(seq, event);
    },
  });
  const res = await r.transport.exec(r.argv, {
    stdin: [r.apiKey ?? '', ...(r.stdinLines ?? [])].map((l) => `${l}\n`).join(''),
    signal: r.signal,
    ...(r.cwd ? { cwd: r.cwd } : {}),
    onOutput: (stream, chunk) => (stream === 'stdout' ? reader.push(chunk) : undefined),
  });
  reader.end();
  if (reader.summary) return reader.summary;
  if (res.cancelled) {
    throw Object.assign(new Error(`The run in ${r.where} was cancelled before it reported a result.`), { fix: 'Nothing to do: what it recorded up to then is kept.' });
  }
  throw new SshError(
    'unknown',
    `NemoCognition in ${r.where} ended without a result (exit ${res.exitCode ?? res.signal}): ${lastLine(res.stderr)}`,
    r.cliHint,
    res.stderr.slice(-2000),
  );
}

function lastLine(text: string): string {
  return text.trim().split(/\r?\n/).filter(Boolean).pop()?.slice(0, 300) ?? 'no output';
}
