/**
 * Overlay-backed branch sandboxes on the real kernel: one read-only lower folder shared by the
 * run's branches, each branch's writes in its own upper layer, the agent's tools run through the
 * real local sandbox (Landlock + bubblewrap) inside the holder's namespace. Nothing is mocked.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalSandboxDriver } from '../../../../src/core/sandbox/local/driver';
import { BranchFolders, holderTools, startHolder } from '../../../../src/core/sandbox/overlay';
import { SnapshotEngine } from '../../../../src/core/snapshots';
import { missingPart } from '../../../support/realParts';
import { cleanupLauncher, policy, tempDir, testLauncher } from '../local/fixtures';

const hasBwrap = ['/usr/bin/bwrap', '/bin/bwrap', '/usr/local/bin/bwrap'].some((p) => existsSync(p));

/** Skips (or fails under CI) when this machine cannot mount an overlay in a user namespace. */
async function requireOverlay(ctx: Mocha.Context, scratch: string): Promise<void> {
  const tools = holderTools();
  if (typeof tools === 'string') missingPart(ctx, `overlay mounts (${tools})`);
  const d = join(scratch, 'probe');
  for (const s of ['lower', 'upper', 'ovwork', 'target']) mkdirSync(join(d, s), { recursive: true });
  try {
    const h = await startHolder({ cwd: d, lower: 'lower', upper: 'upper', work: 'ovwork', target: join(d, 'target') });
    await h.close();
  } catch (e) {
    missingPart(ctx, `overlay mounts in a user namespace (${(e as Error).message})`);
  }
}

function plantWorkspace(ws: string): void {
  mkdirSync(join(ws, 'src/deep'), { recursive: true });
  writeFileSync(join(ws, '.gitignore'), 'build/\n*.log\n');
  for (let i = 0; i < 50; i++) writeFileSync(join(ws, `src/f${i}.txt`), `file ${i}\n`.repeat(i + 1));
  writeFileSync(join(ws, 'src/deep/keep.txt'), 'keep');
  writeFileSync(join(ws, 'shared.txt'), 'original');
}

