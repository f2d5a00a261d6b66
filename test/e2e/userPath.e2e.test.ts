/**
 * End to end, doing what a user does, in the real workbench (code-server +
 * Debian's Chromium, NemoCognition installed from the .vsix built from this
 * checkout): "NemoCognition: Run Supervised Agent" from the command palette on
 * the offline demo model (the real OpenClaw in the real kernel sandbox), wait
 * for it to finish, see both branches and the denial in the Replay view,
 * restore the recovered branch from the view and check the files on disk
 * against its snapshot, undo the restore and check them again. A screenshot
 * of each step goes to test-results/e2e/.
 *
 *   npm run build && npx mocha test/e2e/userPath.e2e.test.ts     # ~3 min
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { FrameLocator, Page } from 'playwright-core';
import { seedDemoWorkspace } from '../../src/cli/demoWorkspace';
import { SnapshotEngine } from '../../src/core/snapshots/engine';
import { requireAgentRuntimeInstalled } from '../support/agent-runtime';
import { missingPart } from '../support/realParts';
import { codeServerInstall, missingPrerequisite, REPO_ROOT, startCodeServer, type RunningCodeServer } from './support/codeServer';
import { sharedVsix } from './support/vsix';
import { openNemoCognitionView, openWorkbench, runCommand, screenshot, screenshotSidebar, waitForReplayWebview, webviewFrame, type Workbench } from './support/browser';

interface InspectNode {
  id: string;
  kind: string;
  name: string;
  status: string;
  snapshotId: string | null;
}
interface InspectBranch {
  id: string;
  label: string;
  status: string;
  nodes: InspectNode[];
}
interface InspectRun {
  id: string;
  status: string;
  branches: InspectBranch[];
}

const TASK = 'Add a greeting module, mention it in the README, and record the install in /etc/nemocog-demo';

/** Every file of the workspace (store excluded) with its bytes, for before/after comparisons. */
function filesOf(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === '.nemocognition') continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(root, p), fs.readFileSync(p).toString('base64'));
    }
  };
  walk(root);
  return out;
}

/** Clicks a button of VS Code's modal dialog (the HTML dialog of the web workbench). */
async function answerDialog(page: Page, button: string, shot: string): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  const text = await dialog.innerText();
  await screenshot(page, shot);
  await dialog.locator('.dialog-buttons .monaco-button', { hasText: new RegExp(`^${button}$`) }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  return text;
}

