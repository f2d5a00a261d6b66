/**
 * End to end: the Phoenix mirror in the real workbench (code-server + the packaged .vsix) against the
 * real Phoenix. With `nemocognition.phoenix.enabled` on in user settings, the extension starts
 * `nemocog mirror --follow` in its own process: the status bar says "Phoenix: live" once Phoenix holds
 * the workspace's recorded run (read back through Phoenix's REST API), "failing" with the reason when
 * Phoenix is gone and something new is recorded, and live again after "Retry Phoenix Mirror Now".
 * Screenshots in dark, light and high-contrast themes under test-results/e2e.
 *
 *   node .ci/install-code-server.mjs && node .ci/install-phoenix.mjs && npm run build
 *   npx mocha test/e2e/phoenixMirror.e2e.test.ts
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { traceIdForRun } from '../../src/core/model/ids';
import { storeDirFor } from '../../src/core/store/paths';
import { Store } from '../../src/core/store/store';
import { PhoenixServer, phoenixInstall } from '../support/phoenix';
import { openWorkbench, runCommand, screenshot, type Workbench } from './support/browser';
import { codeServerInstall, missingPrerequisite, startCodeServer, type RunningCodeServer } from './support/codeServer';
import { sharedVsix } from './support/vsix';
import { seedWorkspace, type SeededRun } from './support/seedWorkspace';

const PROJECT = 'e2e';

async function statusItem(page: Page, re: RegExp, timeoutMs: number): Promise<string> {
  const item = page.locator('.statusbar-item', { hasText: re }).first();
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  return (await item.innerText()).trim();
}

/** Preferences: Color Theme → the theme (its label in the picker), as a user switches it. */
async function setTheme(page: Page, theme: string): Promise<void> {
  // "Preferences: Color Theme" itself, not "Preferences: Browse Color Themes in Marketplace", which the palette may list first.
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } }).catch(() => undefined);
  await page.keyboard.press('F1');
  const palette = page.locator('.quick-input-widget input.input');
  await palette.waitFor({ state: 'visible', timeout: 10_000 });
  await palette.fill('>Preferences: Color Theme');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: /^\s*Preferences: Color Theme/ }).first().click({ timeout: 10_000 });
  // The palette closes and the theme picker opens in its place, its input focused: type as a user would.
  await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: /Dark Modern|Light Modern|High Contrast/ })
    .first()
    .waitFor({ state: 'visible', timeout: 15_000 })
    .catch(async (err: Error) => {
      await screenshot(page, 'phoenix-theme-picker-missing');
      throw err;
    });
  await page.keyboard.type(theme);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first().click({ timeout: 10_000 });
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  await page.waitForTimeout(1000);
}

