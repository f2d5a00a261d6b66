import { resolve } from 'node:path';
import type { DriverKind, RunContinuation } from '../../core/run/api';
import type { StoreEvent } from '../../core/model/events';
import { runSupervised } from '../../core/run/supervisor';
import { CliError } from '../errors';
import { eventWriter, recordLine } from '../../core/remote/events';
import { runSupervisedRemote } from '../../core/remote/remoteRun';
import { consoleListener, printSummary } from '../output';
import { parseCommandArgs } from '../args';
import { DEMO_MODEL_URL, NIM_DEFAULTS, openModel } from '../modelOption';

export const RUN_USAGE = `  nemocog run --task <text> --workspace <dir> [--driver local|nemoclaw|none]
              [--model-url <url> | --model-url demo [--scenario <name>]] [--model <id>] [--reasoning adaptive|off]
              [--policy <file>] [--ignore <glob>]... [--max-recoveries <n>] [--timeout-seconds <s>] [--json] [--trust-policy]
              [--remote <ssh-alias> [--remote-workspace <dir>] [--remote-cli <command>] [--ssh-config <file>]]
  --model-url demo runs the scripted offline demo model (no key). The key of a real model is read from
  NEMOCOG_API_KEY (or --api-key-stdin), never from arguments.`;

export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
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
      unsandboxed: { type: 'boolean' },
      'allow-landlock-only': { type: 'boolean' },
      scenario: { type: 'string' },
      'trust-policy': { type: 'boolean' },
      // NemoClaw: the sandbox to run in, and how to reach it (see remote/nemoclawRun.ts).
      sandbox: { type: 'string' },
      'nemoclaw-path': { type: 'string' },
      'openshell-path': { type: 'string' },
      'sandbox-cli': { type: 'string' },
      'sandbox-workspace': { type: 'string' },
      // Used by a launcher that runs this command inside a sandbox (NemoClaw): not for people.
      'run-id': { type: 'string' },
      meta: { type: 'string', multiple: true },
      'recorded-driver': { type: 'string' },
      'sandbox-label': { type: 'string' },
      'recovery-handoff': { type: 'boolean' },
      'continue-stdin': { type: 'boolean' },
    },
    RUN_USAGE,
  );
  if (!values.task) throw new CliError('No task given.', 'Pass --task "what the agent should do".');
  if (!values.workspace) throw new CliError('No workspace given.', 'Pass --workspace <folder the agent works on>.');
  const driver = values.driver as DriverKind;
  if (!['local', 'nemoclaw', 'none'].includes(driver)) throw new CliError(`Unknown driver "${driver}".`, 'Use --driver local, nemoclaw or none.');
  confirmSandboxChoice(driver, { unsandboxed: values.unsandboxed === true, landlockOnly: values['allow-landlock-only'] === true });
  if (values.remote && values['model-url'] === DEMO_MODEL_URL) throw new CliError('--model-url demo cannot be used with --remote yet.', 'Start the demo model yourself (npm run demo uses it locally), or run on this machine.');
  // stdin: the key on the first line, then (with --continue-stdin) the run continuation as one JSON line.
  const lines = values['api-key-stdin'] || values['continue-stdin'] ? await readLines(process.stdin, values['continue-stdin'] ? 2 : 1) : [];
  const apiKey = values['api-key-stdin'] ? lines[0] : process.env.NEMOCOG_API_KEY;
  const continuation = values['continue-stdin'] ? parseContinuation(lines[1]) : undefined;
  if (driver === 'nemoclaw' && !values.sandbox) {
    throw new CliError('The nemoclaw driver needs a sandbox.', 'Pass --sandbox <name> (a sandbox from `nemoclaw list`, onboarded with `nemoclaw onboard`).');
  }
  const model = await openModel({ url: values['model-url']!, model: values.model, apiKey, reasoning: values.reasoning, scenario: values.scenario });
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
    model: model.endpoint,
    ...(values.ignore?.length ? { snapshotIgnore: values.ignore } : {}),
    // A remote run's policy path is the remote host's: pass it through unresolved.
    policyFile: values.policy ? (values.remote ? values.policy : resolve(values.policy)) : undefined,
    // A policy wider than the default (e.g. the repository's own .nemocognition/policy.yaml) needs this flag.
    ...(values['trust-policy'] ? { approvePolicy: () => true } : {}),
    maxRecoveries: Number(values['max-recoveries']),
    ...(values['allow-landlock-only'] ? { allowLandlockOnly: true } : {}),
    timeoutMs: Number(values['timeout-seconds']) * 1000,
    signal: controller.signal,
    ...(values['run-id'] ? { runId: values['run-id'] } : {}),
    ...(values.meta?.length ? { runMeta: parseMeta(values.meta) } : {}),
    ...(values['recorded-driver'] ? { recordedDriver: values['recorded-driver'] } : {}),
    ...(values['sandbox-label'] ? { sandboxLabel: values['sandbox-label'] } : {}),
    ...(values['recovery-handoff'] ? { recoveryHandoff: true } : {}),
    ...(continuation ? { continuation } : {}),
    ...(values.events ? { onRecord: (seq: number, event: StoreEvent) => process.stdout.write(recordLine(seq, event)) } : {}),
    ...(driver === 'nemoclaw'
      ? {
          nemoclaw: {
            sandbox: values.sandbox!,
            ...(values['nemoclaw-path'] ? { nemoclawPath: values['nemoclaw-path'] } : {}),
            ...(values['openshell-path'] ? { openshellPath: values['openshell-path'] } : {}),
            ...(values['sandbox-cli'] ? { sandboxCli: values['sandbox-cli'].split(' ').filter(Boolean) } : {}),
            ...(values['sandbox-workspace'] ? { sandboxWorkspace: values['sandbox-workspace'] } : {}),
          },
        }
      : {}),
  };
  if (values.events) {
    // Streaming to a remote launcher: when its connection drops, the next write fails (EPIPE).
    // Stop the run cleanly rather than supervise an agent nobody can see any more.
    process.stdout.on('error', () => {
      if (!controller.signal.aborted) controller.abort(new Error('The connection to the launching editor or CLI was lost (its SSH session ended).'));
    });
  }
  const listener = values.events ? eventWriter((l) => process.stdout.write(l)) : values.json ? {} : consoleListener();
  // A remote run is replicated into the local workspace's store (--workspace); the agent works on --remote-workspace.
  const summary = await (values.remote
    ? runSupervisedRemote(
        runOpts,
        { host: values.remote, configFile: values['ssh-config'], workspace: values['remote-workspace'] ?? values.workspace, cli: values['remote-cli']!.split(' ') },
        listener,
      )
    : runSupervised(runOpts, listener)
  ).finally(() => model.close());
  if (values.events) {
    process.stdout.write(`${JSON.stringify({ v: 1, type: 'summary', summary })}\n`);
    return summary.resultBranchId || summary.handoff ? 0 : 1;
  }
  if (values.json) console.log(JSON.stringify(summary, null, 2));
  else printSummary(summary);
  return summary.resultBranchId ? 0 : 1;
}

