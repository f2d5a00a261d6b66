import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SnapshotEngine, acquireStoreLock } from '../../../src/core/snapshots';
import { assertSameTree, referenceCopy, rmrf, tmpDir } from './helpers';

/** Every object hash reachable from the given snapshots (trees, blobs, and the bases of trees stored as deltas), computed independently of gc. */
function reachable(eng: SnapshotEngine, ids: string[]): Set<string> {
  const out = new Set<string>();
  const walk = (h: string): void => {
    out.add(h);
    for (let b = eng.objects.deltaBaseOf(h); b !== undefined; b = eng.objects.deltaBaseOf(b)) out.add(b);
    for (const e of eng.readTree(h)) {
      if (e.type === 'dir') walk(e.hash);
      else out.add(e.hash);
    }
  };
  for (const id of ids) walk(eng.get(id)!.root);
  for (const h of [...out]) for (let b = eng.objects.deltaBaseOf(h); b !== undefined; b = eng.objects.deltaBaseOf(b)) out.add(b);
  return out;
}

function stored(eng: SnapshotEngine): Set<string> {
  return new Set([...eng.objects.list()].map((o) => o.hash));
}

describe('snapshots: garbage collection and budget', function () {
  this.timeout(60_000);
  let base: string;
  let ws: string;

  beforeEach(() => {
    base = tmpDir('gc');
    ws = path.join(base, 'ws');
    fs.mkdirSync(path.join(ws, 'a/b'), { recursive: true });
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(ws, `a/f${i}`), `common ${i}`);
  });
  afterEach(() => rmrf(base));

  it('removes unreferenced objects only', async () => {
    const eng = await SnapshotEngine.open(path.join(base, 'store'));
    try {
      const s1 = await eng.take(ws, { reason: '1' });
      const ref1 = path.join(base, 'ref1');
      referenceCopy(ws, ref1);
      fs.writeFileSync(path.join(ws, 'a/b/only-in-2'), 'unique to snapshot two');
      fs.writeFileSync(path.join(ws, 'a/f0'), 'changed in two');
      const s2 = await eng.take(ws, { reason: '2' });
      fs.rmSync(path.join(ws, 'a/b/only-in-2'));
      fs.writeFileSync(path.join(ws, 'a/f0'), 'changed in three');
      const s3 = await eng.take(ws, { reason: '3' });
      const ref3 = path.join(base, 'ref3');
      referenceCopy(ws, ref3);
      eng.close();

      // A fresh engine: no in-memory state is a GC root, only the refs.
      const eng2 = await SnapshotEngine.open(path.join(base, 'store'));
      try {
        const before = stored(eng2);
        const unique2 = [...reachable(eng2, [s2.id])].filter((h) => !reachable(eng2, [s1.id, s3.id]).has(h));
        assert.ok(unique2.length >= 3, 'snapshot two has objects of its own (blob, trees)');
        const sizeBefore = eng2.sizeOnDisk();
        const res = await eng2.gc([s1.id, s3.id]);
        assert.deepEqual(res.droppedSnapshots, [s2.id]);
        assert.equal(eng2.get(s2.id), undefined);
        const after = stored(eng2);
        assert.deepEqual(after, reachable(eng2, [s1.id, s3.id]), 'exactly the reachable objects remain');
        assert.equal(res.removedObjects, before.size - after.size);
        assert.equal(res.removedObjects, unique2.length);
        assert.ok(eng2.sizeOnDisk() < sizeBefore);
        await eng2.materialise(s1.id, path.join(base, 'out1'));
        await eng2.materialise(s3.id, path.join(base, 'out3'));
        assertSameTree(path.join(base, 'out1'), ref1, 's1 intact after gc');
        assertSameTree(path.join(base, 'out3'), ref3, 's3 intact after gc');
        // gc with no list keeps every ref and removes nothing more
        assert.equal((await eng2.gc()).removedObjects, 0);
      } finally {
        eng2.close();
      }
    } finally {
      eng.close();
    }
  });

  it('keeps what the open engine still refers to, and the next checkpoint after a GC elsewhere is complete', async () => {
    const store = path.join(base, 'store');
    const eng = await SnapshotEngine.open(store, { changeSource: 'full-scan' });
    const other = await SnapshotEngine.open(store);
    try {
      await new Promise((r) => setTimeout(r, 100)); // files older than the racy window: trusted from the stat cache
      const s1 = await eng.take(ws, { reason: '1' });
      // Another process drops every snapshot and collects.
      await other.gc([]);
      assert.equal(eng.get(s1.id), undefined);
      // eng's cache believed every blob stored: it must notice the GC and store them again.
      fs.writeFileSync(path.join(ws, 'a/f1'), 'after gc');
      const s2 = await eng.take(ws, { reason: '2' });
      assert.equal(s2.parentId, null, 'the previous snapshot is gone: no parent');
      const missing = [...reachable(eng, [s2.id])].filter((h) => !eng.objects.has(h));
      assert.deepEqual(missing, [], 'every object of the new checkpoint is stored (not only repairable)');
      const out = path.join(base, 'out');
      await eng.materialise(s2.id, out);
      assertSameTree(out, ws, 'complete after a GC by another engine');
    } finally {
      eng.close();
      other.close();
    }
  });

  it('waits for the store lock held by a concurrent writer', async () => {
    const store = path.join(base, 'store');
    const eng = await SnapshotEngine.open(store);
    try {
      await eng.take(ws, { reason: '1' });
      const release = await acquireStoreLock(path.join(store, 'lock'), 1000);
      let done = false;
      const p = eng.gc([]).then(() => (done = true));
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(done, false, 'gc did not run while another writer held the lock');
      release();
      await p;
      assert.equal(done, true);
    } finally {
      eng.close();
    }
  });

  it('a size budget drops the oldest unprotected snapshots', async () => {
    const store = path.join(base, 'store');
    const eng = await SnapshotEngine.open(store);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        fs.writeFileSync(path.join(ws, `big${i}.bin`), Buffer.alloc(50_000, i + 1).map((_, j) => (j * 7919 + i) & 0xff));
        ids.push((await eng.take(ws, { reason: `${i}` })).id);
        fs.rmSync(path.join(ws, `big${i}.bin`));
      }
      const total = eng.sizeOnDisk();
      const res = await eng.enforceBudget(total / 2, [ids[0]!, ids[5]!]);
      assert.ok(res.sizeAfter <= total / 2, `${res.sizeAfter} <= ${total / 2}`);
      assert.ok(res.dropped.length > 0);
      assert.ok(!res.dropped.includes(ids[0]!) && !res.dropped.includes(ids[5]!), 'protected snapshots kept');
      assert.deepEqual(res.dropped, ids.slice(1, 1 + res.dropped.length), 'oldest first');
      assert.ok(eng.readFile(ids[0]!, 'big0.bin'));
    } finally {
      eng.close();
    }
  });
});