describe('branch sandboxes on an overlay', function () {
  this.timeout(120_000);
  let scratch: ReturnType<typeof tempDir>;
  let ws: string;
  let eng: SnapshotEngine;
  let folders: BranchFolders;

  beforeEach(async function () {
    scratch = tempDir('overlay');
    await requireOverlay(this, scratch.path);
    ws = join(scratch.path, 'ws');
    plantWorkspace(ws);
    eng = await SnapshotEngine.open(join(ws, '.nemocognition', 'snapshots'));
    folders = new BranchFolders(eng, join(ws, '.nemocognition', 'sandboxes', 'run1'), { mode: 'overlay', rulesFrom: ws });
  });
  afterEach(async () => {
    await folders?.close(true);
    eng?.close();
    scratch?.cleanup();
  });
  after(() => cleanupLauncher());

  it('a tool inside an overlay-backed sandbox cannot write the shared lower layer; its writes stay in its own branch', async function () {
    if (!hasBwrap) missingPart(this, 'bubblewrap (apt-get install bubblewrap)');
    const base = await eng.take(ws, { reason: 'baseline' });
    const a = await folders.prepare('a', base.id);
    const b = await folders.prepare('b', base.id);
    assert.equal(a.kind, 'overlay');
    assert.equal(b.kind, 'overlay');
    const lower = join(ws, '.nemocognition', 'sandboxes', 'run1', 'lower-0');
    assert.equal(readFileSync(join(lower, 'shared.txt'), 'utf8'), 'original');

    const driver = new LocalSandboxDriver({ launcher: { path: testLauncher() }, stateRoot: join(scratch.path, 'state') });
    // The lower folder is even listed as writable: only the mount makes it read-only.
    const p = policy({ readWrite: [lower] });
    const run = (cmd: string) => driver.exec({ name: `ov-${process.pid}`, workdir: a.workdir, policy: p, enter: a.enter }, ['bash', '-c', cmd]);

    const w = await run('echo agent > shared.txt && rm src/f3.txt && mkdir -p made && echo new > made/n.txt && cat shared.txt');
    assert.equal(w.exitCode, 0, w.stderr);
    assert.equal(w.stdout, 'agent\n');

    const direct = await run(`echo x > ${lower}/shared.txt; rm -f ${lower}/src/f4.txt; touch ${lower}/planted; chmod 777 ${lower}/shared.txt; mount -o remount,rw ${lower}; echo done`);
    assert.equal(direct.exitCode, 0, direct.stderr);
    assert.match(direct.stderr, /Read-only file system/);
    assert.equal(readFileSync(join(lower, 'shared.txt'), 'utf8'), 'original', 'the lower layer is unchanged');
    assert.ok(existsSync(join(lower, 'src/f3.txt')), 'a deletion in the branch does not reach the lower layer');
    assert.ok(existsSync(join(lower, 'src/f4.txt')));
    assert.ok(!existsSync(join(lower, 'planted')));
    assert.ok(!existsSync(join(lower, 'made')));

    // The supervisor sees each branch as its agent does, and branch b is untouched by a.
    const sa = await eng.take(a.workdir, { reason: 'a' });
    const sb = await eng.take(b.workdir, { reason: 'b' });
    assert.equal(sa.changeSource, 'overlay');
    assert.deepEqual(eng.diff(base.id, sa.id).map((c) => `${c.kind} ${c.path}`).sort(), ['added made/n.txt', 'deleted src/f3.txt', 'modified shared.txt']);
    assert.equal(sb.root, base.root, 'the other branch still holds the baseline');
    assert.equal(eng.readFile(sa.id, 'shared.txt')?.toString(), 'agent\n');

    // What the agent writes into ignored folders is listed on the checkpoint, never stored.
    const built = await run('mkdir -p node_modules/pkg build && echo x > node_modules/pkg/index.js && echo o > build/out.o && echo l > debug.log && echo y > src/f5.txt');
    assert.equal(built.exitCode, 0, built.stderr);
    const sc = await eng.take(a.workdir, { reason: 'after build' });
    const listed = sc.ignoredChanges ?? [];
    assert.ok(listed.includes('node_modules/pkg/index.js'), listed.join(', '));
    assert.ok(listed.includes('build/out.o'), listed.join(', '));
    assert.ok(listed.includes('debug.log'), listed.join(', '));
    assert.match(sc.note ?? '', /in ignored folders are listed, not stored/);
    assert.deepEqual(eng.diff(sa.id, sc.id).map((c) => c.path), ['src/f5.txt'], 'only the non-ignored change is in the snapshot');
  });

  it('a new branch costs no read of the workspace: its first checkpoint looks only at what changed', async () => {
    const base = await eng.take(ws, { reason: 'baseline' });
    writeFileSync(join(ws, 'src/f1.txt'), 'later');
    const later = await eng.take(ws, { reason: 'later' });
    const main = await folders.prepare('main', base.id);
    const first = await eng.take(main.workdir, { reason: 'first in main' });
    assert.equal(first.changeSource, 'overlay');
    assert.equal(first.root, base.root);
    assert.equal(first.parentId, base.id);
    assert.equal(first.changedCount, 0);
    assert.equal(first.stats.hashed, 0);
    assert.equal(first.stats.lstats, 0);

    // A recovery forked from a later step shares the same lower folder: only the difference is written.
    const rec = await folders.prepare('recovery-1', later.id);
    assert.equal(rec.kind, 'overlay');
    assert.equal(rec.timings.lower, 0, 'no second lower folder');
    assert.deepEqual(readdirSync(join(ws, '.nemocognition', 'sandboxes', 'run1')).filter((n) => n.startsWith('lower-')), ['lower-0']);
    const r1 = await eng.take(rec.workdir, { reason: 'first in recovery' });
    assert.equal(r1.root, later.root);
    assert.ok(r1.stats.hashed <= 1, `hashed ${r1.stats.hashed}`);
    assert.equal(r1.changedCount, 0, 'parent is the snapshot it forked from');
  });

  it('the holder dies with the process that started it', async () => {
    const dir = join(scratch.path, 'orphan');
    for (const s of ['lower', 'upper', 'ovwork', 'target']) mkdirSync(join(dir, s), { recursive: true });
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'holderChild.ts'), dir], {
      cwd: join(__dirname, '../../../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const pid = await new Promise<number>((res, rej) => {
      child.stdout!.once('data', (d: Buffer) => res(Number(d.toString().trim())));
      child.once('exit', (code) => rej(new Error(`holder child exited (${code}): ${err}`)));
    });
    assert.ok(existsSync(`/proc/${pid}`), 'holder running');
    child.kill('SIGKILL');
    const t0 = Date.now();
    while (existsSync(`/proc/${pid}`) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
    assert.ok(!existsSync(`/proc/${pid}`), 'the holder was killed with its parent (no mount left behind)');
  });
});