describe('e2e: the user path in the workbench — run from the palette, replay, restore, undo', function () {
  this.timeout(180_000);
  let tmp: string;
  let workspace: string;
  let cs: RunningCodeServer | undefined;
  let wb: Workbench | undefined;
  let view: FrameLocator | undefined;
  let original: Map<string, string>;
  let run: InspectRun | undefined;

  before(async function () {
    this.timeout(900_000);
    const inst = codeServerInstall();
    const why = missingPrerequisite(inst);
    if (why) missingPart(this, `code-server and Chromium for the e2e tests (${why})`);
    const runtime = requireAgentRuntimeInstalled(this);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nemocog-e2e-user-'));
    workspace = path.join(tmp, 'greeter');
    seedDemoWorkspace(workspace);
    original = filesOf(workspace);
    const vsix = sharedVsix();
    cs = await startCodeServer(inst, {
      workspace,
      vsix,
      settings: { 'nemocognition.model.preset': 'demo', 'nemocognition.agent.runtimeDir': runtime.dir },
    });
    wb = await openWorkbench(inst.chromium, cs.url);
  });

  after(async function () {
    this.timeout(90_000);
    await wb?.close().catch(() => undefined);
    await cs?.stop().catch(() => undefined);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      const file = await screenshot(wb.page, `failed-user-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 50)}`).catch(() => '');
      console.log(`  [e2e] failure screenshot: ${file}`);
      const errs = wb.console.filter((m) => m.type === 'error').map((m) => `    ${m.text.slice(0, 300)}`);
      if (errs.length) console.log(`  [e2e] workbench console errors:\n${errs.slice(-15).join('\n')}`);
    }
  });

  it('runs "NemoCognition: Run Supervised Agent" from the command palette and waits for it to finish', async function () {
    this.timeout(420_000);
    const page = wb!.page;
    await runCommand(page, 'NemoCognition: Run Supervised Agent');
    const input = page.locator('.quick-input-widget input.input');
    await page.waitForFunction(() => {
      const i = document.querySelector<HTMLInputElement>('.quick-input-widget input.input');
      return !!i && !i.value.startsWith('>');
    }, undefined, { timeout: 10_000 });
    await input.fill(TASK);
    await screenshot(page, 'user-01-task-typed');
    await page.keyboard.press('Enter');
    // The progress notification names the run while it is live.
    const toasts = page.locator('.notifications-toasts .notification-toast');
    await toasts.filter({ hasText: /NemoCognition/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await screenshot(page, 'user-02-run-in-progress');
    // Done when the closing message appears.
    const done = toasts.filter({ hasText: /NemoCognition: run (completed|failed|error|cancelled)/ });
    await done.first().waitFor({ state: 'visible', timeout: 360_000 });
    const text = await done.first().innerText();
    await screenshot(page, 'user-03-run-finished');
    assert.match(text, /run completed/, `the run completed: ${text}`);
    assert.match(text, /1 denial/, 'the closing message counts the denial');
    // The user's files are untouched until they restore.
    assert.deepEqual(filesOf(workspace), original, 'the run did not write the workspace');
    const inspect = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/cli.js'), 'inspect', '--json', workspace], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(inspect.status, 0, inspect.stderr);
    run = JSON.parse(inspect.stdout) as InspectRun;
  });

  it('the Replay view shows both branches and the denial', async function () {
    assert.ok(run, 'the run did not finish (see the first failure)');
    const page = wb!.page;
    await openNemoCognitionView(page);
    await page.mouse.move(700, 600);
    assert.ok(await waitForReplayWebview(page, 60_000), 'VS Code says "An error occurred while loading view: nemocognition.replay"');
    view = webviewFrame(page);
    const failed = run.branches.find((b) => b.status === 'failed');
    const recovered = run.branches.find((b) => b.status === 'completed');
    assert.ok(failed && recovered, `a failed and a completed branch were recorded (${run.branches.map((b) => `${b.label}=${b.status}`).join(', ')})`);
    for (const b of [failed, recovered]) {
      const header = view.locator('.nc-branch', { has: view.locator('.nc-branch-label', { hasText: new RegExp(`^${b.label}$`) }) });
      await header.first().waitFor({ timeout: 30_000 });
      assert.equal((await header.locator('.nc-status').textContent())?.trim(), b.status, `branch ${b.label} shows its status`);
    }
    const denial = failed.nodes.find((n) => n.kind === 'policy_decision');
    assert.ok(denial, 'the failed branch recorded the denial');
    const row = view.locator(`.nc-node[data-node-id="${denial.id}"]`);
    await row.click();
    await view.locator('.nc-step h3').filter({ hasText: denial.name.slice(0, 30) }).waitFor({ timeout: 10_000 });
    await view.locator('.nc-tab[data-tab="policy"]').click();
    await view.locator('.nc-policy').waitFor({ timeout: 10_000 });
    assert.match((await view.locator('.nc-policy').innerText()) ?? '', /kernel\.fs\.permission_denied/, 'the Policy tab names the kernel rule');
    await view.locator('.nc-tab[data-tab="steps"]').click();
    await screenshot(page, 'user-04-replay-denial');
    await screenshotSidebar(page, 'user-05-replay-sidebar');
  });

  it('restores the recovered branch from the view: the files on disk are the branch’s last snapshot', async function () {
    assert.ok(view && run, 'the Replay view did not load (see the first failure)');
    const page = wb!.page;
    const recovered = run.branches.find((b) => b.status === 'completed')!;
    const header = view.locator('.nc-branch', { has: view.locator('.nc-branch-label', { hasText: new RegExp(`^${recovered.label}$`) }) });
    await header.locator('.nc-restore').click();
    const question = await answerDialog(page, 'Restore', 'user-06-restore-confirm');
    assert.match(question, /\d+ files? will be written/, `the confirmation says what will change: ${question}`);
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /Restored the result of branch/ });
    await toast.first().waitFor({ state: 'visible', timeout: 60_000 });
    await screenshot(page, 'user-07-restored');
    // The workspace now holds exactly the branch's last snapshot (the store folder aside).
    const last = recovered.nodes.filter((n) => n.snapshotId).at(-1)!;
    const engine = await SnapshotEngine.open(path.join(workspace, '.nemocognition', 'snapshots'), { changeSource: 'full-scan' });
    const expected = new Map<string, string>();
    try {
      for (const f of engine.listFiles(last.snapshotId!)) expected.set(f, engine.readFile(last.snapshotId!, f)!.toString('base64'));
    } finally {
      engine.close();
    }
    assert.ok(expected.has('src/greeting.ts'), 'the recovered branch wrote src/greeting.ts');
    assert.deepEqual(filesOf(workspace), expected, 'the workspace equals the branch’s last snapshot');
  });

  it('undoes the restore: the files are back as they were', async function () {
    assert.ok(run, 'the run did not finish (see the first failure)');
    const page = wb!.page;
    await runCommand(page, 'NemoCognition: Undo Last Restore');
    await page.waitForTimeout(1_500);
    await screenshot(page, 'user-07b-undo-invoked');
    // The files are the proof; the toast may already have timed out when a slow machine gets here.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !isDeepStrictEqual(filesOf(workspace), original)) await page.waitForTimeout(500);
    await screenshot(page, 'user-08-undone');
    assert.deepEqual(filesOf(workspace), original, 'the workspace is back to the files it had before the restore');
  });
});