describe('snapshots: trees stored as deltas', function () {
  this.timeout(60_000);
  it('a changed folder stores its tree as a delta of the previous one; GC keeps the bases of what it keeps', async () => {
    const base = tmpDir('delta');
    const ws = path.join(base, 'ws');
    try {
      for (let d = 0; d < 3; d++) {
        fs.mkdirSync(path.join(ws, `a${d}/b/c`), { recursive: true });
        for (let i = 0; i < 30; i++) fs.writeFileSync(path.join(ws, `a${d}/b/c/f${i}.txt`), `file ${d} ${i}`);
      }
      const eng = await SnapshotEngine.open(path.join(base, 'store'), { verifyEvery: 0 });
      const ids: string[] = [];
      const refs: string[] = [];
      try {
        for (let k = 0; k < 20; k++) {
          fs.writeFileSync(path.join(ws, `a${k % 3}/b/c/f${k}.txt`), `version ${k}`);
          ids.push((await eng.take(ws, { reason: `${k}` })).id);
          const ref = path.join(base, `ref${k}`);
          referenceCopy(ws, ref);
          refs.push(ref);
        }
        const leaf = eng.entryAt(ids[19]!, 'a1/b/c')!.hash;
        assert.ok(eng.objects.deltaBaseOf(leaf), 'the folder tree of a late checkpoint is a delta');
        const size = eng.sizeOnDisk();
        // Keep only the last two: their delta chains reach back into dropped checkpoints' trees.
        await eng.gc(ids.slice(18));
        eng.close();
        const again = await SnapshotEngine.open(path.join(base, 'store'));
        try {
          for (const k of [18, 19]) {
            const out = path.join(base, `out${k}`);
            await again.materialise(ids[k]!, out);
            assertSameTree(out, refs[k]!, `checkpoint ${k} intact after gc`);
          }
          assert.ok(again.sizeOnDisk() < size);
          assert.deepEqual((await again.fsck()).corrupt, []);
        } finally {
          again.close();
        }
      } finally {
        eng.close();
      }
    } finally {
      rmrf(base);
    }
  });
});

