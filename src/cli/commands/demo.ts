import { parseArgs } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDemoModel } from '../../core/demo';
import { runSupervised } from '../../core/run/supervisor';
import { seedDemoWorkspace } from '../demoWorkspace';
import { consoleListener, printSummary } from '../output';

export const DEMO_TASK =
  'Add a greeting module at src/greeting.ts exporting greet(name), use it from src/index.ts, document it in README.md, and record the install in /etc/nemocog-demo.';

/**
 * The offline demo: the scripted demo model, the local kernel-enforced sandbox,
 * a supervised run that hits a policy denial and recovers. `--headless` prints
 * a summary and exits; otherwise it also says how to open the result.
 */
export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      headless: { type: 'boolean' },
      workspace: { type: 'string' },
      scenario: { type: 'string', default: 'deny-and-recover' },
      driver: { type: 'string', default: 'local' },
      json: { type: 'boolean' },
    },
  });
  const workspace = resolve(values.workspace ?? mkdtempSync(join(tmpdir(), 'nemocog-demo-')));
  const seeded = seedDemoWorkspace(workspace);
  console.log(`NemoCognition demo: scenario "${values.scenario}" in ${workspace}${seeded ? ' (new demo project)' : ''}`);
  const model = await startDemoModel({ scenario: values.scenario! });
  try {
    const summary = await runSupervised(
      {
        workspace,
        task: DEMO_TASK,
        driver: values.driver as 'local' | 'none',
        model: { baseUrl: model.baseUrl, model: model.model },
        maxRecoveries: 2,
        timeoutMs: 180_000,
      },
      values.json ? {} : consoleListener(),
    );
    if (values.json) console.log(JSON.stringify(summary, null, 2));
    else printSummary(summary);
    if (!values.headless && !values.json) {
      console.log(`\nInspect it:   npx nemocog inspect ${workspace}`);
      console.log(`Open it:      code --extensionDevelopmentPath=${resolve('.')} ${workspace}   (then the NemoCognition view in the activity bar)`);
    }
    return summary.resultBranchId ? 0 : 1;
  } finally {
    await model.close();
  }
}
