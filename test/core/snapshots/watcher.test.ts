import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { SnapshotEngine } from '../../../src/core/snapshots';
import { rmrf, tmpDir } from './helpers';

/** The watcher change source: O(changed) work, flush before each checkpoint, verification and fallbacks. */
describe('snapshots: watcher change source', function () {
  this.timeout(60_000);
  let base: string;
  let ws: string;

  beforeEach(() => {
    base = tmpDir('watch');
    ws = path.join(base, 'ws');
    for (let d = 0; d < 10; d++) {
      fs.mkdirSync(path.join(ws, `d${d}/sub`), { recursive: true });
      for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(ws, `d${d}/sub/f${i}.txt`), `${d}/${i}`);
    }
  });
  afterEach(() => rmrf(base));

  it('examines only the changed paths (not the workspace) and sees changes made just before take', async () => {
    const eng = await SnapshotEngine.open(path.join(base, 'store'), { verifyEvery: 0 });
    try {
      const first = await eng.take(ws, { reason: 'first' });
      assert.equal(first.changeSource, 'full-scan');
      assert.equal(eng.sourceOf(ws), 'watcher');
      fs.writeFileSync(path.join(ws, 'd3/sub/f7.txt'), 'edited');
      fs.writeFileSync(path.join(ws, 'd4/new.txt'), 'new');
      const objectsBefore = [...eng.objects.list()].length;
      const s = await eng.take(ws, { reason: 'two changes' });
      // Merkle: 2 new blobs + the trees on their paths (d3/sub, d3, d4, root), nothing else.
      assert.equal([...eng.objects.list()].length - objectsBefore, 6);
      assert.equal(s.changeSource, 'watcher');
      assert.equal(s.changedCount, 2);
      assert.ok(s.stats.lstats <= 4, `lstat'ed ${s.stats.lstats} paths for 2 changes in a 230-entry tree`);
      assert.equal(s.stats.hashed, 2);
      assert.equal(eng.readFile(s.id, 'd3/sub/f7.txt')?.toString(), 'edited');
      // A new directory tree created in one go (before any watch on it existed) is seen whole.
      fs.mkdirSync(path.join(ws, 'n1/n2/n3'), { recursive: true });
      fs.writeFileSync(path.join(ws, 'n1/n2/n3/deep.txt'), 'deep');
      const s3 = await eng.take(ws, { reason: 'new tree' });
      assert.equal(eng.readFile(s3.id, 'n1/n2/n3/deep.txt')?.toString(), 'deep');
      // ...and is watched from then on.
      fs.writeFileSync(path.join(ws, 'n1/n2/n3/deep.txt'), 'deeper');
      const s4 = await eng.take(ws, { reason: 'edit in new tree' });
      assert.equal(s4.changeSource, 'watcher');
      assert.equal(eng.readFile(s4.id, 'n1/n2/n3/deep.txt')?.toString(), 'deeper');
    } finally {
      eng.close();
    }
  });

  it('a periodic verification walk reports a change the watcher cannot see (write through an outside hard link)', async () => {
    const outside = path.join(base, 'outside.txt');
    fs.writeFileSync(outside, 'v1');
    fs.linkSync(outside, path.join(ws, 'linked.txt'));
    const eng = await SnapshotEngine.open(path.join(base, 'store'), { verifyEvery: 2 });
    try {
      await eng.take(ws, { reason: 'first' });
      fs.appendFileSync(outside, ' and v2'); // no event on any watched directory
      const s1 = await eng.take(ws, { reason: 'watcher only' });
      assert.equal(eng.readFile(s1.id, 'linked.txt')?.toString(), 'v1', 'the watcher alone misses it (documented blind spot)');
      const s2 = await eng.take(ws, { reason: 'verification' });
      assert.match(s2.note ?? '', /verification walk .*found 1 change/);
      assert.equal(eng.readFile(s2.id, 'linked.txt')?.toString(), 'v1 and v2');
    } finally {
      eng.close();
    }
  });

  it('files written just before a checkpoint (racy) are settled by the idle walk, not re-hashed by the next checkpoint', async () => {
    const eng = await SnapshotEngine.open(path.join(base, 'store'), { verifyEvery: 4 });
    try {
      await eng.take(ws, { reason: 'first' }); // every file was written just now: all racy
      for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(ws, `d2/sub/f${i}.txt`), `edited ${i}`);
      await eng.take(ws, { reason: 'w1' }); // 20 more racy entries
      await new Promise((r) => setTimeout(r, 100)); // their stat is now older than the racy window
      await eng.take(ws, { reason: 'w2' }); // half-way to verifyEvery: the walk starts after this one
      await eng.idle(); // the walk re-hashes the racy entries here, in idle time
      const s = await eng.take(ws, { reason: 'reconciled' });
      assert.match(s.note ?? '', /verification walk \(in idle time, \d+ entries\) agreed with the watcher/);
      assert.equal(s.stats.hashed, 0, 'nothing re-hashed inside the checkpoint');
      assert.ok(s.stats.lstats <= 2, `the checkpoint itself looked at ${s.stats.lstats} paths`);
    } finally {
      eng.close();
    }
  });

  it('the verification walk runs between checkpoints, and the next checkpoint only re-examines what it flagged', async () => {
    const outside = path.join(base, 'outside.txt');
    fs.writeFileSync(outside, 'v1');
    fs.linkSync(outside, path.join(ws, 'd5/linked.txt'));
    const eng = await SnapshotEngine.open(path.join(base, 'store'), { verifyEvery: 4 });
    try {
      await new Promise((r) => setTimeout(r, 100)); // older than the racy window: trusted by their stat
      await eng.take(ws, { reason: 'first' });
      await eng.take(ws, { reason: 'w1' });
      await eng.take(ws, { reason: 'w2' }); // half-way to verifyEvery: the walk starts after this one
      fs.appendFileSync(outside, ' and v2'); // invisible to the watcher
      await eng.idle(); // idle time between tool calls: the walk runs to its end here
      fs.writeFileSync(path.join(ws, 'd1/sub/f1.txt'), 'seen by the watcher');
      const s = await eng.take(ws, { reason: 'reconciled' });
      assert.equal(s.changeSource, 'watcher');
      assert.match(s.note ?? '', /verification walk \(in idle time, \d+ entries\) found 1 change/);
      assert.ok(s.stats.lstats <= 4, `the checkpoint itself looked at ${s.stats.lstats} paths, not the workspace`);
      assert.equal(eng.readFile(s.id, 'd5/linked.txt')?.toString(), 'v1 and v2');
      assert.equal(eng.readFile(s.id, 'd1/sub/f1.txt')?.toString(), 'seen by the watcher');
      assert.equal(s.changedCount, 2);
    } finally {
      eng.close();
    }
  });

  it('falls back to a full walk, and says so, when more events arrive than the queue could hold', async () => {
    const eng = await SnapshotEngine.open(path.join(base, 'store'), { verifyEvery: 0, watcherOverflowEvents: 5 });
    try {
      await eng.take(ws, { reason: 'first' });
      for (let i = 0; i < 12; i++) fs.writeFileSync(path.join(ws, `d1/sub/f${i}.txt`), `burst ${i}`);
      const s = await eng.take(ws, { reason: 'burst' });
      assert.equal(s.changeSource, 'full-scan');
      assert.match(s.note ?? '', /possible inotify overflow/);
      assert.equal(s.changedCount, 12);
      fs.writeFileSync(path.join(ws, 'd2/sub/f0.txt'), 'calm');
      const s2 = await eng.take(ws, { reason: 'after' });
      assert.equal(s2.changeSource, 'watcher', 'the watcher is trusted again after the walk');
      assert.equal(eng.readFile(s2.id, 'd2/sub/f0.txt')?.toString(), 'calm');
    } finally {
      eng.close();
    }
  });

  it('falls back to full walks, and says so, when the system runs out of inotify watches (ENOSPC)', async () => {
    // The real limit is system-wide (other processes share it): simulate only the failing call.
    const nodeFs = createRequire(__filename)('node:fs') as typeof fs;
    const realWatch = nodeFs.watch;
    let calls = 0;
    nodeFs.watch = ((...args: Parameters<typeof fs.watch>) => {
      if (++calls > 5) {
        const e: NodeJS.ErrnoException = new Error('ENOSPC: System limit for number of file watchers reached');
        e.code = 'ENOSPC';
        throw e;
      }
      return realWatch(...args);
    }) as typeof fs.watch;
    let eng: SnapshotEngine | undefined;
    try {
      eng = await SnapshotEngine.open(path.join(base, 'store'), { verifyEvery: 0 });
      await eng.take(ws, { reason: 'first' });
      fs.writeFileSync(path.join(ws, 'd9/sub/f1.txt'), 'seen anyway');
      const s = await eng.take(ws, { reason: 'second' });
      assert.equal(s.changeSource, 'full-scan');
      assert.match(s.note ?? '', /inotify watches .*max_user_watches.*fell back to a full walk/);
      assert.equal(eng.readFile(s.id, 'd9/sub/f1.txt')?.toString(), 'seen anyway');
      assert.equal(eng.sourceOf(ws), 'full-scan');
      fs.writeFileSync(path.join(ws, 'd8/sub/f1.txt'), 'still seen');
      const s2 = await eng.take(ws, { reason: 'third' });
      assert.match(s2.note ?? '', /not watched: the system limit of inotify watches/);
      assert.equal(eng.readFile(s2.id, 'd8/sub/f1.txt')?.toString(), 'still seen');
    } finally {
      nodeFs.watch = realWatch;
      eng?.close();
    }
  });

  it('hints add paths; with changeSource "hints" they are the only source', async () => {
    const eng = await SnapshotEngine.open(path.join(base, 'store'), { changeSource: 'full-scan' });
    try {
      await eng.take(ws, { reason: 'first' });
      fs.writeFileSync(path.join(ws, 'd0/sub/f0.txt'), 'hinted');
      fs.writeFileSync(path.join(ws, 'd0/sub/f1.txt'), 'not hinted');
      const s = await eng.take(ws, { reason: 'h', changeSource: 'hints', hints: ['d0/sub/f0.txt', '../escape', '/abs'] });
      assert.equal(s.changeSource, 'hints');
      assert.equal(s.changedCount, 1);
      assert.equal(eng.readFile(s.id, 'd0/sub/f1.txt')?.toString(), '0/1', 'only what the caller named was examined');
      const full = await eng.take(ws, { reason: 'full' });
      assert.equal(eng.readFile(full.id, 'd0/sub/f1.txt')?.toString(), 'not hinted');
    } finally {
      eng.close();
    }
  });
});
