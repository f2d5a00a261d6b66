import { resolve } from 'node:path';
import type { DriverKind } from '../../core/run/api';
import { forkSupervised } from '../../core/run/supervisor';
import { parseCommandArgs } from '../args';
import { CliError } from '../errors';
import { NIM_DEFAULTS, openModel } from '../modelOption';
import { consoleListener, printSummary } from '../output';

export const FORK_USAGE = `  nemocog fork <workspace> --node <nodeId> --task <instruction> [--model-url <url> | --model-url demo] [--model <id>]
              [--driver local|none] [--policy <file>] [--max-recoveries <n>] [--timeout-seconds <s>] [--json]
  Starts a new branch of the node's run from that node (any branch, sealed ones included): a sandbox
  materialised from the node's snapshot, the agent told the original task, what the branch did up to
  the node, and the new instruction. \`nemocog inspect --json <workspace>\` lists node ids.
  --model-url demo uses the scripted offline demo model (no key), e.g. for a run recorded by \`nemocog demo\`.`;

/** `nemocog fork`: "fork from here" on the command line. */
export async function forkCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      node: { type: 'string' },
      task: { type: 'string' },
      driver: { type: 'string', default: 'local' },
      'model-url': { type: 'string', default: NIM_DEFAULTS.baseUrl },
      model: { type: 'string', default: NIM_DEFAULTS.model },
      reasoning: { type: 'string', default: 'adaptive' },
      policy: { type: 'string' },
      'max-recoveries': { type: 'string', default: '2' },
      'timeout-seconds': { type: 'string', default: '600' },
      json: { type: 'boolean' },
    },
    FORK_USAGE,
    true,
  );
  if (positionals.length !== 1) throw new CliError('Name the workspace of the recorded run.', `Usage:\n${FORK_USAGE}`);
  if (!values.node) throw new CliError('No node given.', 'Pass --node <nodeId> (the step to fork from; `nemocog inspect --json <workspace>` lists them).');
  if (!values.task?.trim()) throw new CliError('No instruction given.', 'Pass --task "what the agent should do from that step".');
  const driver = values.driver as DriverKind;
  if (!['local', 'none'].includes(driver)) throw new CliError(`Unknown or unsupported driver "${driver}" for a fork.`, 'Use --driver local (or none, unsafe).');
  const model = await openModel({ url: values['model-url']!, model: values.model, apiKey: process.env.NEMOCOG_API_KEY, reasoning: values.reasoning });
  const controller = new AbortController();
  process.once('SIGINT', () => {
    console.error('\nnemocog: cancelling… (press Ctrl-C again to force)');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  const summary = await forkSupervised(
    {
      workspace: resolve(positionals[0]!),
      nodeId: values.node,
      instruction: values.task,
      driver,
      model: model.endpoint,
      policyFile: values.policy ? resolve(values.policy) : undefined,
      maxRecoveries: Number(values['max-recoveries']),
      timeoutMs: Number(values['timeout-seconds']) * 1000,
      signal: controller.signal,
    },
    values.json ? {} : consoleListener(),
  ).finally(() => model.close());
  if (values.json) console.log(JSON.stringify(summary, null, 2));
  else printSummary(summary);
  return summary.resultBranchId ? 0 : 1;
}
