/**
 * The built Replay webview in a real Chromium, under the extension's CSP
 * (see webviewHarness.ts): handshake, rendering of untrusted text as text,
 * keyboard navigation, commands and requests it posts, the empty state, and
 * no CSP violation. Skips (with the reason) when Chromium or the webview
 * bundle is missing; `npm test` builds the bundle first.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PROTOCOL_VERSION, type ReplayBootstrap } from '../../src/protocol/replay';
import { mkBranch, mkNode, mkRun } from './fixtures';
import { serveWebview, WEBVIEW_DIST, type Harness } from './webviewHarness';
import { missingPart } from '../support/realParts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => fs.existsSync(p));
const EVIL = '<img src=x onerror="window.__pwned=1">';

const main = mkBranch('br_main', { status: 'failed', sealReason: `Kernel denied write /etc/x ${EVIL}` });
const rec = mkBranch('br_rec', { parentNodeId: 'nd_snap', parentBranchId: 'br_main', label: 'recovery-1', openedAt: 150 });
const nodes = [
  mkNode('nd_snap', 'br_main', 0, { kind: 'checkpoint', name: 'baseline snapshot', snapshotId: 'snap_1' }),
  mkNode('nd_tool', 'br_main', 1, { name: `exec: ${EVIL}`, attributes: { 'tool.name': 'exec', 'input.value': EVIL } }),
  mkNode('nd_deny', 'br_main', 2, { kind: 'policy_decision', parentNodeId: 'nd_tool', status: 'error', name: 'deny write /etc/x' }),
  mkNode('nd_r0', 'br_rec', 0, { name: 'write src/a.ts', startTime: 160, snapshotId: 'snap_2' }),
];
const boot = (over: Partial<ReplayBootstrap> = {}): ReplayBootstrap => ({
  protocolVersion: PROTOCOL_VERSION,
  workspaceName: 'ws',
  store: { status: 'ready', message: null },
  runs: [mkRun('run_1', { task: `fix it ${EVIL}` })],
  detail: { run: mkRun('run_1'), branches: [main, rec], nodes },
  active: null,
  narration: [{ at: 1, text: `narrated ${EVIL}` }],
  gutterEnabled: true,
  modelPreset: 'demo',
  ...over,
});

type Posted = { kind: string; command?: { type: string; [k: string]: unknown }; request?: { method: string; [k: string]: unknown }; id?: number };

describe('Replay webview in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let harness: Harness | undefined;
  let page: Page;
  let errors: string[];

  before(async function () {
    if (!CHROMIUM) {
      missingPart(this, 'Chromium at /usr/bin/chromium (apt-get install chromium)');
    }
    const bundle = path.join(WEBVIEW_DIST, 'main.js');
    if (!fs.existsSync(bundle) || fs.statSync(bundle).size === 0) {
      missingPart(this, `the webview bundle ${bundle} (run \`npm run build\`, which \`npm test\` does first)`);
    }
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    harness = await serveWebview();
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });
  beforeEach(async () => {
    page = await browser!.newPage();
    errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(harness!.url);
    await page.waitForFunction(() => (window as unknown as { __posted: Posted[] }).__posted.some((m) => m.kind === 'ready'));
  });
  afterEach(async () => {
    await page.close();
  });

  const posted = () => page.evaluate(() => (window as unknown as { __posted: Posted[] }).__posted);
  const send = (m: unknown) => page.evaluate((msg) => window.postMessage(msg, '*'), m);
  const violations = () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);

  it('renders the run from the bootstrap, untrusted text as text', async () => {
    await send({ kind: 'bootstrap', state: boot() });
    await page.locator('.nc-branch-label', { hasText: 'recovery-1' }).waitFor();
    const text = await page.evaluate(() => document.body.innerText);
    assert.ok(text.includes(`exec: ${EVIL}`), 'the hostile node name is shown literally');
    assert.ok(text.includes('Kernel denied write /etc/x'), 'the failed branch and its reason stay visible');
    assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    // The failed branch's steps together, then its recovery, which says where it forked.
    const order = await page.$$eval('.nc-row', (rows) => rows.map((r) => r.getAttribute('data-node-id') ?? r.querySelector('.nc-branch-label')?.textContent));
    assert.deepEqual(order, ['br_main', 'nd_snap', 'nd_tool', 'nd_deny', 'recovery-1', 'nd_r0']);
    assert.ok(text.includes('forked from step #1: baseline snapshot'), 'the recovery names its fork step');
    // A long name is clipped in the row but whole in its tooltip; the agent is not repeated when it is the label.
    assert.equal(await page.locator('[data-node-id="nd_tool"] .nc-node-name').getAttribute('title'), `exec: ${EVIL}`);
    assert.equal((await page.locator('.nc-branch-meta').first().textContent())?.trim(), 'main · 3 steps');
    assert.deepEqual(await violations(), []);
    assert.deepEqual(errors, []);
  });

  it('moves the selection with the keyboard, asks for the step, and opens the diff on Enter', async () => {
    await send({ kind: 'bootstrap', state: boot() });
    await page.locator('.nc-branch-label', { hasText: 'recovery-1' }).waitFor();
    await page.focus('.nc-branches');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (window as unknown as { __posted: Posted[] }).__posted.some((m) => m.command?.type === 'openDiff'));
    const msgs = await posted();
    const selects = msgs.filter((m) => m.command?.type === 'selectNode').map((m) => m.command!.nodeId);
    assert.deepEqual(selects, ['nd_snap', 'nd_tool', 'nd_deny', 'nd_r0']);
    assert.deepEqual(msgs.find((m) => m.command?.type === 'openDiff')?.command, { type: 'openDiff', nodeId: 'nd_r0' });
    const req = msgs.find((m) => m.kind === 'request' && m.request?.method === 'getNodeDetail' && m.request.nodeId === 'nd_r0');
    assert.ok(req, 'the inspector asked for the selected step');
    // The host's reply fills the inspector; attribute values are text.
    await send({ kind: 'reply', id: req!.id, ok: true, result: { node: { ...nodes[3], attributes: { 'output.value': EVIL } }, spans: [], snapshot: { snapshotId: 'snap_2', root: 'r' } } });
    await page.getByText('output.value').waitFor();
    assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);
    // UI state is persisted with setState.
    const state = await page.evaluate(() => (window as unknown as { __state: { selectedNodeId: string } }).__state);
    assert.equal(state.selectedNodeId, 'nd_r0');
    assert.deepEqual(await violations(), []);
    assert.deepEqual(errors, []);
  });

  it('streams narration and appended nodes, and ignores malformed messages', async () => {
    await send({ kind: 'bootstrap', state: boot() });
    await page.locator('.nc-branch-label', { hasText: 'recovery-1' }).waitFor();
    await send({ kind: 'notify', notification: { type: 'nodeAppended', node: mkNode('nd_new', 'br_rec', 1, { name: 'run tests', startTime: 170 }) } });
    await page.getByText('run tests').waitFor();
    await send({ kind: 'notify', notification: { type: 'nodeAppended', node: { id: 'x', name: 'bad shape' } } });
    await send({ kind: 'bootstrap', state: { ...boot(), protocolVersion: 999 } });
    await send('<script>alert(1)</script>');
    await page.waitForTimeout(100);
    const text = await page.evaluate(() => document.body.innerText);
    assert.ok(!text.includes('bad shape'));
    assert.ok(text.includes('run tests'));
    // A recorded run narrates what was recorded: here the failed branch's seal, its reason as text.
    await page.locator('vscode-tab-header', { hasText: 'Narration' }).click();
    await page.locator('.nc-narration').getByText(`Branch br_main failed: Kernel denied write /etc/x ${EVIL}`).waitFor();
    assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);
    assert.deepEqual(errors, []);
  });

  it('explains how to start when there are no runs, and its buttons post commands', async () => {
    await send({ kind: 'bootstrap', state: boot({ runs: [], detail: null, narration: [], modelPreset: 'nim-nemotron' }) });
    await page.getByText('No supervised runs yet').waitFor();
    await page.locator('vscode-button', { hasText: 'Set API Key' }).click();
    await page.locator('vscode-button', { hasText: 'Run Supervised Agent' }).click();
    const types = (await posted()).filter((m) => m.kind === 'command').map((m) => m.command!.type);
    assert.deepEqual(types, ['setApiKey', 'runAgent']);
    assert.deepEqual(await violations(), []);
  });
});
