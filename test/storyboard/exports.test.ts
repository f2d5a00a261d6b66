/**
 * The exports' own pieces, without a recorded agent run: the video's shot
 * plan, the highlighter, a render cancelled midway (real Chromium and
 * ffmpeg), the error when ffmpeg is missing, the shared replay's data and
 * its answers to protocol v2, and the file's escaping and CSP with hostile
 * text in the data.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Scrubber } from '../../src/core/redact';
import { answerRequest, buildSharedReplay, renderShareHtml, SHARE_DATA_ELEMENT_ID, sideText, stepDiff } from '../../src/core/share';
import { SnapshotEngine } from '../../src/core/snapshots/engine';
import { buildStoryboard, type Storyboard } from '../../src/core/storyboard';
import { highlightLine } from '../../src/core/video/highlight';
import { planShots, shotFrames, TITLE_MS, END_MS } from '../../src/core/video/layout';
import { renderVideo } from '../../src/core/video';
import { mkBranch, mkNode, mkRun } from '../vscode/fixtures';
import { requireBinary } from '../support/realParts';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const SECRET = 'nvapi-share-canary-0123456789abcdef';
const EVIL = '</script><img src=x onerror="window.__pwned=1"><!--';

function syntheticStoryboard(): Storyboard {
  const branches = [mkBranch('br_main', { label: 'main', status: 'failed', sealReason: `Denied ${EVIL}` }), mkBranch('br_rec', { label: 'recovery-1', parentNodeId: 'nd_0', parentBranchId: 'br_main', openedAt: 150 })];
  const nodes = [
    mkNode('nd_0', 'br_main', 0, { kind: 'checkpoint', name: 'workspace baseline' }),
    mkNode('nd_1', 'br_main', 1, { name: `exec: ${EVIL}` }),
    mkNode('nd_2', 'br_main', 2, { kind: 'policy_decision', status: 'error', name: 'deny', attributes: { 'nemocognition.policy.decision': 'deny' } }),
    mkNode('nd_3', 'br_rec', 0, { kind: 'recovery', name: 'recovery 1', startTime: 160 }),
  ];
  return buildStoryboard({ run: mkRun('run_1', { task: `task ${EVIL}` }), branches, nodes });
}

describe('Storyboard exports: pieces', function () {
  this.timeout(120_000);

  it('plans a video that holds every scene at least one second, between a title and an end card', () => {
    const sb = syntheticStoryboard();
    for (const fps of [1, 10, 30]) {
      const shots = planShots(sb, fps);
      assert.equal(shots[0]!.spec.card, 'title');
      assert.equal(shots[shots.length - 1]!.spec.card, 'end');
      for (const s of sb.scenes) {
        const frames = shots.filter((x) => x.spec.card === 'scene' && x.spec.scene === s.index).reduce((n, x) => n + x.repeat, 0);
        assert.ok(frames >= fps, `scene ${s.index} holds ${frames} frames at ${fps} fps`);
      }
      const expected = ((TITLE_MS + END_MS + sb.summary.screenMs) / 1000) * fps;
      assert.ok(Math.abs(shotFrames(shots) - expected) <= sb.scenes.length + 2, `${shotFrames(shots)} frames, expected about ${expected}`);
    }
  });

  it('colours a diff line by its language and keeps every character', () => {
    const line = "export const greet = (n: string) => `Hi ${n}`; // 42";
    const tokens = highlightLine(line, 'src/a.ts');
    assert.equal(tokens.map((t) => t.text).join(''), line);
    assert.deepEqual(tokens.filter((t) => t.kind !== 'plain' && t.kind !== 'punct').map((t) => [t.kind, t.text]), [
      ['keyword', 'export'],
      ['keyword', 'const'],
      ['string', '`Hi ${n}`'],
      ['comment', '// 42'],
    ]);
    assert.deepEqual(highlightLine('# Title', 'README.md'), [{ kind: 'heading', text: '# Title' }]);
  });

  it('stops a render when cancelled, leaving no video and no temporary file', async function () {
    requireBinary(this, 'ffmpeg', 'Debian ffmpeg encodes the MP4');
    requireBinary(this, 'chromium', 'Debian Chromium draws the frames');
    if (!existsSync(join(ROOT, 'dist/film/film.js'))) this.skip(); // `npm test` builds first
    const dir = mkdtempSync(join(tmpdir(), 'nc-render-cancel-'));
    try {
      const controller = new AbortController();
      const out = join(dir, 'run.mp4');
      await assert.rejects(
        renderVideo({ storyboard: syntheticStoryboard(), out, width: 640, height: 360, fps: 10, signal: controller.signal, onProgress: (p) => p.phase === 'drawing' && p.frame > 10 && controller.abort() }),
        (e: Error) => e.name === 'AbortError',
      );
      assert.deepEqual(readdirSync(dir), [], 'nothing left behind');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the install command when ffmpeg is missing', async function () {
    if (!existsSync(CLI)) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nc-no-ffmpeg-'));
    try {
      writeFileSync(join(dir, 'sb.json'), JSON.stringify(syntheticStoryboard()));
      const r = await promisify(execFile)(process.execPath, [CLI, 'render', '--storyboard', join(dir, 'sb.json'), '--out', join(dir, 'run.mp4')], { env: { PATH: '/nonexistent', HOME: dir } }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      assert.equal(r.code, 3);
      assert.match(r.stderr, /ffmpeg is not installed/);
      assert.match(r.stderr, /apt-get install ffmpeg/);
      assert.ok(!existsSync(join(dir, 'run.mp4')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("inlines the workspace at each step, scrubbed, answers protocol v2 from it, and says so when the size limit leaves some out", async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'nc-share-'));
    const engine = await SnapshotEngine.open(join(tmp, 'snapshots'), { changeSource: 'full-scan' });
    try {
      const ws = join(tmp, 'greeter');
      mkdirSync(ws);
      writeFileSync(join(ws, 'a.ts'), 'export const a = 1;\n');
      writeFileSync(join(ws, 'MEMORY.md'), '# memory\n');
      writeFileSync(join(ws, 'same.txt'), 'untouched\n');
      const s0 = await engine.take(ws, { reason: 'baseline' });
      writeFileSync(join(ws, 'a.ts'), `export const key = '${SECRET}';\n`);
      writeFileSync(join(ws, 'MEMORY.md'), '# memory\nlearned: keys stay out\n');
      const s1 = await engine.take(ws, { reason: 'post' });
      writeFileSync(join(ws, 'big.txt'), 'x'.repeat(4000));
      const s2 = await engine.take(ws, { reason: 'post 2' });
      const scrubber = new Scrubber();
      scrubber.addSecret(SECRET);
      const run = mkRun('run_1', { workspace: ws, task: `use ${SECRET} in ${ws}`, baselineSnapshotId: s0.id });
      const nodes = [
        mkNode('nd_0', 'br_main', 0, { kind: 'checkpoint', name: 'workspace baseline', snapshotId: s0.id, startTime: 0 }),
        mkNode('nd_1', 'br_main', 1, { name: 'write: a.ts', snapshotId: s0.id, startTime: 1, attributes: { 'nemocognition.snapshot.after': s1.id, 'input.value': `{"path":"${ws}/a.ts"}` } }),
        mkNode('nd_2', 'br_main', 2, { name: 'write: big.txt', snapshotId: s1.id, startTime: 2, attributes: { 'nemocognition.snapshot.after': s2.id } }),
      ];
      const data = buildSharedReplay({ run, branches: [mkBranch('br_main')], nodes, spansOfNode: () => [], snapshots: engine, scrub: (t) => scrubber.scrub(t), maxContentBytes: 1000 });
      assert.deepEqual(data.bootstrap.capabilities, { restore: false, diff: true, workspace: false, fork: false, run: false }, 'only diffs: the app hides restore, fork, the workspace mode and runs');
      assert.equal(data.bootstrap.phoenixEndpoint, null);
      assert.deepEqual(Object.keys(data.states[s0.id]!), [], 'the baseline is the reference');
      assert.deepEqual(Object.keys(data.states[s1.id]!).sort(), ['MEMORY.md', 'a.ts'], 'a state holds only what differs from the baseline (same.txt is not there)');
      assert.equal(data.blobs[data.baseline['a.ts']!.blob!], 'export const a = 1;\n');
      assert.match(data.blobs[data.states[s1.id]!['a.ts']!.blob!]!, /REDACTED/);
      assert.equal(data.states[s2.id]!['big.txt']!.why, 'size-limit');
      assert.match(data.note ?? '', /File contents stop at "write: big\.txt".*--max-file-mb/);

      // The requests the v2 app sends, answered as the extension answers them.
      const step = await answerRequest(data, { method: 'getChanges', nodeId: 'nd_1', mode: 'step' });
      assert.deepEqual(step && 'files' in step ? step.files : null, [{ path: 'a.ts', kind: 'modified' }, { path: 'MEMORY.md', kind: 'modified' }]);
      const ws2 = await answerRequest(data, { method: 'getChanges', nodeId: 'nd_1', mode: 'workspace' });
      assert.match(ws2 && 'note' in ws2 ? (ws2.note ?? '') : '', /needs the editor/);
      const cmp = await answerRequest(data, { method: 'getCompare', leftNodeId: 'nd_0', rightNodeId: 'nd_2' });
      assert.deepEqual(cmp && 'files' in cmp ? cmp.files : null, [{ path: 'a.ts', kind: 'modified' }, { path: 'big.txt', kind: 'added' }, { path: 'MEMORY.md', kind: 'modified' }]);
      const mem = await answerRequest(data, { method: 'getMemory', nodeId: 'nd_1' });
      assert.ok(mem && 'files' in mem);
      const memory = (mem as { files: Array<{ path: string; text: string | null; previous: string | null; status: string }> }).files;
      assert.deepEqual(memory, [{ path: 'MEMORY.md', text: '# memory\nlearned: keys stay out\n', bytes: 32, previous: '# memory\n', status: 'modified' }]);
      const diff = await stepDiff(data, 'nd_1');
      assert.deepEqual(sideText(data, diff!.leftSnapshot, 'a.ts'), { text: 'export const a = 1;\n' });
      assert.deepEqual(sideText(data, diff!.leftSnapshot, 'big.txt'), { absent: true });
      assert.deepEqual(sideText(data, s2.id, 'big.txt'), { why: 'size-limit' });

      const json = JSON.stringify(data);
      assert.ok(!json.includes(SECRET), 'the key is scrubbed from file contents, names and the task');
      assert.ok(!json.includes(tmp), 'the workspace path stays on this machine');
      assert.equal(data.bootstrap.runs[0]!.workspace, 'greeter');
    } finally {
      engine.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('writes a shared replay whose data cannot close its element and whose page may load nothing', () => {
    const sb = syntheticStoryboard();
    const data = buildSharedReplay({
      run: mkRun('run_1', { task: `task ${EVIL}` }),
      branches: sb.branches.map((b) => mkBranch(b.id, { label: b.label, sealReason: b.sealReason })),
      nodes: [mkNode('nd_1', 'br_main', 1, { name: `exec: ${EVIL}` })],
      spansOfNode: () => [],
      scrub: (t) => t,
    });
    const html = renderShareHtml(data, { appJs: 'console.log("</script>")', appCss: 'body{}', hostJs: 'void 0', hostCss: '' }, 'n0nce-n0nce-n0nce-n0nce');
    assert.equal(html.match(/<\/script>/g)?.length, 3, 'only the three real script elements close');
    assert.ok(!html.includes('<img'), 'hostile markup never appears as markup');
    const block = new RegExp(`<script type="application/json" id="${SHARE_DATA_ELEMENT_ID}">([\\s\\S]*?)</script>`).exec(html)![1]!;
    assert.equal(JSON.parse(block).bootstrap.detail.nodes[0].name, `exec: ${EVIL}`, 'the text itself survives, as data');
    assert.match(html, /content="default-src 'none'; script-src 'nonce-n0nce-n0nce-n0nce-n0nce'; style-src 'nonce-n0nce-n0nce-n0nce-n0nce'/);
    assert.ok(!/<script(?![^>]*(nonce="n0nce-n0nce-n0nce-n0nce"|type="application\/json"))/.test(html), 'every script runs by nonce');
  });
});
