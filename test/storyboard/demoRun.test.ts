/**
 * The demo run (the real OpenClaw in the kernel sandbox, denied, recovered)
 * leaves the workspace three ways, each through the built CLI as a user runs
 * it: its Storyboard JSON (validated against the shipped schema), an MP4
 * (ffprobe'd; three frames kept under test-results/storyboard and checked
 * for the error colour where a denial is shown), and one HTML file that
 * replays it in Chromium with every network request blocked.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStoryboard, type Storyboard } from '../../src/core/storyboard';
import { TITLE_MS } from '../../src/core/video/layout';
import { requireAgentRuntime, requireBinary, requireLandlock, missingPart } from '../support/realParts';
import { CHROMIUM, CLI, cli, extractFrame, ffprobe, openSharedReplay, pixelAt, recordDemo, resultsDir } from './support';

const W = 960;
const H = 540;

describe('storyboard, MP4 and shared HTML of the demo run (real OpenClaw)', function () {
  this.timeout(15 * 60_000);
  let tmp: string;
  let ws: string;
  let sb: Storyboard;

  before(async function () {
    requireAgentRuntime(this);
    await requireLandlock(this);
    requireBinary(this, 'ffmpeg', 'the MP4 is encoded with Debian ffmpeg (node .ci/ensure-deps.mjs installs it)');
    requireBinary(this, 'ffprobe', 'the MP4 is checked with ffprobe');
    if (!CHROMIUM) missingPart(this, 'Chromium (frames are drawn and the HTML replayed in it)');
    if (!existsSync(CLI)) missingPart(this, 'dist/cli.js (`npm test` builds it; run `npm run build`)');
    tmp = mkdtempSync(join(tmpdir(), 'nc-sb-demo-'));
    ws = join(tmp, 'ws');
    const summary = await recordDemo('deny-and-recover', ws);
    assert.equal(summary.run.status, 'completed', summary.problem?.message);
  });
  after(() => tmp && rmSync(tmp, { recursive: true, force: true }));

  it('`nemocog storyboard` writes JSON that validates against its schema, with a policy_deny and a recovery scene as climaxes', async () => {
    const out = join(tmp, 'run.storyboard.json');
    const r = await cli(['storyboard', ws, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    sb = readStoryboard(readFileSync(out, 'utf8')); // format, version and schema
    const deny = sb.scenes.filter((s) => s.kind === 'policy_deny');
    const recovery = sb.scenes.filter((s) => s.kind === 'recovery');
    assert.ok(deny.length >= 1 && recovery.length >= 1, `kinds: ${sb.scenes.map((s) => s.kind).join(', ')}`);
    assert.ok([...deny, ...recovery].every((s) => s.climax));
    assert.equal(sb.scenes.length, sb.scenes.filter((s) => s.nodeId).length);
    assert.match(deny[0]!.narration, /Permission denied/);
    assert.ok(sb.scenes.some((s) => s.kind === 'tool_call' && s.diff?.files.some((f) => f.path === 'src/greeting.ts' && f.added > 0)), 'a tool call carries the diff of src/greeting.ts');
    assert.ok(sb.scenes.filter((s) => s.kind === 'tool_call').every((s) => s.scores !== null), 'every tool call has its scores');
    assert.deepEqual(sb.branches.map((b) => `${b.label}:${b.status}:${b.origin}`), ['main:failed:start', 'recovery-1:completed:recovery']);
    // The same command without --out prints it.
    const printed = await cli(['storyboard', ws]);
    assert.equal(readStoryboard(printed.stdout).run.id, sb.run.id);
  });

  it('`nemocog render` writes an MP4 of one video stream at the requested size, at least a second per scene; title, denial and end frames are kept', async () => {
    const out = join(tmp, 'run.mp4');
    const r = await cli(['render', ws, '--out', out, '--size', `${W}x${H}`, '--fps', '30']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /100%/, 'the progress bar reached the end');
    const probe = ffprobe(out);
    assert.equal(probe.streams.length, 1, JSON.stringify(probe.streams));
    assert.deepEqual([probe.streams[0]!.codec_type, probe.streams[0]!.codec_name, probe.streams[0]!.width, probe.streams[0]!.height], ['video', 'h264', W, H]);
    assert.equal(probe.streams[0]!.avg_frame_rate, '30/1');
    const duration = Number(probe.format.duration);
    assert.ok(duration >= sb.scenes.length, `${duration} s for ${sb.scenes.length} scenes`);

    const denial = sb.scenes.find((s) => s.kind === 'policy_deny')!;
    const denialAt = (TITLE_MS + sb.scenes.slice(0, denial.index).reduce((t, s) => t + s.timing.screenMs, 0) + denial.timing.screenMs * 0.8) / 1000;
    const dir = resultsDir();
    const frames = { title: 1.5, denial: denialAt, end: duration - 1 };
    for (const [name, at] of Object.entries(frames)) extractFrame(out, at, join(dir, `demo-${name}.png`));
    // The denial is framed in the error colour; the title card is not.
    const [r1, g1, b1] = pixelAt(out, denialAt, 2, H / 2, W);
    assert.ok(r1 > 170 && g1 < 130 && b1 < 130, `denial frame edge is red: ${r1},${g1},${b1}`);
    const [r0, g0, b0] = pixelAt(out, 1.5, 2, H / 2, W);
    assert.ok(r0 < 80 && g0 < 80 && b0 < 80, `title frame edge is the dark stage: ${r0},${g0},${b0}`);
  });

  it('`nemocog export-html` writes one file that replays offline in the scrubber: both lanes, keyboard scrubbing, a step\'s files and diff, compare', async () => {
    const out = join(tmp, 'run.html');
    const r = await cli(['export-html', ws, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-/);
    assert.ok(!html.includes(ws), 'the workspace path stays on this machine');
    const replay = await openSharedReplay(out);
    try {
      const { page } = replay;
      // The Replay app's scrubber, fed by the static host over protocol v2: the DAG in lanes, the fork, the denial.
      await page.locator('.nc-dag-svg').waitFor({ timeout: 30_000 });
      assert.equal(await page.getAttribute('.nc-dag-svg', 'data-lanes'), '2');
      assert.deepEqual(await page.locator('.nc-lane-label .nc-lane-name').allInnerTexts(), ['main', 'recovery-1']);
      assert.equal(await page.locator('.nc-fork-edge').count(), 1, 'the recovery is drawn out of the step it forked from');
      assert.ok((await page.locator('.nc-glyph.nc-denial').count()) >= 1, 'the denial is marked');
      // Host-only actions are hidden (capabilities): no restore, no fork, no "vs my workspace".
      await page.locator('.nc-axis').focus();
      await page.keyboard.press('Home');
      assert.equal(await page.getAttribute('.nc-axis', 'aria-valuenow'), '1');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.getAttribute('.nc-axis', 'aria-valuenow'), '3', 'the arrow keys scrub');
      await page.keyboard.press(']');
      await page.waitForFunction(() => document.querySelector('.nc-glyph.nc-denial.nc-selected, .nc-node-denial.nc-selected') !== null, null, { timeout: 10_000 });
      await page.locator('.nc-step').waitFor();
      assert.equal(await page.locator('vscode-button', { hasText: 'Restore' }).count(), 0);
      assert.equal(await page.locator('vscode-button', { hasText: 'Fork from here' }).count(), 0);
      assert.equal(await page.locator('text=This step vs my workspace').count(), 0);
      // The step that wrote src/greeting.ts: its files (getChanges) and one file's diff from the inlined contents.
      await page.locator('.nc-row.nc-node', { has: page.locator('.nc-node-name', { hasText: /^write: src\/greeting\.ts/ }) }).first().click();
      await page.locator('vscode-button', { hasText: 'Files changed' }).click();
      const file = page.locator('.nc-file', { hasText: 'src/greeting.ts' });
      await file.waitFor({ timeout: 10_000 });
      assert.equal(await file.isDisabled(), false, 'a shared replay can show diffs');
      await file.click();
      const dialog = page.locator('.nc-diff-dialog');
      await dialog.waitFor({ timeout: 10_000 });
      assert.match(await dialog.innerText(), /src\/greeting\.ts/);
      assert.match(await dialog.locator('.nc-add').first().innerText(), /export function greeting/);
      await page.screenshot({ path: join(resultsDir(), 'demo-html-diff.png') });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      // Compare: the failed branch and its recovery side by side, the files that differ between their tips (getCompare).
      await page.locator('button', { hasText: 'Compare…' }).click();
      await page.locator('.nc-compare').waitFor();
      await page.locator('.nc-compare .nc-file').first().waitFor({ timeout: 10_000 });
      await page.locator('.nc-compare .nc-file').first().click();
      await dialog.waitFor({ timeout: 10_000 });
      assert.match(await dialog.innerText(), /↔/);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await page.screenshot({ path: join(resultsDir(), 'demo-html.png'), fullPage: true });
      assert.deepEqual(replay.blocked, [], 'the page asked for nothing from the network');
      assert.deepEqual(replay.errors, []);
    } finally {
      await replay.close();
    }
  });
});
