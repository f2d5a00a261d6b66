/**
 * The replay scrubber end to end, in the real workbench (code-server + Debian Chromium), on runs recorded by
 * the real demo (`nemocog demo --headless`: OpenClaw in the Landlock sandbox, a kernel denial, a recovery):
 *   - reads the DAG from inside the webview: two lanes, a fork edge, the denial glyph;
 *   - scrubs with the keyboard only, Space playing to the end; jumps to the denial with `]`;
 *   - the Policy tab names the rule;
 *   - the files changed at a step open the diff editor (one file) and the multi-file diff editor (all);
 *   - compares the failed branch with its recovery;
 *   - forks from a node of the failed branch with a new instruction and sees a third lane complete;
 *   - a run whose model text, tool output and memory hold `<img onerror>`, `</script>` and a `javascript:` link
 *     (scenario hostile-text) shows them as text in every tab, and no script runs;
 *   - axe-core, inside the real webview, in dark, light and high-contrast themes: no serious or critical violation.
 * Screenshots and the axe reports go to test-results/e2e/scrubber-*.
 *
 *   node .ci/install-code-server.mjs && npm run build
 *   npx mocha test/e2e/scrubber.e2e.test.ts       # ~6 min (two recorded runs, a fork, three themes)
 * NEMOCOG_E2E_VSIX=<file> reuses a packaged extension; NEMOCOG_E2E_RECORDED=<dir> copies a workspace already
 * recorded the same way instead of recording it (for working on the test).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { codeServerInstall, missingPrerequisite, REPO_ROOT, startCodeServer, type RunningCodeServer } from './support/codeServer';
import { sharedVsix } from './support/vsix';
import { openNemoCognitionView, openWorkbench, waitForReplayWebview, type Workbench } from './support/browser';
import { requireAgentRuntimeInstalled } from '../support/agent-runtime';
import { HOSTILE_MARKUP } from '../../src/core/demo/scenarios/hostileText';

const OUT = path.join(REPO_ROOT, 'test-results', 'e2e');
const THEMES = [
  { id: 'dark', name: 'Default Dark Modern' },
  { id: 'light', name: 'Default Light Modern' },
  { id: 'hc', name: 'Default High Contrast' },
] as const;

interface InspectNode {
  id: string;
  seq: number;
  kind: string;
  name: string;
  status: string;
}
interface InspectRun {
  id: string;
  task: string;
  branches: Array<{ id: string; label: string; status: string; parentNodeId: string | null; nodes: InspectNode[] }>;
}

function cli(args: string[], timeoutMs: number): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/cli.js'), ...args], { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${String(r.error)}` : ''}` };
}

async function shot(page: Page, name: string, sidebarOnly = false): Promise<string> {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `scrubber-${name}.png`);
  await page.mouse.move(900, 880); // no tooltip over the view
  if (sidebarOnly) await page.locator('.part.sidebar').screenshot({ path: file });
  else await page.screenshot({ path: file });
  return file;
}

async function waitForFile(file: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Drags the side bar's sash so the view is `width` px wide (users widen it to watch a replay). */
async function sidebarWidth(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) return;
  await page.mouse.move(box.x + box.width + 1, box.y + 300);
  await page.mouse.down();
  await page.mouse.move(box.x + width, box.y + 300, { steps: 8 });
  await page.mouse.up();
}

