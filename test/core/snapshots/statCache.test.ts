import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SnapshotEngine } from '../../../src/core/snapshots';
import { assertSameTree, rmrf, tmpDir } from './helpers';

/** The stat cache survives the process: the next engine re-reads only files whose stat changed. */
describe('snapshots: persisted stat cache', function () {
  this.timeout(30_000);
  let base: string;
  let ws: string;
  beforeEach(() => {
    base = tmpDir('statcache');
    ws = path.join(base, 'ws');
    fs.mkdirSync(path.join(ws, 'a/b'), { recursive: true });
    for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(ws, `a/b/f${i}`), `content ${i}`);
  });
  afterEach(() => rmrf(base));

  it('a reopened engine hashes only what changed while it was closed, and the result is complete', async () => {
    await new Promise((r) => setTimeout(r, 100)); // past the racy window
    const store = path.join(base, 'store');
    let eng = await SnapshotEngine.open(store);
    const s1 = await eng.take(ws, { reason: '1' });
    assert.equal(s1.stats.hashed, 50);
    eng.close();
    fs.writeFileSync(path.join(ws, 'a/b/f3'), 'changed while closed');
    fs.rmSync(path.join(ws, 'a/b/f4'));
    eng = await SnapshotEngine.open(store);
    try {
      const s2 = await eng.take(ws, { reason: '2' });
      assert.equal(s2.stats.hashed, 1, 'only the changed file was read');
      assert.equal(s2.parentId, s1.id, 'lineage continues across processes');
      assert.equal(s2.changedCount, 2);
      assert.deepEqual(eng.diff(s1.id, s2.id).map((c) => `${c.kind} ${c.path}`), ['modified a/b/f3', 'deleted a/b/f4']);
      const out = path.join(base, 'out');
      await eng.materialise(s2.id, out);
      assertSameTree(out, ws, 'complete');
    } finally {
      eng.close();
    }
  });

  it('after a GC in between, cached entries whose objects are gone are re-stored', async () => {
    await new Promise((r) => setTimeout(r, 100));
    const store = path.join(base, 'store');
    let eng = await SnapshotEngine.open(store);
    await eng.take(ws, { reason: '1' });
    eng.close();
    const other = await SnapshotEngine.open(store);
    await other.gc([]);
    other.close();
    eng = await SnapshotEngine.open(store);
    try {
      const s = await eng.take(ws, { reason: 'after gc' });
      assert.equal(s.stats.hashed, 50);
      for (const f of eng.listFiles(s.id)) eng.objects.verify(eng.entryAt(s.id, f)!.hash);
    } finally {
      eng.close();
    }
  });

  it('a damaged cache file only costs a full re-read', async () => {
    const store = path.join(base, 'store');
    let eng = await SnapshotEngine.open(store);
    const s1 = await eng.take(ws, { reason: '1' });
    eng.close();
    for (const f of fs.readdirSync(path.join(store, 'state'))) fs.writeFileSync(path.join(store, 'state', f), '{"v":1,"root":[');
    eng = await SnapshotEngine.open(store);
    try {
      const s2 = await eng.take(ws, { reason: '2' });
      assert.equal(s2.root, s1.root);
      assert.equal(s2.stats.hashed, 50);
    } finally {
      eng.close();
    }
  });
});
