import { parseCommandArgs } from '../args';
import { CliError } from '../errors';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SCENARIOS, startDemoModel } from '../../core/demo';
import { runSupervised } from '../../core/run/supervisor';
import { seedDemoWorkspace } from '../demoWorkspace';
import { consoleListener, printSummary } from '../output';
import { confirmSandboxChoice } from './run';
import { codeServerInstall, missingPrerequisite, packageVsix, REPO_ROOT, startCodeServer } from '../codeServer';

export const DEMO_TASK =
  'Add a greeting module at src/greeting.ts exporting greet(name), use it from src/index.ts, document it in README.md, and record the install in /etc/nemocog-demo.';

/** The `pair` scenario's task, and its two agents: a coder and a reviewer taking turns. */
export const PAIR_TASK = 'Add a greeting module at src/greeting.ts exporting greet(name) and use it from src/index.ts; the reviewer checks it and files the review in /etc/nemocog-demo-review.';
export const DEMO_PAIR = { coder: 'coder', reviewer: 'reviewer', reviewRounds: 1 } as const;

/**
 * The offline demo: the scripted demo model, the local kernel-enforced sandbox,
 * a supervised run that hits a policy denial and recovers. `--headless` prints
 * a summary and exits; otherwise it also says how to open the result.
 */
export const DEMO_USAGE = `  nemocog demo [--headless | --open] [--workspace <dir>] [--scenario <name>] [--driver local|none] [--json]
  Runs the offline demo: the scripted demo model, the kernel sandbox, a denial and its recovery.
  --headless prints the summary and exits; --open (or a terminal) opens the replay in the workbench.
  Scenarios: ${Object.keys(SCENARIOS).join(', ')}.`;

export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      headless: { type: 'boolean' },
      workspace: { type: 'string' },
      scenario: { type: 'string', default: 'deny-and-recover' },
      driver: { type: 'string', default: 'local' },
      json: { type: 'boolean' },
      open: { type: 'boolean' },
      unsandboxed: { type: 'boolean' },
      'allow-landlock-only': { type: 'boolean' },
    },
    DEMO_USAGE,
  );
  if (!SCENARIOS[values.scenario!]) throw new CliError(`Unknown demo scenario "${values.scenario}".`, `Use one of: ${Object.keys(SCENARIOS).join(', ')}.`);
  confirmSandboxChoice(values.driver as 'local' | 'none', { unsandboxed: values.unsandboxed === true, landlockOnly: values['allow-landlock-only'] === true });
  const workspace = resolve(values.workspace ?? mkdtempSync(join(tmpdir(), 'nemocog-demo-')));
  const seeded = seedDemoWorkspace(workspace);
  const pair = values.scenario === 'pair';
  console.log(`NemoCognition demo: scenario "${values.scenario}"${pair ? ' (two agents: coder and reviewer)' : ''} in ${workspace}${seeded ? ' (new demo project)' : ''}`);
  const model = await startDemoModel({ scenario: values.scenario! });
  let summary;
  try {
    summary = await runSupervised(
      {
        workspace,
        task: pair ? PAIR_TASK : DEMO_TASK,
        ...(pair ? { pair: { ...DEMO_PAIR } } : {}),
        driver: values.driver as 'local' | 'none',
        model: { baseUrl: model.baseUrl, model: model.model },
        maxRecoveries: 2,
        timeoutMs: 180_000,
        ...(values['allow-landlock-only'] ? { allowLandlockOnly: true } : {}),
      },
      values.json ? {} : consoleListener(),
    );
  } finally {
    await model.close();
  }
  if (values.json) console.log(JSON.stringify(summary, null, 2));
  else printSummary(summary);
  // Opening the replay waits for Ctrl-C: only in a terminal, or when asked with --open.
  if (values.open || (!values.headless && !values.json && process.stdout.isTTY)) await openReplay(workspace);
  else if (!values.headless && !values.json) console.log(`\nInspect it:   npx nemocog inspect ${workspace}\nReplay it:    npm run demo -- --open --workspace ${workspace}`);
  return summary.resultBranchId ? 0 : 1;
}

/**
 * Shows the recorded run in the real VS Code workbench (code-server, in the
 * browser) with the extension installed from its .vsix. Where code-server is
 * not installed, says how to get it or how to open the run in VS Code.
 */
async function openReplay(workspace: string): Promise<void> {
  console.log(`\nInspect it:   npx nemocog inspect ${workspace}`);
  const inst = codeServerInstall();
  const missing = missingPrerequisite(inst);
  if (missing && !inst.installed) {
    console.log(`Replay it:    code --extensionDevelopmentPath=${REPO_ROOT} ${workspace}   (then the NemoCognition view in the activity bar)`);
    console.log(`              or install code-server (node .ci/install-code-server.mjs) and run \`npm run demo\` again to open it in the browser.`);
    return;
  }
  console.log('Packaging the extension and starting the workbench (code-server) on the demo workspace…');
  const vsix = packageVsix(join(mkdtempSync(join(tmpdir(), 'nemocog-demo-vsix-')), 'nemocognition.vsix'));
  const cs = await startCodeServer(inst, { workspace, vsix, settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
  console.log(`\n  Replay the run: open ${cs.url} in your browser, then the NemoCognition view in the activity bar.`);
  console.log('  Select a step to inspect it; "Compare with workspace" opens its snapshot as a diff. Press Ctrl-C to stop.\n');
  await new Promise<void>((done) => process.once('SIGINT', () => done()));
  await cs.stop();
}
