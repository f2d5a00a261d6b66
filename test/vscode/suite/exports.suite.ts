/**
 * Export Storyboard, Render Run as MP4 and Export Replay as HTML in the real
 * extension host, on the demo run the run suite recorded in this workspace:
 * each command (as the Replay view's menu runs it, with an output path so
 * no save dialog opens) writes its file from the extension's own bundle.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readStoryboard } from '../../../src/core/storyboard';
import { COMMANDS } from '../../../src/vscode/commands/ids';
import { nemoCognition } from './api';

describe('Export Storyboard, Render Run as MP4, Export Replay as HTML', function () {
  this.timeout(300_000);
  let runId: string;
  let dir: string;

  before(async function () {
    const { services } = await nemoCognition();
    const runs = (await services.store.query((s) => s.listRuns())) ?? [];
    const completed = runs.find((r) => r.status === 'completed');
    assert.ok(completed, 'the run suite recorded a completed demo run in this workspace');
    runId = completed.id;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-inhost-exports-'));
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it('Export Storyboard writes a storyboard that validates, with the denial and the recovery', async () => {
    const out = path.join(dir, 'run.storyboard.json');
    await vscode.commands.executeCommand(COMMANDS.exportStoryboard, { runId, out });
    assert.ok(fs.existsSync(out), 'the storyboard was written (the output channel says why if not)');
    const sb = readStoryboard(fs.readFileSync(out, 'utf8'));
    assert.equal(sb.run.id, runId);
    assert.ok(sb.scenes.some((s) => s.kind === 'policy_deny'));
    assert.ok(sb.scenes.some((s) => s.kind === 'recovery'));
  });

  it('Export Replay as HTML writes one self-contained file', async () => {
    const out = path.join(dir, 'run.html');
    await vscode.commands.executeCommand(COMMANDS.exportHtml, { runId, out });
    const html = fs.readFileSync(out, 'utf8');
    assert.match(html, /content="default-src 'none'/);
    assert.match(html, /<script type="application\/json" id="nc-replay-data">/);
    assert.ok(html.includes(runId));
  });

  it('Render Run as MP4 renders through the extension bundle (Chromium via playwright-core, ffmpeg)', async () => {
    const out = path.join(dir, 'run.mp4');
    await vscode.commands.executeCommand(COMMANDS.renderVideo, { runId, out, size: '640x360', fps: 10 });
    assert.ok(fs.existsSync(out), 'the video was written (the output channel says why if not)');
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'json', out], { encoding: 'utf8' })) as { streams: Array<{ width: number; height: number }> };
    assert.deepEqual(probe.streams.map((s) => [s.width, s.height]), [[640, 360]]);
  });
});