describe('snapshots: edited files stored as deltas', function () {
  this.timeout(60_000);
  it('an edited file is stored as its previous version plus the change; chains stay short; GC keeps the bases', async () => {
    const base = tmpDir('blobdelta');
    const ws = path.join(base, 'ws');
    try {
      fs.mkdirSync(ws);
      let text = Array.from({ length: 2000 }, (_, i) => `line ${i} of a source file that an agent edits\n`).join('');
      fs.writeFileSync(path.join(ws, 'big.ts'), text);
      const eng = await SnapshotEngine.open(path.join(base, 'store'), { verifyEvery: 0 });
      const ids: string[] = [];
      const versions: string[] = [];
      const added: number[] = [];
      try {
        ids.push((await eng.take(ws, { reason: 'v0' })).id);
        versions.push(text);
        for (let k = 1; k <= 10; k++) {
          const at = text.indexOf(`line ${k * 150} `);
          text = `${text.slice(0, at)}// edit ${k}\n${text.slice(at)}`;
          fs.writeFileSync(path.join(ws, 'big.ts'), text);
          const s = await eng.take(ws, { reason: `v${k}` });
          ids.push(s.id);
          versions.push(text);
          added.push(s.bytesWritten);
        }
        // Most edits cost the change (plus a tree), not the file again (about 5 KB compressed);
        // every MAX_BLOB_DELTA_DEPTH-th one stores it whole to keep chains short.
        assert.ok(added.filter((b) => b < 1000).length >= 8, `bytes added per edit: ${added.join(', ')}`);
        // Chains are bounded: some later versions are stored whole again.
        const depth = (h: string): number => {
          let d = 0;
          for (let b = eng.objects.deltaBaseOf(h); b !== undefined; b = eng.objects.deltaBaseOf(b)) d++;
          return d;
        };
        const depths = ids.map((id) => depth(eng.entryAt(id, 'big.ts')!.hash));
        assert.ok(depths.some((d) => d > 0), `deltas are used: ${depths}`);
        assert.ok(Math.max(...depths) <= 6, `chains stay short: ${depths}`);
        await eng.gc([ids[4]!, ids[10]!]);
        eng.close();
        const again = await SnapshotEngine.open(path.join(base, 'store'));
        try {
          assert.equal(again.readFile(ids[4]!, 'big.ts')?.toString(), versions[4]);
          assert.equal(again.readFile(ids[10]!, 'big.ts')?.toString(), versions[10]);
          await again.restore(ids[4]!, ws);
          assert.equal(fs.readFileSync(path.join(ws, 'big.ts'), 'utf8'), versions[4]);
          assert.deepEqual((await again.fsck()).corrupt, []);
        } finally {
          again.close();
        }
      } finally {
        eng.close();
      }
    } finally {
      rmrf(base);
    }
  });
});
