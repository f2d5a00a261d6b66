import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { DriverKind } from '../../core/run/api';
import { runSupervised } from '../../core/run/supervisor';
import { CliError } from '../errors';
import { eventWriter } from '../../core/remote/events';
import { runSupervisedRemote } from '../../core/remote/remoteRun';
import { consoleListener, printSummary } from '../output';

export const NIM_DEFAULTS = { baseUrl: 'https://integrate.api.nvidia.com/v1', model: 'nvidia/nemotron-3-super-120b-a12b' };

export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      task: { type: 'string' },
      workspace: { type: 'string' },
      driver: { type: 'string', default: 'local' },
      'model-url': { type: 'string', default: NIM_DEFAULTS.baseUrl },
      model: { type: 'string', default: NIM_DEFAULTS.model },
      'max-recoveries': { type: 'string', default: '2' },
      'timeout-seconds': { type: 'string', default: '600' },
      policy: { type: 'string' },
      remote: { type: 'string' },
      json: { type: 'boolean' },
      events: { type: 'boolean' },
      'api-key-stdin': { type: 'boolean' },
      'remote-workspace': { type: 'string' },
      'remote-cli': { type: 'string', default: 'nemocog' },
      'ssh-config': { type: 'string' },
      ignore: { type: 'string', multiple: true },
      reasoning: { type: 'string', default: 'adaptive' },
      'trust-policy': { type: 'boolean' },
    },
  });
  if (!values.task) throw new CliError('No task given.', 'Pass --task "what the agent should do".');
  if (!values.workspace) throw new CliError('No workspace given.', 'Pass --workspace <folder the agent works on>.');
  const driver = values.driver as DriverKind;
  if (!['local', 'nemoclaw', 'none'].includes(driver)) throw new CliError(`Unknown driver "${driver}".`, 'Use --driver local, nemoclaw or none.');
  const apiKey = values['api-key-stdin'] ? await readFirstLine(process.stdin) : process.env.NEMOCOG_API_KEY;
  const controller = new AbortController();
  process.once('SIGINT', () => {
    console.error('\nnemocog: cancelling… (press Ctrl-C again to force)');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  const runOpts = {
    workspace: resolve(values.workspace),
    task: values.task,
    driver,
    model: { baseUrl: values['model-url']!, model: values.model!, apiKey: apiKey || undefined, reasoning: values.reasoning === 'off' ? ('off' as const) : ('adaptive' as const) },
    ...(values.ignore?.length ? { snapshotIgnore: values.ignore } : {}),
    // A remote run's policy path is the remote host's: pass it through unresolved.
    policyFile: values.policy ? (values.remote ? values.policy : resolve(values.policy)) : undefined,
    // A policy wider than the default (e.g. the repository's own .nemocognition/policy.yaml) needs this flag.
    ...(values['trust-policy'] ? { approvePolicy: () => true } : {}),
    maxRecoveries: Number(values['max-recoveries']),
    timeoutMs: Number(values['timeout-seconds']) * 1000,
    signal: controller.signal,
  };
  if (values.events) {
    // Streaming to a remote launcher: when its connection drops, the next write fails (EPIPE).
    // Stop the run cleanly rather than supervise an agent nobody can see any more.
    process.stdout.on('error', () => {
      if (!controller.signal.aborted) controller.abort(new Error('The connection to the launching editor or CLI was lost (its SSH session ended).'));
    });
  }
  const listener = values.events ? eventWriter((l) => process.stdout.write(l)) : values.json ? {} : consoleListener();
  const summary = values.remote
    ? await runSupervisedRemote(
        { ...runOpts, workspace: values['remote-workspace'] ?? values.workspace },
        { host: values.remote, configFile: values['ssh-config'], workspace: values['remote-workspace'] ?? values.workspace, cli: values['remote-cli']!.split(' ') },
        listener,
      )
    : await runSupervised(runOpts, listener);
  if (values.events) {
    process.stdout.write(`${JSON.stringify({ v: 1, type: 'summary', summary })}\n`);
    return summary.resultBranchId ? 0 : 1;
  }
  if (values.json) console.log(JSON.stringify(summary, null, 2));
  else printSummary(summary);
  return summary.resultBranchId ? 0 : 1;
}

/** The API key arrives on stdin (from a remote launcher) so it is never on a command line. */
function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolveLine) => {
    let buf = '';
    const done = () => resolveLine(buf.split('\n')[0]!.trim());
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => {
      buf += d;
      if (buf.includes('\n')) {
        stream.pause();
        done();
      }
    });
    stream.on('end', done);
  });
}