describe('e2e: the Phoenix mirror in the workbench', function () {
  this.timeout(180_000);
  let tmp: string;
  let workspace: string;
  let seeded: SeededRun;
  let phoenix: PhoenixServer | undefined;
  let cs: RunningCodeServer | undefined;
  let wb: Workbench | undefined;

  before(async function () {
    this.timeout(900_000);
    const inst = codeServerInstall();
    const why = missingPrerequisite(inst) ?? (phoenixInstall().installed ? null : 'Phoenix is not installed (node .ci/install-phoenix.mjs)');
    if (why) {
      if (process.env.CI === 'true') throw new Error(`[e2e] ${why}`);
      console.warn(`\n  [e2e] SKIPPED — ${why}\n`);
      this.skip();
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nemocog-e2e-phoenix-'));
    workspace = path.join(tmp, 'workspace');
    seeded = await seedWorkspace(workspace);
    // A hostile repository tries to send the runs elsewhere: these workspace values must be ignored.
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(
      path.join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'nemocognition.phoenix.enabled': false, 'nemocognition.phoenix.endpoint': 'http://127.0.0.1:9/attacker', 'nemocognition.phoenix.project': 'attacker' }),
    );
    phoenix = await PhoenixServer.start({ workDir: path.join(tmp, 'phoenix') });
    const vsix = sharedVsix();
    cs = await startCodeServer(inst, {
      workspace,
      vsix,
      settings: { 'nemocognition.phoenix.enabled': true, 'nemocognition.phoenix.endpoint': phoenix.url, 'nemocognition.phoenix.project': PROJECT },
    });
    wb = await openWorkbench(inst.chromium, cs.url);
  });

  after(async () => {
    await wb?.close().catch(() => undefined);
    await cs?.stop().catch(() => undefined);
    await phoenix?.dispose().catch(() => undefined);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('goes live and Phoenix holds the recorded run, each span once (the repository\'s own Phoenix settings ignored)', async () => {
    const page = wb!.page;
    const text = await statusItem(page, /Phoenix: live/, 120_000).catch(async (err: Error) => {
      await screenshot(page, 'phoenix-status-timeout');
      const items = await page.locator('.statusbar-item').allInnerTexts();
      throw new Error(`${err.message}; status bar: ${JSON.stringify(items)}\n${cs!.log().slice(-3000)}`);
    });
    assert.match(text, /Phoenix: live/);
    const spans = (await phoenix!.spans(PROJECT)).filter((s) => s.context.trace_id === traceIdForRun(seeded.runId));
    const ids = spans.map((s) => s.context.span_id);
    assert.equal(new Set(ids).size, ids.length, 'each span once');
    assert.equal(spans.length, seeded.nodeNames.length + 2 + 1, 'every node, both branches and the run');
    await screenshot(page, 'phoenix-status-live-dark');
  });

  it('says "failing" with the reason when Phoenix is gone, and is live again after "Retry Phoenix Mirror Now"', async () => {
    const page = wb!.page;
    await phoenix!.stop();
    // Something new is recorded (another window's run, say): the mirror tries, and fails.
    const store = await Store.open(storeDirFor(workspace));
    try {
      const t = Date.now();
      await store.append({ type: 'run.started', run: { id: 'run-e2e-0002', task: 'a second run while Phoenix is down', workspace, baselineSnapshotId: null, startedAt: t, driver: 'local', meta: {} } });
      await store.append({ type: 'run.ended', runId: 'run-e2e-0002', status: 'cancelled', at: t + 1000 });
    } finally {
      await store.close();
    }
    await statusItem(page, /Phoenix: failing/, 120_000);
    const item = page.locator('.statusbar-item', { hasText: /Phoenix: failing/ }).first();
    await item.hover();
    await page.locator('.monaco-hover, .workbench-hover').filter({ hasText: /not running/ }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await screenshot(page, 'phoenix-status-failing-dark');
    for (const [theme, name] of [
      ['Light Modern', 'light'],
      ['Dark High Contrast', 'hc'],
    ] as const) {
      await setTheme(page, theme);
      await item.hover();
      await page.locator('.monaco-hover, .workbench-hover').filter({ hasText: /not running/ }).first().waitFor({ state: 'visible', timeout: 15_000 });
      await screenshot(page, `phoenix-status-failing-${name}`);
    }
    await setTheme(page, 'Dark Modern');

    await phoenix!.launch();
    await runCommand(page, 'NemoCognition: Retry Phoenix Mirror Now');
    await statusItem(page, /Phoenix: live/, 120_000);
    const spans = await phoenix!.spans(PROJECT);
    assert.ok(spans.some((s) => s.context.trace_id === traceIdForRun('run-e2e-0002')), 'the run recorded while Phoenix was down arrived');
    const ids = spans.map((s) => s.context.span_id);
    assert.equal(new Set(ids).size, ids.length, 'each span once');
  });

  it('opens its menu from the status bar', async () => {
    const page = wb!.page;
    await page.locator('.statusbar-item', { hasText: /Phoenix: live/ }).first().click();
    const list = page.locator('.quick-input-widget');
    await list.getByText('Retry now').waitFor({ state: 'visible', timeout: 15_000 });
    assert.ok(await list.getByText('Open a run in Phoenix').isVisible());
    await screenshot(page, 'phoenix-menu-dark');
    await page.keyboard.press('Escape');
  });
});
