import { parseCommandArgs } from '../args';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Store } from '../../core/store/store';
import { storeDirFor } from '../../core/store/paths';
import { CliError } from '../errors';
import { describeRuns, formatRunSummary } from '../inspectModel';

export const INSPECT_USAGE = `  nemocog inspect [--json] [--run <runId>] [<workspace>]
  Prints the runs recorded in the workspace (default: the current folder), their branches and steps.`;

export async function inspectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' }, run: { type: 'string' } }, INSPECT_USAGE, true);
  const workspace = resolve(positionals[0] ?? '.');
  const dir = storeDirFor(workspace);
  if (!existsSync(dir)) {
    throw new CliError(`No NemoCognition store in ${workspace}.`, 'Run `nemocog run` or `npm run demo -- --headless --workspace <dir>` there first.');
  }
  const store = await Store.open(dir, { readOnly: true });
  try {
    const runs = describeRuns(store, values.run);
    if (values.json) console.log(JSON.stringify(runs.length === 1 ? runs[0] : { runs }, null, 2));
    else for (const r of runs) console.log(formatRunSummary(r));
    for (const w of store.openReport.warnings) console.error(`warning: ${w}`);
  } finally {
    await store.close();
  }
  return 0;
}
