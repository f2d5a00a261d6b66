/**
 * The built Replay webview in a real Chromium, under the extension's CSP
 * (see webviewHarness.ts): handshake, the DAG and scrubber, the keyboard,
 * rendering of untrusted text as text in every tab, commands and requests it
 * posts, capabilities hiding host-only actions, the empty state, and no CSP
 * violation. Skips (with the reason) when Chromium or the webview bundle is
 * missing; `npm test` builds the bundle first.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { NO_CAPABILITIES, PROTOCOL_VERSION, type ReplayBootstrap } from '../../src/protocol/replay';
import { mkBranch, mkNode, mkRun } from './fixtures';
import { serveWebview, WEBVIEW_DIST, type Harness, type HostData } from './webviewHarness';
import { missingPart } from '../support/realParts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => fs.existsSync(p));
const EVIL = '<img src=x onerror="window.__pwned=1">';
// Every kind of markup a viewer could fall for, as the hostile-text scenario records it.
const HOSTILE = `${EVIL} </script><script>window.__pwned=2</script> [open me](javascript:window.__pwned=3)`;

const main = mkBranch('br_main', { status: 'failed', sealReason: `Kernel denied write /etc/x ${EVIL}`, label: 'main' });
const rec = mkBranch('br_rec', { parentNodeId: 'nd_snap', parentBranchId: 'br_main', label: 'recovery-1', openedAt: 150 });
const llmAttrs = {
  'openinference.span.kind': 'LLM',
  'llm.model_name': 'nemocog-demo',
  'llm.input_messages.0.message.role': 'system',
  'llm.input_messages.0.message.content': `You are an agent. ${HOSTILE}`,
  'llm.input_messages.1.message.role': 'user',
  'llm.input_messages.1.message.content': `Do the task ${HOSTILE}`,
  'llm.output_messages.0.message.role': 'assistant',
  'llm.output_messages.0.message.content': `Answer ${HOSTILE}`,
  'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'exec',
  'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': JSON.stringify({ command: HOSTILE }),
  'llm.output_messages.0.message.reasoning_content': `I think ${HOSTILE}`,
  'llm.token_count.prompt': 412,
  'llm.token_count.completion': 58,
  'nemocognition.llm.latency_ms': 48.3,
};
const nodes = [
  mkNode('nd_snap', 'br_main', 0, { kind: 'checkpoint', name: 'baseline snapshot', snapshotId: 'snap_1', startTime: 100 }),
  mkNode('nd_llm', 'br_main', 1, { kind: 'model_call', name: `model call ${EVIL}`, startTime: 110, attributes: llmAttrs }),
  mkNode('nd_tool', 'br_main', 2, {
    name: `exec: ${EVIL}`,
    startTime: 120,
    status: 'error',
    attributes: {
      'tool.name': 'exec',
      'input.value': JSON.stringify({ command: HOSTILE }),
      'output.value': `sh: ${HOSTILE}: Permission denied`,
      'nemocognition.policy.destructive': 0.3,
      'nemocognition.policy.blast_radius': 0.6,
      'nemocognition.policy.reversibility': 1,
      'nemocognition.policy.security_sensitive': 0.2,
      'nemocognition.policy.cost': 0.02,
      'nemocognition.policy.reasons': [`blast radius: writes outside the workspace ${HOSTILE}`],
    },
  }),
  mkNode('nd_deny', 'br_main', 3, {
    kind: 'policy_decision',
    parentNodeId: 'nd_tool',
    status: 'error',
    name: 'deny write /etc/x',
    startTime: 121,
    attributes: {
      'nemocognition.policy.decision': 'deny',
      'nemocognition.policy.rule': 'kernel.fs.permission_denied',
      'nemocognition.policy.source': 'kernel',
      'nemocognition.policy.path': '/etc/x',
      'nemocognition.policy.detail': `Permission denied ${HOSTILE}`,
    },
  }),
  mkNode('nd_r0', 'br_rec', 0, { name: 'write src/a.ts', startTime: 160, snapshotId: 'snap_2' }),
  mkNode('nd_r1', 'br_rec', 1, { kind: 'memory_update', name: 'memory updated: notes/hostile.md', startTime: 170, snapshotId: 'snap_3' }),
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
  capabilities: { restore: true, diff: true, workspace: true, fork: true, run: true },
  phoenixEndpoint: 'http://127.0.0.1:6006',
  ...over,
});
const hostData = (over: Partial<ReplayBootstrap> = {}): HostData => ({
  bootstrap: boot(over),
  spans: { nd_tool: [{ spanId: '0123456789abcdef', parentSpanId: null, name: 'exec', kind: 'TOOL', status: 'error', attributes: { 'nemocognition.node.id': 'nd_tool' } }] },
  changes: {
    'nd_r0:step': { mode: 'step', left: 'before recovery-1 step 1', right: 'after recovery-1 step 1', files: [{ path: 'src/a.ts', kind: 'added' }], more: 0, note: null },
  },
  memory: {
    nd_r1: {
      atNodeId: 'nd_r1',
      previousNodeId: null,
      files: [{ path: 'notes/hostile.md', text: `# Notes\n${HOSTILE}\n`, bytes: 100, previous: null, status: 'added' }],
    },
  },
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

  async function open(host?: HostData, width = 420): Promise<void> {
    harness!.configure({ host, theme: 'dark-modern' });
    page = await browser!.newPage({ viewport: { width, height: 1000 } });
    errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(harness!.url);
    await page.waitForFunction(() => (window as unknown as { __posted: Posted[] }).__posted.some((m) => m.kind === 'ready'));
  }
  afterEach(async () => {
    await page?.close();
  });

  const posted = () => page.evaluate(() => (window as unknown as { __posted: Posted[] }).__posted);
  const send = (m: unknown) => page.evaluate((msg) => window.postMessage(msg, '*'), m);
  const violations = () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
  const pwned = () => page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);
  const injected = () =>
    page.evaluate(() => ({
      img: document.querySelectorAll('img').length,
      scripts: [...document.querySelectorAll('script')].filter((s) => !s.src).length,
      jsLinks: document.querySelectorAll('a[href^="javascript:" i]').length,
    }));

  it('draws the run as lanes: one per branch, the fork edge, the denial glyph, untrusted text as text', async () => {
    await open();
    await send({ kind: 'bootstrap', state: boot() });
    await page.locator('.nc-dag-svg').waitFor();
    assert.equal(await page.getAttribute('.nc-dag-svg', 'data-lanes'), '2');
    assert.equal(await page.locator('.nc-fork-edge[data-branch-id="br_rec"]').count(), 1);
    assert.equal(await page.locator('.nc-glyph.nc-denial').count(), 1);
    assert.deepEqual(await page.locator('.nc-lane-label .nc-lane-name').allInnerTexts(), ['main', 'recovery-1']);
    assert.match((await page.getAttribute('.nc-dag-svg', 'aria-label')) ?? '', /main \(failed, 4 steps, 1 denied\); recovery-1 \(completed, 2 steps, forked from step 1\)/);
    const text = await page.evaluate(() => document.body.innerText);
    assert.ok(text.includes(`exec: ${EVIL}`), 'the hostile node name is shown literally in the steps list');
    assert.ok(text.includes('Kernel denied write /etc/x'), 'the failed branch and its reason stay visible');
    const order = await page.$$eval('.nc-row', (rows) => rows.map((r) => r.getAttribute('data-node-id') ?? r.querySelector('.nc-branch-label')?.textContent));
    assert.deepEqual(order, ['main', 'nd_snap', 'nd_llm', 'nd_tool', 'nd_deny', 'recovery-1', 'nd_r0', 'nd_r1']);
    assert.ok(text.includes('from step 1: baseline snapshot'), 'the recovery names its fork step');
    assert.equal((await page.locator('.nc-branch-meta').first().textContent())?.trim(), '4 steps', 'one agent: the agent is not named');
    assert.deepEqual(await injected(), { img: 0, scripts: 0, jsLinks: 0 });
    assert.equal(await pwned(), undefined);
    assert.deepEqual(await violations(), []);
    assert.deepEqual(errors, []);
  });

  it('scrubs with the keyboard: → steps through time, ] jumps to the denial, Space plays to the end', async () => {
    await open(hostData());
    await page.locator('.nc-axis').waitFor();
    await page.focus('.nc-axis');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('.nc-axis', 'aria-valuenow'), '2');
    assert.match((await page.getAttribute('.nc-axis', 'aria-valuetext')) ?? '', /^Step 2 of 6, .*model call/);
    await page.keyboard.press(']');
    await page.waitForFunction(() => document.querySelector('.nc-axis')?.getAttribute('aria-valuenow') === '4');
    assert.match((await page.locator('.nc-step h3').textContent()) ?? '', /deny write \/etc\/x/);
    await page.keyboard.press('Home');
    assert.equal(await page.getAttribute('.nc-axis', 'aria-valuenow'), '1');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelector('.nc-axis')?.getAttribute('aria-valuenow') === '6', null, { timeout: 20_000 });
    await page.locator('button[aria-label="Play (Space)"]').waitFor();
    const selects = (await posted()).filter((m) => m.command?.type === 'selectNode').map((m) => m.command!.nodeId);
    assert.deepEqual(selects.slice(-5), ['nd_llm', 'nd_tool', 'nd_deny', 'nd_r0', 'nd_r1'], 'playing visits every step in time order');
    // Every control is labelled and focusable.
    const unlabelled = await page.$$eval('.nc-controls button, .nc-controls select', (els) => els.filter((e) => !e.getAttribute('aria-label')).length);
    assert.equal(unlabelled, 0);
    assert.deepEqual(errors, []);
  });

  it('renders hostile model text, tool output, policy reasons and memory as text in every tab; no script runs', async () => {
    await open(hostData());
    await page.locator('.nc-axis').waitFor();
    const seen: Record<string, boolean> = {};
    const visit = async (nodeId: string, tab: string, mustShow: string) => {
      await page.locator(`.nc-glyph[data-node-id="${nodeId}"]`).click();
      await page.click(`.nc-tab[data-tab="${tab}"]`);
      await page.locator('.nc-tabpanel').getByText(mustShow, { exact: false }).first().waitFor({ timeout: 5_000 });
      seen[`${tab}@${nodeId}`] = true;
      assert.deepEqual(await injected(), { img: 0, scripts: 0, jsLinks: 0 }, `${tab}: no element was made from the text`);
    };
    await visit('nd_llm', 'model', `Answer ${HOSTILE.slice(0, 40)}`);
    await page.locator('.nc-reasoning summary').click();
    await page.locator('.nc-reasoning').getByText(`I think ${EVIL}`, { exact: false }).waitFor();
    await visit('nd_tool', 'policy', 'writes outside the workspace <img');
    await visit('nd_tool', 'audit', 'Permission denied');
    await visit('nd_deny', 'policy', 'kernel.fs.permission_denied');
    await visit('nd_r1', 'memory', '</script><script>');
    await visit('nd_tool', 'attributes', 'javascript:window.__pwned=3');
    await visit('nd_tool', 'steps', `exec: ${EVIL}`);
    await page.click('.nc-tab[data-tab="narration"]');
    await page.locator('.nc-narration').getByText(`Kernel denied write /etc/x ${EVIL}`, { exact: false }).waitFor();
    assert.equal(Object.keys(seen).length, 7);
    assert.equal(await pwned(), undefined, 'no script ran');
    assert.deepEqual(await violations(), [], 'nothing was even attempted against the CSP');
    // The only link is ours: Phoenix, built from the endpoint and the span id, never from recorded text.
    await page.locator('.nc-glyph[data-node-id="nd_tool"]').click();
    const links = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(links, ['http://127.0.0.1:6006/redirects/spans/0123456789abcdef']);
    assert.deepEqual(errors, []);
  });

  it('shows the files a step changed and asks the host to open the diff or the multi-file diff', async () => {
    await open(hostData());
    await page.locator('.nc-glyph[data-node-id="nd_r0"]').click();
    await page.locator('vscode-button', { hasText: 'Files changed' }).click();
    await page.locator('.nc-file', { hasText: 'src/a.ts' }).click();
    await page.locator('vscode-button', { hasText: 'Open all' }).click();
    const cmds = (await posted()).filter((m) => m.kind === 'command').map((m) => m.command);
    assert.deepEqual(cmds.find((c) => c?.type === 'openDiff'), { type: 'openDiff', nodeId: 'nd_r0', path: 'src/a.ts', mode: 'step' });
    assert.deepEqual(cmds.find((c) => c?.type === 'openChanges'), { type: 'openChanges', nodeId: 'nd_r0', mode: 'step' });
    assert.deepEqual(errors, []);
  });

  it('forks from a step of the sealed branch with an instruction', async () => {
    await open(hostData());
    await page.locator('.nc-glyph[data-node-id="nd_tool"]').click();
    await page.locator('vscode-button', { hasText: 'Fork from here' }).click();
    await page.fill('#nc-fork-text', 'Write it inside the workspace');
    await page.click('button:has-text("Start fork")');
    const fork = (await posted()).find((m) => m.command?.type === 'fork')?.command;
    assert.deepEqual(fork, { type: 'fork', nodeId: 'nd_tool', instruction: 'Write it inside the workspace' });
  });

  it('compares the failed branch with its recovery, aligned, divergence marked', async () => {
    await open(hostData());
    await page.locator('button', { hasText: 'Compare…' }).click();
    await page.locator('.nc-compare').waitFor();
    assert.deepEqual(await page.locator('.nc-compare select').evaluateAll((s) => s.map((x) => (x as HTMLSelectElement).value)), ['br_main', 'br_rec']);
    assert.ok((await page.locator('.nc-cmp-diverge').count()) >= 1, 'a point of divergence is marked');
    const req = (await posted()).find((m) => m.request?.method === 'getCompare')?.request;
    assert.deepEqual(req, { method: 'getCompare', leftNodeId: 'nd_deny', rightNodeId: 'nd_r1' }, 'the files compared are those of the two branch tips');
    // Any two steps: a click in a column compares the files at that step.
    await page.locator('.nc-cmp-step', { hasText: 'baseline snapshot' }).click();
    await page.waitForFunction(() => (window as unknown as { __posted: Posted[] }).__posted.some((m) => m.request?.method === 'getCompare' && m.request.leftNodeId === 'nd_snap'));
    await page.getByText('between the two steps picked').waitFor();
  });

  it('hides restore, diffs and fork when the host cannot do them (a static export)', async () => {
    await open({ ...hostData(), bootstrap: boot({ capabilities: NO_CAPABILITIES, phoenixEndpoint: null }) });
    await page.locator('.nc-glyph[data-node-id="nd_r0"]').click();
    await page.locator('.nc-step').waitFor();
    assert.equal(await page.locator('vscode-button', { hasText: 'Restore' }).count(), 0);
    assert.equal(await page.locator('vscode-button', { hasText: 'Fork from here' }).count(), 0);
    assert.equal(await page.locator('.nc-restore').count(), 0);
    await page.click('.nc-tab[data-tab="files"]');
    await page.locator('.nc-file').first().waitFor();
    assert.equal(await page.locator('.nc-file').first().isDisabled(), true);
    assert.equal(await page.locator('text=This step vs my workspace').count(), 0);
  });

  it('streams narration and appended nodes, follows a live run, and ignores malformed messages', async () => {
    await open();
    const active = { task: 't', runId: 'run_1', phase: 'agent' as const, message: 'step 4', startedAt: Date.now() };
    await send({ kind: 'bootstrap', state: boot({ active }) });
    await page.locator('.nc-axis').waitFor();
    await send({ kind: 'notify', notification: { type: 'nodeAppended', node: mkNode('nd_new', 'br_rec', 2, { name: 'run tests', startTime: 180 }) } });
    await page.waitForFunction(() => document.querySelector('.nc-step h3')?.textContent === 'run tests');
    await send({ kind: 'notify', notification: { type: 'nodeAppended', node: { id: 'x', name: 'bad shape' } } });
    await send({ kind: 'bootstrap', state: { ...boot(), protocolVersion: 999 } });
    await send('<script>alert(1)</script>');
    await page.waitForTimeout(100);
    const text = await page.evaluate(() => document.body.innerText);
    assert.ok(!text.includes('bad shape'));
    assert.match(text, /Agent working/);
    // The user takes the playhead: new steps no longer move it.
    await page.focus('.nc-axis');
    await page.keyboard.press('ArrowLeft');
    await send({ kind: 'notify', notification: { type: 'nodeAppended', node: mkNode('nd_new2', 'br_rec', 3, { name: 'later', startTime: 190 }) } });
    await page.waitForTimeout(100);
    assert.notEqual(await page.locator('.nc-step h3').textContent(), 'later');
    await page.click('.nc-tab[data-tab="narration"]');
    await page.locator('.nc-narration').getByText(`Branch main failed: Kernel denied write /etc/x ${EVIL}`).waitFor();
    assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);
    assert.deepEqual(errors, []);
  });

  it('while following a live run, the steps list scrolls itself to the newest step and the view stays on the player', async () => {
    await open();
    const many = Array.from({ length: 80 }, (_, i) => mkNode(`nd_l${i}`, 'br_rec', i + 2, { name: `step ${i}`, startTime: 200 + i }));
    const active = { task: 't', runId: 'run_1', phase: 'agent' as const, message: '', startedAt: Date.now() };
    await send({ kind: 'bootstrap', state: boot({ active, detail: { run: mkRun('run_1'), branches: [main, rec], nodes: [...nodes, ...many] } }) });
    await page.locator('.nc-branches').waitFor();
    await send({ kind: 'notify', notification: { type: 'nodeAppended', node: mkNode('nd_newest', 'br_rec', 90, { name: 'the newest step', startTime: 400 }) } });
    await page.waitForFunction(() => {
      const list = document.querySelector('.nc-branches') as HTMLElement;
      const row = document.querySelector('.nc-node[data-node-id="nd_newest"]') as HTMLElement | null;
      if (!list || !row) return false;
      const l = list.getBoundingClientRect();
      const r = row.getBoundingClientRect();
      return list.scrollTop > 0 && r.top >= l.top - 1 && r.bottom <= l.bottom + 1;
    }, null, { timeout: 5_000 });
    assert.equal(await page.evaluate(() => document.scrollingElement!.scrollTop), 0, 'the view itself did not scroll away from the player');
  });

  it('explains how to start when there are no runs, and its buttons post commands', async () => {
    await open();
    await send({ kind: 'bootstrap', state: boot({ runs: [], detail: null, narration: [], modelPreset: 'nim-nemotron' }) });
    await page.getByText('No supervised runs yet').waitFor();
    await page.locator('vscode-button', { hasText: 'Set API Key' }).click();
    await page.locator('vscode-button', { hasText: 'Run Supervised Agent' }).click();
    await page.locator('button', { hasText: 'Check Setup' }).click();
    const types = (await posted()).filter((m) => m.kind === 'command').map((m) => m.command!.type);
    assert.deepEqual(types, ['setApiKey', 'runAgent', 'checkSetup']);
    assert.deepEqual(await violations(), []);
  });
});
