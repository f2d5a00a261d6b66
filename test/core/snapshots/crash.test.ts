import { randomBytes } from 'node:crypto';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorruptObjectError, SnapshotEngine } from '../../../src/core/snapshots';
import { assertSameTree, damageObject, prng, rmrf, spawnFixture, tmpDir } from './helpers';

/** Integrity check of every ref: every tree parses and every blob verifies. */
function checkAllRefs(eng: SnapshotEngine): number {
  let n = 0;
  for (const rec of eng.list()) {
    const walk = (hash: string): void => {
      for (const e of eng.readTree(hash)) {
        if (e.type === 'dir') walk(e.hash);
        else eng.objects.verify(e.hash);
      }
    };
    walk(rec.root);
    n++;
  }
  return n;
}

describe('snapshots: crash safety and corruption', function () {
  this.timeout(180_000);
  const cleanup: string[] = [];
  after(() => cleanup.forEach(rmrf));

  it('a child killed with SIGKILL during take leaves a consistent store: no partial ref, temps cleaned, later snapshots fine', async () => {
    const base = tmpDir('crash');
    cleanup.push(base);
    const ws = path.join(base, 'ws');
    const store = path.join(base, 'store');
    fs.mkdirSync(ws);
    const r = prng(7);
    let midTake = 0;
    let refsSeen = 0;
    for (let round = 0; round < 10; round++) {
      const proc = spawnFixture('crashChild', [store, ws, round % 2 ? 'watcher' : 'full-scan']);
      // Wait until it has completed one checkpoint, then kill it at a random moment.
      await proc.waitFor('took ', 60_000);
      await new Promise((res) => setTimeout(res, 5 + r.int(250)));
      await proc.kill();
      const out = proc.out();
      const lines = out.trim().split('\n');
      if (lines[lines.length - 1] === 'begin') midTake++;

      const eng = await SnapshotEngine.open(store); // takes over the dead child's lock, cleans temps
      try {
        assert.deepEqual(fs.readdirSync(path.join(store, 'objects', 'tmp')), [], 'temp objects cleaned on open');
        assert.deepEqual(fs.readdirSync(path.join(store, 'snapshots')).filter((n) => !n.endsWith('.json')), [], 'no partial ref');
        const took = lines.filter((l) => l.startsWith('took ')).map((l) => l.slice(5));
        for (const id of took) assert.ok(eng.get(id), `acknowledged snapshot ${id} is present`);
        refsSeen = checkAllRefs(eng);
        assert.ok(refsSeen >= took.length);
        assert.ok(!fs.existsSync(path.join(store, 'lock')), 'lock released');
      } finally {
        eng.close();
      }
    }
    assert.ok(midTake >= 1, `at least one kill landed inside a checkpoint (got ${midTake})`);
    // Later snapshots are fine
    const eng = await SnapshotEngine.open(store);
    try {
      const s = await eng.take(ws, { reason: 'after crashes' });
      const out = path.join(base, 'out');
      await eng.materialise(s.id, out);
      assertSameTree(out, ws, 'a snapshot after the crashes materialises identical');
      assert.equal(checkAllRefs(eng), refsSeen + 1);
    } finally {
      eng.close();
    }
  });

  for (const layout of ['loose', 'pack'] as const) {
    it(`an emptied object (${layout}) is detected, quarantined, and re-written from the live file`, async () => {
      const base = tmpDir('corrupt');
      cleanup.push(base);
      const ws = path.join(base, 'ws');
      const store = path.join(base, 'store');
      const opts = { objects: { pack: layout === 'pack' } };
      const emptied = layout === 'loose' ? /empty object file/ : /bad header/;
      fs.mkdirSync(path.join(ws, 'dir'), { recursive: true });
      fs.writeFileSync(path.join(ws, 'dir/f.txt'), 'precious content '.repeat(50));
      fs.writeFileSync(path.join(ws, 'g.txt'), 'other');
      let eng = await SnapshotEngine.open(store, opts);
      const s1 = await eng.take(ws, { reason: 's1' });
      const blob = eng.entryAt(s1.id, 'dir/f.txt')!.hash;
      assert.equal(eng.objects.locate(blob)?.where, layout);
      // A later checkpoint: s1 was acknowledged long ago, so damage to it is disk damage, not a cut flush.
      fs.writeFileSync(path.join(ws, 'later.txt'), 'later');
      await eng.take(ws, { reason: 'later' });
      fs.rmSync(path.join(ws, 'later.txt'));
      eng.close();

      damageObject(eng, blob, 'empty'); // what a power loss before the flush can leave
      eng = await SnapshotEngine.open(store, opts);
      try {
        assert.throws(() => eng.readFile(s1.id, 'dir/f.txt'), (e: unknown) => {
          assert.ok(e instanceof CorruptObjectError);
          assert.match(e.message, emptied);
          return true;
        });
        assert.equal(fs.readdirSync(path.join(store, 'quarantine')).length, 1, 'moved aside, not used');
        // The next checkpoint (file unchanged) is not broken by it, and heals the object.
        const s2 = await eng.take(ws, { reason: 's2' });
        assert.equal(s2.root, s1.root);
        assert.equal(eng.readFile(s1.id, 'dir/f.txt')?.toString(), 'precious content '.repeat(50));

        // Damage it again while this engine knows the live file: reading repairs transparently.
        damageObject(eng, blob, 'garbage');
        assert.equal(eng.readFile(s2.id, 'dir/f.txt')?.toString(), 'precious content '.repeat(50));

        // A damaged tree is found by fsck and rebuilt from the live state.
        const tree = eng.entryAt(s2.id, 'dir')!.hash;
        damageObject(eng, tree, 'empty');
        const report = await eng.fsck();
        assert.deepEqual(report.corrupt, [tree]);
        assert.deepEqual(report.repaired, [tree]);
        assert.equal(checkAllRefs(eng), 3);
      } finally {
        eng.close();
      }

      // With the live file gone too, the loss is reported, not papered over.
      const again = await SnapshotEngine.open(store, opts);
      damageObject(again, blob, 'empty');
      again.close();
      fs.rmSync(path.join(ws, 'dir/f.txt'));
      const eng2 = await SnapshotEngine.open(store, opts);
      try {
        await eng2.take(ws, { reason: 's3' });
        await assert.rejects(eng2.restore(s1.id, ws), CorruptObjectError);
        assert.ok(!fs.existsSync(path.join(ws, 'dir/f.txt')), 'nothing written from a damaged object');
      } finally {
        eng2.close();
      }
    });
  }

  it('a damaged delta base is the object quarantined, not the delta rebuilt from it (bases are checked through the result)', async () => {
    const base = tmpDir('corrupt-base');
    cleanup.push(base);
    const ws = path.join(base, 'ws');
    const store = path.join(base, 'store');
    fs.mkdirSync(ws, { recursive: true });
    const v1 = randomBytes(8192); // incompressible: stored as it is, so a flipped byte keeps the record well-formed
    fs.writeFileSync(path.join(ws, 'bin.dat'), v1);
    let eng = await SnapshotEngine.open(store);
    const s1 = await eng.take(ws, { reason: 's1' });
    const v2 = Buffer.from(v1);
    v2.write('an edit in the middle', 4000);
    fs.writeFileSync(path.join(ws, 'bin.dat'), v2);
    const s2 = await eng.take(ws, { reason: 's2' });
    const baseHash = eng.entryAt(s1.id, 'bin.dat')!.hash;
    const deltaHash = eng.entryAt(s2.id, 'bin.dat')!.hash;
    assert.notEqual(deltaHash, baseHash);
    const loc = eng.objects.locate(baseHash);
    const dloc = eng.objects.locate(deltaHash) as { where: string; file: string; offset: number };
    eng.close();
    assert.equal(dloc.where, 'pack');
    const head = Buffer.alloc(4);
    const dfd = fs.openSync(dloc.file, 'r');
    fs.readSync(dfd, head, 0, 4, dloc.offset);
    fs.closeSync(dfd);
    assert.equal(head.toString('latin1'), 'NCbd', 'the second version is stored as a delta of the first');
    assert.equal(loc?.where, 'pack');
    const fd = fs.openSync((loc as { file: string }).file, 'r+');
    const at = (loc as { offset: number }).offset + 4 + 100; // inside the base's first 4,000 bytes, which the delta copies
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, at);
    b[0] ^= 0xff;
    fs.writeSync(fd, b, 0, 1, at);
    fs.closeSync(fd);
    fs.rmSync(path.join(ws, 'bin.dat')); // no live copy to repair from
    eng = await SnapshotEngine.open(store);
    try {
      assert.throws(() => eng.readFile(s2.id, 'bin.dat'), (e: unknown) => {
        assert.ok(e instanceof CorruptObjectError);
        assert.match(e.message, /delta of/);
        return true;
      });
      const q = fs.readdirSync(path.join(store, 'quarantine'));
      assert.deepEqual(q.map((n) => n.split('.')[0]), [baseHash], 'only the damaged base is set aside');
    } finally {
      eng.close();
    }
  });

  it('a pack left incomplete by a power loss is not used, and its checkpoint is set aside by the next open', async () => {
    const base = tmpDir('torn-pack');
    cleanup.push(base);
    const ws = path.join(base, 'ws');
    const store = path.join(base, 'store');
    fs.mkdirSync(ws);
    fs.writeFileSync(path.join(ws, 'a.txt'), 'first');
    let eng = await SnapshotEngine.open(store);
    const s1 = await eng.take(ws, { reason: 's1' });
    fs.writeFileSync(path.join(ws, 'b.txt'), 'second '.repeat(100));
    const s2 = await eng.take(ws, { reason: 's2' });
    const b = eng.entryAt(s2.id, 'b.txt')!.hash;
    const loc = eng.objects.locate(b);
    eng.close();
    assert.equal(loc?.where, 'pack');
    // A power loss before the flush: the last pack's tail never reached the disk.
    const file = (loc as { file: string }).file;
    fs.truncateSync(file, fs.statSync(file).size - 40);
    eng = await SnapshotEngine.open(store);
    try {
      assert.ok(!fs.existsSync(file), 'the incomplete pack was removed on open');
      assert.equal(eng.readFile(s1.id, 'a.txt')?.toString(), 'first', 'earlier packs are untouched');
      // The ref reached the disk but not its pack: a checkpoint that was never acknowledged is set aside, not listed.
      assert.equal(eng.get(s2.id), undefined);
      assert.deepEqual(eng.list().map((r) => r.id), [s1.id]);
      assert.ok(fs.readdirSync(path.join(store, 'quarantine')).some((n) => n.startsWith(`ref-${s2.id}.json`)), 'kept aside for inspection');
      const s3 = await eng.take(ws, { reason: 's3' });
      assert.equal(eng.readFile(s3.id, 'b.txt')?.toString(), 'second '.repeat(100), 'the next checkpoint stores them again');
    } finally {
      eng.close();
    }
  });
});