describe('e2e: the replay scrubber in the workbench, on a recorded demo run', function () {
  this.timeout(180_000);
  let tmp: string;
  let workspace: string;
  let run: InspectRun;
  let hostileRun: InspectRun;
  let cs: RunningCodeServer | undefined;
  let wb: Workbench | undefined;
  let view: Frame;

  const page = () => wb!.page;
  const valueNow = async () => Number(await view.locator('.nc-axis').getAttribute('aria-valuenow'));
  const valueMax = async () => Number(await view.locator('.nc-axis').getAttribute('aria-valuemax'));
  /** Keyboard focus on the scrubber, the webview itself focused first (a click on its margin), as a user's click would. */
  const focusAxis = async () => {
    await view.locator('body').click({ position: { x: 2, y: 2 } });
    await view.locator('.nc-axis').focus();
  };
  /** Selects a step from the Steps list (the graph folds crowded glyphs into one at overview zoom). */
  const selectStep = async (nodeId: string) => {
    await view.locator('.nc-tab[data-tab="steps"]').click();
    await view.locator(`.nc-node[data-node-id="${nodeId}"]`).click();
    await view.locator(`.nc-node[data-node-id="${nodeId}"][aria-selected="true"]`).waitFor({ timeout: 10_000 });
  };
  const lanes = async () => view.locator('.nc-lane-label').evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-branch-id'), label: e.querySelector('.nc-lane-name')?.textContent, cls: e.className })));

  before(async function () {
    this.timeout(1_200_000);
    const inst = codeServerInstall();
    const why = missingPrerequisite(inst) ?? (fs.existsSync(path.join(REPO_ROOT, 'dist/cli.js')) ? null : 'dist/cli.js is not built: run `npm run build`');
    if (why) {
      if (process.env.CI === 'true') throw new Error(`[e2e] ${why}`);
      console.warn(`\n  [e2e] SKIPPED — ${why}\n`);
      this.skip();
    }
    const runtime = requireAgentRuntimeInstalled(this);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nemocog-e2e-scrubber-'));
    workspace = path.join(tmp, 'workspace');
    fs.mkdirSync(workspace);
    const t0 = Date.now();
    if (process.env.NEMOCOG_E2E_RECORDED) {
      // For working on this test: a copy of a workspace recorded the same way (the two runs below).
      fs.cpSync(path.resolve(process.env.NEMOCOG_E2E_RECORDED), workspace, { recursive: true });
    } else {
      // The hostile run first, so the demo run is the newest one, the one the view opens on.
      const hostile = cli(['run', '--workspace', workspace, '--task', 'Write a note.', '--model-url', 'demo', '--scenario', 'hostile-text', '--max-recoveries', '0'], 400_000);
      assert.ok([0, 1].includes(hostile.status ?? -1), `the hostile-text run failed to record:\n${hostile.out.slice(-3000)}`);
      const demo = cli(['demo', '--headless', '--workspace', workspace], 400_000);
      assert.equal(demo.status, 0, `nemocog demo --headless failed:\n${demo.out.slice(-4000)}`);
    }
    const inspect = cli(['inspect', '--json', workspace], 60_000);
    const all = JSON.parse(inspect.out) as { runs: InspectRun[] };
    run = all.runs.find((r) => r.branches.some((b) => b.label === 'recovery-1'))!;
    hostileRun = all.runs.find((r) => r !== run)!;
    assert.ok(run, 'the demo recorded a run with a recovery');
    console.log(`  [e2e] runs recorded in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const vsix = sharedVsix();
    cs = await startCodeServer(inst, {
      workspace,
      vsix,
      settings: { 'nemocognition.model.preset': 'demo', 'nemocognition.agent.runtimeDir': runtime.dir, 'workbench.colorTheme': THEMES[0].name },
    });
    wb = await openWorkbench(inst.chromium, cs.url);
    await openNemoCognitionView(page());
    const frame = await waitForReplayWebview(page(), 60_000);
    assert.ok(frame, 'VS Code says "An error occurred while loading view: nemocognition.replay"');
    view = frame;
    await sidebarWidth(page(), 520);
    await view.locator('.nc-player').waitFor({ timeout: 30_000 });
  });

  after(async function () {
    this.timeout(180_000);
    await wb?.close().catch(() => undefined);
    await cs?.stop().catch(() => undefined);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      const file = await shot(page(), `failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 50)}`).catch(() => '');
      console.log(`  [e2e] failure screenshot: ${file}`);
    }
  });

  it('reads the DAG from inside the webview: two lanes, a fork edge, the denial glyph', async function () {
    const picked = (await view.locator('.nc-run-picker select option:checked').textContent()) ?? '';
    assert.ok(picked.includes(run.task.slice(0, 30)), `the demo run is shown (got ${picked})`);
    const l = await lanes();
    assert.deepEqual(l.map((x) => x.label), ['main', 'recovery-1']);
    assert.match(l[0]!.cls, /nc-lane-failed/);
    assert.equal(await view.locator('.nc-dag-svg').getAttribute('data-lanes'), '2');
    const rec = run.branches.find((b) => b.label === 'recovery-1')!;
    assert.equal(await view.locator(`.nc-fork-edge[data-branch-id="${rec.id}"]`).count(), 1, 'a fork edge leads to the recovery lane');
    const denial = run.branches.flatMap((b) => b.nodes).find((n) => n.kind === 'policy_decision')!;
    assert.equal(await view.locator(`.nc-glyph.nc-denial[data-node-id="${denial.id}"]`).count(), 1, 'the denial has its glyph');
    await shot(page(), '01-scrubber-dark');
  });

  it('scrubs with the keyboard only; Space plays to the end', async function () {
    await focusAxis();
    await page().keyboard.press('Home');
    assert.equal(await valueNow(), 1);
    for (let i = 0; i < 3; i++) await page().keyboard.press('ArrowRight');
    assert.equal(await valueNow(), 4);
    await page().keyboard.press('ArrowLeft');
    assert.equal(await valueNow(), 3);
    assert.match((await view.locator('.nc-axis').getAttribute('aria-valuetext')) ?? '', /^Step 3 of \d+/);
    await view.locator('select[aria-label="Playback speed"]').selectOption('8');
    await focusAxis();
    await page().keyboard.press('Space');
    const max = await valueMax();
    await view.locator(`.nc-axis[aria-valuenow="${max}"]`).waitFor({ timeout: 90_000 });
    await view.locator('button[aria-label="Play (Space)"]').waitFor({ timeout: 10_000 });
    await shot(page(), '02-played-to-the-end-dark', true);
  });

  it('jumps to the denial with ] and the Policy tab names the rule', async function () {
    await focusAxis();
    await page().keyboard.press('Home');
    await page().keyboard.press(']');
    const denial = run.branches.flatMap((b) => b.nodes).find((n) => n.kind === 'policy_decision')!;
    await view.locator('.nc-step h3', { hasText: denial.name.slice(0, 30) }).waitFor({ timeout: 10_000 });
    await view.locator('.nc-tab[data-tab="policy"]').click();
    await view.locator('.nc-decision-deny .nc-rule', { hasText: 'kernel.fs.permission_denied' }).waitFor({ timeout: 10_000 });
    assert.match((await view.locator('.nc-decision-deny').textContent()) ?? '', /Denied.*kernel\.fs\.permission_denied.*kernel.*\/etc\/nemocog-demo/s);
    assert.equal(await view.locator('.nc-scores > li').count(), 5, 'the five classification scores of the denied call');
    await shot(page(), '03-denial-policy-dark', true);
  });

  it('the Model tab reads a model call as a conversation', async function () {
    const llm = run.branches[0]!.nodes.filter((n) => n.kind === 'model_call').at(-1)!;
    await selectStep(llm.id);
    await view.locator('.nc-tab[data-tab="model"]').click();
    await view.locator('.nc-model h4', { hasText: 'Answer' }).waitFor({ timeout: 10_000 });
    const text = (await view.locator('.nc-model').textContent()) ?? '';
    assert.match(text, /nemocog-demo/);
    assert.match(text, /I could not finish the task/);
    const height = await view.locator('.nc-model').evaluate((e) => e.getBoundingClientRect().height);
    assert.ok(height < 3000, `the model call reads in a few screens, not 7,900 px of attributes (${height} px)`);
    await shot(page(), '04-model-conversation-dark', true);
  });

  it('opens the files changed at a step in the diff editor, and all of them in the multi-file diff', async function () {
    const rec = run.branches.find((b) => b.label === 'recovery-1')!;
    const write = rec.nodes.find((n) => n.kind === 'tool_call' && n.name.startsWith('write'))!;
    await selectStep(write.id);
    await view.locator('vscode-button', { hasText: 'Files changed' }).click();
    await view.locator('.nc-tabpanel[data-tab="files"]').waitFor();
    const file = view.locator('.nc-file', { hasText: 'src/greeting.ts' });
    await file.waitFor({ timeout: 20_000 });
    await file.click();
    const diff = page().locator('.monaco-diff-editor');
    await diff.first().waitFor({ state: 'visible', timeout: 20_000 });
    const title = (await page().locator('.tabs-container .tab.active').innerText()).trim();
    assert.match(title, new RegExp(`greeting\\.ts — recovery-1 step ${write.seq + 1}: before ↔ after`));
    await shot(page(), '05-step-diff-dark');
    // "This step vs my workspace": the agent's work is not in the workspace (nothing was restored).
    await view.locator('input[type="radio"]').nth(1).check();
    await view.locator('.nc-file', { hasText: 'src/greeting.ts' }).waitFor({ timeout: 20_000 });
    await view.locator('vscode-button', { hasText: 'Open all' }).click();
    // The multi-file diff editor, titled with what it compares.
    await page().locator('.tabs-container .tab.active', { hasText: /your workspace ↔ recovery-1 step \d+/ }).waitFor({ timeout: 20_000 });
    await page().locator('.multiDiffEditor, .multi-diff-editor, [class*="multiDiff"]').first().waitFor({ state: 'visible', timeout: 20_000 });
    await shot(page(), '06-multi-file-diff-dark');
  });

  it('gives focus back to the view when a file pick opened from it is dismissed with Escape', async function () {
    const rec = run.branches.find((b) => b.label === 'recovery-1')!;
    const last = [...rec.nodes].sort((a, b) => b.seq - a.seq)[0]!;
    await selectStep(last.id);
    await page().keyboard.press('Enter'); // this step vs my workspace: several files differ, so a pick first
    const pick = page().locator('.quick-input-widget .monaco-list-row');
    await pick.first().waitFor({ state: 'visible', timeout: 20_000 });
    await shot(page(), '06b-file-pick-dark');
    await page().keyboard.press('Escape');
    await page().locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    await view.waitForFunction(() => document.hasFocus() && !!document.activeElement?.closest('.nc-steps'), null, { timeout: 10_000 });
    await page().keyboard.press('ArrowUp');
    await view.locator('.nc-node[aria-selected="true"]', { hasNot: view.locator(`[data-node-id="${last.id}"]`) }).first().waitFor({ timeout: 5_000 });
    assert.notEqual(await view.locator('.nc-node[aria-selected="true"]').getAttribute('data-node-id'), last.id, 'the keys go to the list again');
  });

  it('stays readable in a 170 px side bar: step names keep their room, reasons wrap, nothing overflows sideways', async function () {
    await sidebarWidth(page(), 170);
    await view.locator('.nc-tab[data-tab="steps"]').click();
    await page().waitForTimeout(500);
    await shot(page(), '12-narrow-170-dark', true);
    const m = await view.evaluate(() => ({
      names: Math.min(...[...document.querySelectorAll('.nc-node-name')].map((e) => e.getBoundingClientRect().width)),
      timesShown: [...document.querySelectorAll('.nc-node-time')].filter((e) => (e as HTMLElement).offsetParent !== null).length,
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      labels: [...document.querySelectorAll('.nc-branch-label')].map((e) => (e as HTMLElement).scrollWidth <= (e as HTMLElement).clientWidth + 1),
    }));
    await sidebarWidth(page(), 520);
    assert.ok(m.names >= 60, `step names keep at least 60 px (narrowest ${m.names} px)`);
    assert.equal(m.timesShown, 0, 'times give way first');
    assert.ok(m.overflow <= 1, `nothing overflows sideways (${m.overflow} px)`);
    assert.ok(m.labels.every(Boolean), 'branch names are not cut');
  });

  it('compares the failed branch with its recovery', async function () {
    await view.locator('button', { hasText: 'Compare…' }).click();
    await view.locator('.nc-compare').waitFor();
    const pair = await view.locator('.nc-compare select').evaluateAll((s) => s.map((x) => (x as HTMLSelectElement).value));
    const main = run.branches.find((b) => b.label === 'main')!;
    const rec = run.branches.find((b) => b.label === 'recovery-1')!;
    assert.deepEqual(pair, [main.id, rec.id]);
    assert.ok((await view.locator('.nc-cmp-diverge').count()) >= 1, 'where they diverge is marked');
    await view.locator('.nc-compare .nc-file').first().waitFor({ timeout: 20_000 });
    const files = await view.locator('.nc-compare .nc-file-path').allTextContents();
    assert.ok(files.includes('notes/nemocog-demo.txt'), `the recovery's note differs between the tips (got ${files.join(', ')})`);
    await shot(page(), '07-compare-dark', true);
    try {
      await view.locator('.nc-compare vscode-button', { hasText: 'Open all' }).click();
      await page().locator('.tabs-container .tab.active', { hasText: /main step \d+ ↔ recovery-1 step \d+/ }).waitFor({ timeout: 20_000 });
      await shot(page(), '07b-compare-multi-diff-dark');
    } finally {
      await view.locator('button[aria-label="Close compare"]').click();
    }
  });

  it('forks from a node of the failed branch with a new instruction, and a third lane completes', async function () {
    this.timeout(400_000);
    const denied = run.branches.find((b) => b.label === 'main')!.nodes.find((n) => n.kind === 'tool_call' && n.status === 'error')!;
    await selectStep(denied.id);
    await view.locator('vscode-button', { hasText: 'Fork from here' }).click();
    await view.locator('#nc-fork-text').fill('Write the install note into notes/ inside the workspace instead of /etc.');
    await shot(page(), '08-fork-form-dark', true);
    await view.locator('button', { hasText: 'Start fork' }).click();
    await view.locator('.nc-lane-label', { hasText: 'fork-1' }).waitFor({ timeout: 120_000 });
    await shot(page(), '09-fork-live-dark');
    await view.locator('.nc-lane-label.nc-lane-completed', { hasText: 'fork-1' }).waitFor({ timeout: 300_000 });
    await view.evaluate(() => window.scrollTo(0, 0));
    assert.equal(await view.locator('.nc-dag-svg').getAttribute('data-lanes'), '3');
    const l = await lanes();
    const fork = l.find((x) => x.label === 'fork-1')!;
    assert.equal(await view.locator(`.nc-fork-edge[data-branch-id="${fork.id}"]`).count(), 1, "the fork's edge leaves the failed branch");
    await shot(page(), '10-fork-completed-dark');
  });

  it('gutter markers follow the playhead on a restored file; the hover names the step in words', async function () {
    this.timeout(120_000);
    const rec = run.branches.find((b) => b.label === 'recovery-1')!;
    await view.locator('.nc-tab[data-tab="steps"]').click();
    await view.locator('.nc-branch', { has: view.locator('.nc-branch-label', { hasText: /^recovery-1$/ }) }).locator('.nc-restore').click();
    const dialog = page().locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 20_000 });
    await dialog.locator('.monaco-button', { hasText: /^Restore$/ }).click();
    await waitForFile(path.join(workspace, 'src', 'greeting.ts'));
    // Open the restored file as a user does: Quick Open.
    await page().locator('.monaco-workbench').click({ position: { x: 900, y: 5 } }).catch(() => undefined);
    await page().keyboard.press('Control+P');
    const input = page().locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('src/greeting.ts');
    await page().locator('.quick-input-list .monaco-list-row', { hasText: 'greeting.ts' }).first().waitFor({ timeout: 10_000 });
    await page().keyboard.press('Enter');
    const editor = page().locator('.editor-instance .monaco-editor').first();
    await editor.waitFor({ state: 'visible', timeout: 20_000 });
    // With the playhead on the branch's last step, the lines its write made carry the diamond and the note.
    const last = [...rec.nodes].sort((a, b) => b.seq - a.seq)[0]!;
    await selectStep(last.id);
    await editor.locator('.cgmr').first().waitFor({ timeout: 20_000 });
    // The note at the end of the block names the branch, the step and the tool (the markers follow the playhead a moment later).
    const noteIs = (re: string) =>
      page().waitForFunction(
        ([sel, pattern]) => [...document.querySelectorAll(`${sel} .view-line span`)].some((s) => new RegExp(pattern).test(getComputedStyle(s, '::after').content)),
        ['.editor-instance .monaco-editor', re] as const,
        { timeout: 15_000 },
      );
    await noteIs('recovery-1 step \\d+ · write');
    await page().mouse.move(900, 880);
    await shot(page(), '13-gutter-dark');
    // Hovering the line shows who wrote it, in words.
    const line = editor.locator('.view-line').first();
    const box = (await line.boundingBox())!;
    await page().mouse.move(box.x + 40, box.y + box.height / 2);
    const hover = page().locator('.monaco-hover:visible');
    await hover.first().waitFor({ timeout: 15_000 });
    const said = await hover.first().innerText();
    assert.match(said, /NemoCognition · step \d+ of branch recovery-1 · tool call/);
    assert.doesNotMatch(said, /tool_call/);
    await shot(page(), '14-gutter-hover-dark');
    // On the failed branch's own write, the same lines show that write, selected, as of then.
    const mainWrite = run.branches.find((b) => b.label === 'main')!.nodes.find((n) => n.kind === 'tool_call' && n.name.startsWith('write'))!;
    await selectStep(mainWrite.id);
    await page().mouse.move(900, 880);
    await noteIs('selected: main step \\d+ · write');
    await shot(page(), '15-gutter-playhead-dark');
    // Moved before any write, the playhead leaves no marker on those lines.
    await selectStep(rec.nodes.find((n) => n.kind === 'recovery')!.id);
    await page().mouse.move(900, 880);
    await editor.locator('.cgmr').first().waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('shows hostile model text, tool output and memory as text in every tab, and no script runs', async function () {
    const runs = await view.locator('.nc-run-picker option').evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent })));
    const hostile = runs.find((r) => r.text?.includes('Write a note.'));
    assert.ok(hostile, 'the hostile-text run is listed');
    await view.locator('.nc-run-picker select').selectOption(hostile.value);
    await view.locator('.nc-lane-label').first().waitFor({ timeout: 20_000 });
    const markup = HOSTILE_MARKUP[0]!;
    const tabs: Array<[string, string]> = [];
    const steps = hostileRun.branches.flatMap((b) => b.nodes);
    const llm = steps.filter((n) => n.kind === 'model_call').at(-1)!;
    const tool = steps.find((n) => n.kind === 'tool_call' && n.name.startsWith('exec'))!;
    const memory = steps.find((n) => n.kind === 'memory_update')!;
    assert.ok(llm && tool && memory, `the hostile-text run recorded a model call, an exec and a memory update (${steps.map((n) => n.kind).join(', ')})`);
    const check = async (nodeId: string, tab: string) => {
      await selectStep(nodeId);
      await view.locator(`.nc-tab[data-tab="${tab}"]`).click();
      await view.locator('.nc-tabpanel').getByText(markup, { exact: false }).first().waitFor({ timeout: 20_000 });
      tabs.push([tab, nodeId]);
    };
    await check(llm.id!, 'model');
    await check(tool.id!, 'audit');
    await check(tool.id!, 'attributes');
    await check(memory.id!, 'memory');
    await check(tool.id!, 'steps');
    await view.locator('.nc-tab[data-tab="narration"]').click();
    const dom = await view.evaluate(() => ({
      pwned: (window as unknown as { __ncPwned?: number }).__ncPwned,
      img: document.querySelectorAll('img').length,
      // VS Code puts one inline script of its own into the page (acquireVsCodeApi); none may carry the recorded text.
      inlineScripts: [...document.querySelectorAll('script')].filter((s) => !s.src && s.textContent?.includes('__ncPwned')).length,
      jsLinks: document.querySelectorAll('a[href^="javascript:" i]').length,
    }));
    assert.deepEqual(dom, { pwned: undefined, img: 0, inlineScripts: 0, jsLinks: 0 }, `no script ran and no element was made from the recorded text (tabs checked: ${tabs.map((t) => t[0]).join(', ')})`);
    await shot(page(), '11-hostile-text-dark', true);
    // Back to the demo run for the theme pass.
    await view.locator('.nc-run-picker select').selectOption(runs.find((r) => r.text?.includes(run.task.slice(0, 20)))!.value);
    await view.locator('.nc-lane-label').first().waitFor();
  });

  for (const theme of THEMES) {
    it(`axe-core finds no serious or critical violation in the webview, ${theme.id} theme (screenshots kept)`, async function () {
      this.timeout(120_000);
      if (theme.id !== 'dark') {
        // The user settings file, as "Preferences: Color Theme" writes it; the workbench applies it live,
        // or on the next load of the window.
        const settingsFile = path.join(cs!.userDataDir, 'User', 'settings.json');
        const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
        fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'workbench.colorTheme': theme.name }, null, 2));
        const cls = theme.id === 'light' ? 'vscode-light' : 'vscode-high-contrast';
        const applied = await view.waitForFunction((c) => document.body.classList.contains(c), cls, { timeout: 15_000 }).then(() => true, () => false);
        if (!applied) {
          await page().reload({ waitUntil: 'domcontentloaded' });
          await page().locator('.monaco-workbench .activitybar').waitFor({ state: 'visible', timeout: 60_000 });
          await openNemoCognitionView(page());
          view = (await waitForReplayWebview(page(), 60_000))!;
          await view.locator('.nc-player').waitFor({ timeout: 30_000 });
          await view.waitForFunction((c) => document.body.classList.contains(c), cls, { timeout: 30_000 });
        }
      }
      // A denial selected, the Policy tab open: the most coloured state of the view.
      await focusAxis();
      await page().keyboard.press('Home');
      await page().keyboard.press(']');
      await view.locator('.nc-tab[data-tab="steps"]').click();
      await page().waitForTimeout(500);
      await shot(page(), `20-scrubber-${theme.id}`);
      await shot(page(), `21-sidebar-${theme.id}`, true);
      const axe = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
      const report = (await view.evaluate(`${axe};\naxe.run(document, { resultTypes: ['violations'] })`)) as {
        violations: Array<{ id: string; impact: string | null; description: string; nodes: Array<{ target: unknown; failureSummary?: string }> }>;
      };
      fs.writeFileSync(path.join(OUT, `scrubber-axe-${theme.id}.json`), JSON.stringify(report, null, 2));
      const bad = report.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(
        bad.map((v) => `${v.impact} ${v.id}: ${v.description} — ${v.nodes.slice(0, 3).map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join(' | ')}`),
        [],
      );
      // And with the Policy tab and the Model tab open.
      for (const tab of ['policy', 'model']) {
        await view.locator(`.nc-tab[data-tab="${tab}"]`).click();
        await page().waitForTimeout(300);
        const r = (await view.evaluate(`axe.run(document, { resultTypes: ['violations'] })`)) as typeof report;
        fs.writeFileSync(path.join(OUT, `scrubber-axe-${theme.id}-${tab}.json`), JSON.stringify(r, null, 2));
        const worse = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assert.deepEqual(worse.map((v) => `${v.impact} ${v.id} (${tab} tab): ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(' ')}`), []);
      }
      await view.locator('.nc-tab[data-tab="policy"]').click();
      await shot(page(), `22-policy-${theme.id}`);
    });
  }
});