/**
 * `--driver none` runs the agent with no sandbox at all: like the editor's
 * modal, it needs an explicit yes (`--unsandboxed`) and says what it means.
 * `--allow-landlock-only` is the other loud opt-in (a weaker local sandbox).
 */
export function confirmSandboxChoice(driver: DriverKind, flags: { unsandboxed: boolean; landlockOnly: boolean }, warn: (text: string) => void = (t) => console.error(t)): void {
  if (driver === 'none') {
    if (!flags.unsandboxed) {
      throw new CliError(
        'The "none" driver runs the agent WITHOUT a sandbox: as you, with your files, your network and your credentials.',
        'Use --driver local (kernel-enforced). Only on a throw-away workspace and machine, add --unsandboxed to confirm you accept that.',
      );
    }
    warn('nemocog: ⚠ WARNING: UNSANDBOXED run (--driver none --unsandboxed): the agent runs with your full user rights; nothing stops it from writing outside its folder, reading your files or reaching the network.');
  }
  if (flags.landlockOnly) {
    warn('nemocog: ⚠ WARNING: --allow-landlock-only: if bubblewrap is missing, the sandbox runs with Landlock alone (pathname sockets such as Docker\'s reachable, network filtered by port with a racy address check).');
  }
}

/** The API key (and a continuation) arrive on stdin from a remote launcher, so they are never on a command line. */
function readLines(stream: NodeJS.ReadableStream, n: number): Promise<string[]> {
  return new Promise((resolveLines) => {
    let buf = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      stream.pause();
      resolveLines(buf.split('\n').slice(0, n).map((l) => l.replace(/\r$/, '')));
    };
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => {
      buf += d;
      if (buf.split('\n').length > n) finish();
    });
    stream.on('end', finish);
  });
}

function parseMeta(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0 || !/^[a-z][a-z0-9_.]*$/.test(p.slice(0, i))) throw new CliError(`--meta "${p}" is not key=value.`, 'Pass --meta nemocognition.x=value.');
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

function parseContinuation(line: string | undefined): RunContinuation {
  let c: RunContinuation;
  try {
    c = JSON.parse(line ?? '') as RunContinuation;
  } catch {
    throw new CliError('--continue-stdin: the second line of stdin is not a JSON run continuation.', 'This flag is for NemoCognition launchers; run without it.');
  }
  const ok = c && typeof c.runId === 'string' && Number.isInteger(c.attempt) && c.attempt >= 1 && typeof c.forkNodeId === 'string' &&
    typeof c.baselineRoot === 'string' && typeof c.message === 'string' && typeof c.why === 'string' && Array.isArray(c.records);
  if (!ok) throw new CliError('--continue-stdin: the run continuation is incomplete.', 'This flag is for NemoCognition launchers; run without it.');
  return c;
}
