/**
 * End to end on a REAL recording: `nemocog demo --headless` runs the supervised agent (offline demo model,
 * kernel sandbox) into a fresh workspace, then the real workbench opens it. What the view shows is checked
 * against `nemocog inspect --json` of the same workspace, and a recorded snapshot is compared with the
 * workspace from the steps list (Enter on a step: this step vs my workspace).
 *
 *   node .ci/install-code-server.mjs && npm run build
 *   npx mocha test/e2e/recordedDemo.e2e.test.ts     # ~2 min (the demo run itself takes ~40 s)
 *
 * Skips loudly when code-server/Chromium are not installed or dist/cli.js is not built.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { codeServerInstall, missingPrerequisite, REPO_ROOT, startCodeServer, type RunningCodeServer } from './support/codeServer';
import { missingPart } from '../support/realParts';
import { sharedVsix } from './support/vsix';
import { openNemoCognitionView, openWorkbench, screenshot, screenshotSidebar, waitForReplayWebview, webviewFrame, type Workbench } from './support/browser';

interface InspectNode {
  id: string;
  seq: number;
  kind: string;
  name: string;
  status: string;
  snapshotId: string | null;
}
interface InspectBranch {
  id: string;
  label: string;
  status: string;
  sealReason: string | null;
  nodes: InspectNode[];
}
interface InspectRun {
  id: string;
  task: string;
  status: string;
  branches: InspectBranch[];
}

function cli(args: string[], timeoutMs: number): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/cli.js'), ...args], { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${String(r.error)}` : ''}` };
}

describe('e2e: a run recorded by `nemocog demo --headless`, replayed in the workbench', function () {
  this.timeout(120_000);
  let tmp: string;
  let workspace: string;
  let run: InspectRun;
  let cs: RunningCodeServer | undefined;
  let wb: Workbench | undefined;
  let view: FrameLocator | undefined;

  before(async function () {
    this.timeout(900_000);
    const inst = codeServerInstall();
    const why = missingPrerequisite(inst) ?? (fs.existsSync(path.join(REPO_ROOT, 'dist/cli.js')) ? null : 'dist/cli.js is not built: run `npm run build`');
    if (why) missingPart(this, `the e2e prerequisites: ${why}`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nemocog-e2e-demo-'));
    workspace = path.join(tmp, 'workspace');
    fs.mkdirSync(workspace);
    const t0 = Date.now();
    const demo = cli(['demo', '--headless', '--workspace', workspace], 400_000);
    assert.equal(demo.status, 0, `nemocog demo --headless failed:\n${demo.out.slice(-4000)}`);
    const inspect = cli(['inspect', '--json', workspace], 60_000);
    assert.equal(inspect.status, 0, `nemocog inspect --json failed:\n${inspect.out.slice(-4000)}`);
    run = JSON.parse(inspect.out) as InspectRun;
    console.log(`  [e2e] demo recorded in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${run.branches.map((b) => `${b.label}=${b.status}`).join(', ')}`);
    const vsix = sharedVsix();
    cs = await startCodeServer(inst, { workspace, vsix, settings: { 'nemocognition.model.preset': 'demo' } });
    wb = await openWorkbench(inst.chromium, cs.url);
  });

  after(async function () {
    this.timeout(30_000);
    await wb?.close().catch(() => undefined);
    await cs?.stop().catch(() => undefined);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      const file = await screenshot(wb.page, `failed-demo-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 50)}`).catch(() => '');
      console.log(`  [e2e] failure screenshot: ${file}`);
    }
  });

  it('shows the recorded run, its failed branch and its recovery, every step, as `inspect --json` has them', async function () {
    const page = wb!.page;
    await openNemoCognitionView(page);
    await page.mouse.move(700, 600);
    const frame = await waitForReplayWebview(page, 60_000);
    if (!frame) {
      const errs = wb!.console.filter((m) => m.type === 'error').map((m) => m.text.slice(0, 300));
      assert.fail(`VS Code says "An error occurred while loading view: nemocognition.replay". Workbench console errors:\n${errs.join('\n')}`);
    }
    view = webviewFrame(page);
    await view.locator('.nc-branch').first().waitFor({ timeout: 30_000 });
    const option = (await view.locator('.nc-run-picker select option:checked').textContent()) ?? '';
    assert.ok(option.includes(run.task.slice(0, 30)), `the run picker shows the task (got ${option})`);
    assert.ok(run.branches.some((b) => b.status === 'failed') && run.branches.some((b) => b.status === 'completed'), 'the demo recorded a failed and a completed branch');
    for (const b of run.branches) {
      const header = view.locator('.nc-branch', { has: view.locator('.nc-branch-label', { hasText: new RegExp(`^${b.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
      assert.equal(await header.count(), 1, `branch ${b.label} is listed once`);
      assert.equal((await header.locator('.nc-status').textContent())?.trim(), b.status, `branch ${b.label} status`);
      if (b.sealReason) assert.ok(((await header.textContent()) ?? '').includes(b.sealReason.slice(0, 40)), `branch ${b.label} says why it ended`);
    }
    const shown = await view.locator('.nc-node').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')));
    const recorded = run.branches.flatMap((b) => b.nodes.map((n) => n.id));
    assert.deepEqual([...shown].sort(), [...recorded].sort(), 'every recorded step is listed, none invented');
    // Each branch's steps are listed together, in recording order (seq), not interleaved with its recovery;
    // an agent turn (recorded when it ends) is listed where it started, its steps under it.
    for (const b of run.branches) {
      const mine = new Set(b.nodes.map((n) => n.id));
      const turns = new Set(b.nodes.filter((n) => n.kind === 'agent_turn').map((n) => n.id));
      const expected = [...b.nodes].sort((x, y) => x.seq - y.seq).filter((n) => !turns.has(n.id)).map((n) => n.id);
      const at = shown.map((id, i) => (mine.has(id ?? '') ? i : -1)).filter((i) => i >= 0);
      assert.deepEqual(at.map((i) => shown[i]).filter((id) => !turns.has(id ?? '')), expected, `branch ${b.label} in seq order`);
      assert.equal(at.length ? at.at(-1)! - at[0]! + 1 : 0, at.length, `branch ${b.label}'s steps are contiguous`);
    }
    await screenshot(page, '11-demo-replay');
    await screenshotSidebar(page, '12-demo-sidebar');
  });

  it('the Narration tab tells the recorded run from its recording', async function () {
    assert.ok(view, 'the Replay view did not load (see the first failure)');
    await view.locator('.nc-tab[data-tab="narration"]').click();
    await view.locator('.nc-narration li').first().waitFor({ timeout: 10_000 });
    const lines = (await view.locator('.nc-narration li').allInnerTexts()).join('\n');
    assert.match(lines, /Denied: /, 'the kernel denial is narrated');
    assert.match(lines, /Branch main failed/, "the failed branch's seal is narrated");
    assert.match(lines, /Recovery 1: /, 'the recovery is narrated');
    await screenshotSidebar(wb!.page, '12b-demo-narration');
    await view.locator('.nc-tab[data-tab="steps"]').click();
  });

  it('the kernel denial is selectable and the inspector shows what was recorded for it', async function () {
    assert.ok(view, 'the Replay view did not load (see the first failure)');
    const denial = run.branches.flatMap((b) => b.nodes).find((n) => n.kind === 'policy_decision');
    assert.ok(denial, 'the demo recorded a policy decision');
    await view.locator(`.nc-node[data-node-id="${denial.id}"]`).click();
    await view.locator('.nc-step h3').filter({ hasText: denial.name.slice(0, 30) }).waitFor({ timeout: 10_000 });
    await view.locator('.nc-tab[data-tab="attributes"]').click();
    const inspector = view.locator('.nc-attributes');
    assert.ok((await inspector.locator('.nc-attr').count()) > 0, 'the denial has recorded attributes');
    await screenshotSidebar(wb!.page, '13-demo-denial-inspector');
    // A model call carries the most attributes (messages, tokens): the inspector must still show them all.
    const llm = run.branches.flatMap((b) => b.nodes).find((n) => n.kind === 'model_call');
    assert.ok(llm, 'the demo recorded a model call');
    await view.locator('.nc-tab[data-tab="steps"]').click();
    await view.locator(`.nc-node[data-node-id="${llm.id}"]`).click();
    await view.locator('.nc-step h3').filter({ hasText: llm.name.slice(0, 30) }).waitFor({ timeout: 10_000 });
    await view.locator('.nc-tab[data-tab="attributes"]').click();
    assert.ok((await inspector.locator('.nc-attr').count()) > 0, 'the model call has recorded attributes');
    await inspector.locator('.nc-attrs').evaluate((el) => el.scrollIntoView());
    await screenshotSidebar(wb!.page, '13b-demo-model-call-inspector');
    // Readable in a side bar: the table fits the view and every value gets a usable width
    // (long OpenInference keys such as llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments
    // must not squeeze the values into a one-character column or push them off screen).
    const layout = await inspector.locator('.nc-attrs').evaluate((table) => ({
      view: document.documentElement.clientWidth,
      table: Math.round(table.getBoundingClientRect().width),
      narrowest: Math.min(...[...table.querySelectorAll('dd')].map((dd) => Math.round(dd.getBoundingClientRect().width))),
    }));
    assert.ok(
      layout.table <= layout.view && layout.narrowest >= 60,
      `attribute values are not readable: table ${layout.table}px wide in a ${layout.view}px view, narrowest value column ${layout.narrowest}px (see 13b-demo-model-call-inspector.png)`,
    );
  });

  it('Enter on a recorded step compares it with the workspace in a diff editor', async function () {
    assert.ok(view, 'the Replay view did not load (see the first failure)');
    const page = wb!.page;
    // The completed branch's last snapshot holds the agent's result, which is not in the workspace (nothing was restored).
    const completed = run.branches.find((b) => b.status === 'completed');
    const step = completed?.nodes.filter((n) => n.snapshotId).at(-1);
    assert.ok(step, 'the completed branch recorded a snapshot');
    await view.locator('.nc-tab[data-tab="steps"]').click();
    await view.locator(`.nc-node[data-node-id="${step.id}"]`).click();
    await view.locator('.nc-step h3').filter({ hasText: step.name.slice(0, 30) }).waitFor({ timeout: 10_000 });
    // Enter in the steps list compares the step with the workspace (a pick of the files first when several differ).
    await wb!.page.keyboard.press('Enter');
    // Either a diff editor, or a quick pick of changed files first: both are the product answering.
    const diff = page.locator('.monaco-diff-editor');
    const pick = page.locator('.quick-input-widget .monaco-list-row');
    const toast = page.locator('.notifications-toasts .notification-toast');
    await Promise.race([
      diff.first().waitFor({ state: 'visible', timeout: 20_000 }),
      pick.first().waitFor({ state: 'visible', timeout: 20_000 }),
      toast.first().waitFor({ state: 'visible', timeout: 20_000 }),
    ]).catch(() => undefined);
    if (!(await diff.first().isVisible()) && !(await pick.first().isVisible())) {
      const said = (await toast.allInnerTexts().catch(() => [])).join(' | ');
      assert.fail(`no diff editor and no file pick after Enter on the step${said ? `; notification: ${said}` : ' (and no notification)'}`);
    }
    if (await pick.first().isVisible()) {
      await screenshot(page, '14-demo-compare-pick');
      // A file the workspace has too (the recovery updated README.md), so both sides have text.
      await page.locator('.quick-input-widget input.input').fill('README.md');
      await pick.filter({ hasText: 'README.md' }).first().waitFor({ state: 'visible', timeout: 10_000 });
      await page.keyboard.press('Enter');
      await diff.first().waitFor({ state: 'visible', timeout: 20_000 });
    }
    // Both sides rendered: the workspace's file on the left, the snapshot's on the right (the agent's writes read as additions).
    const right = diff.first().locator('.editor.modified .view-lines');
    const left = diff.first().locator('.editor.original .view-lines');
    await page.waitForFunction(
      (el) => !!el && (el.textContent ?? '').trim().length > 0,
      await left.elementHandle(),
      { timeout: 20_000 },
    );
    const file = (await page.locator('.tabs-container .tab.active').innerText()).trim();
    const fileName = file.split(' ')[0] ?? '';
    assert.match(file, /— your workspace ↔ recovery-1 step \d+/, `the diff editor's title says what is compared, branch and step (got ${file})`);
    const onDisk = fs.readFileSync(path.join(workspace, fileName), 'utf8').split('\n')[0] ?? '';
    assert.ok(((await left.textContent()) ?? '').replace(/\u00a0/g, ' ').includes(onDisk.trim()), `the left side shows the workspace's ${fileName}`);
    assert.notEqual(await left.textContent(), await right.textContent(), 'the snapshot side differs from the workspace side');
    await page.mouse.move(700, 850);
    await screenshot(page, '15-demo-compare-diff');
  });
});
