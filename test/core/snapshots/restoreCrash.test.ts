import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SnapshotEngine } from '../../../src/core/snapshots';
import { assertSameTree, prng, rmrf, spawnFixture, tmpDir } from './helpers';

/** Every path under `root` (outside the store) whose name marks a restore temp file. */
function restoreTemps(root: string): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string): void => {
    for (const name of fs.readdirSync(abs)) {
      if (rel === '' && name === '.nemocognition') continue;
      const r = rel === '' ? name : `${rel}/${name}`;
      if (name.startsWith('.nc-restore-')) out.push(r);
      if (fs.lstatSync(path.join(abs, name)).isDirectory()) walk(path.join(abs, name), r);
    }
  };
  walk(root, '');
  return out;
}

describe('snapshots: a restore killed half-way is completed by the next open', function () {
  this.timeout(300_000);
  const cleanup: string[] = [];
  after(() => cleanup.forEach(rmrf));

  it('SIGKILL in the middle of a restore: the next open detects it, completes it, and both undo points work', async () => {
    const r = prng(11);
    let midRestore = 0;
    for (let round = 0; round < 6 && midRestore < 2; round++) {
      const base = tmpDir('restore-kill');
      cleanup.push(base);
      const ws = path.join(base, 'ws');
      const store = path.join(ws, '.nemocognition', 'snapshots');
      const proc = spawnFixture('restoreChild', [store, ws, '3000']);
      await proc.waitFor('begin\n', 120_000);
      if (round % 2 === 0) {
        // While it writes: its intent is on record (the journal appeared), a few files done.
        const journal = path.join(store, 'restoring');
        const t1 = Date.now();
        while (!(fs.existsSync(journal) && fs.readdirSync(journal).some((n) => n.endsWith('.json'))) && !proc.out().includes('done\n') && Date.now() - t1 < 60_000) {
          await new Promise((res) => setImmediate(res));
        }
        await new Promise((res) => setTimeout(res, r.int(30)));
      } else {
        // Anywhere: its safety snapshot, its reads, its writes, its background flush, or after it.
        await new Promise((res) => setTimeout(res, 20 + r.int(400)));
      }
      await proc.kill();
      const out = proc.out();
      const finished = out.includes('done\n');
      const a = /^A (\S+)$/m.exec(out)![1]!;
      const b = /^B (\S+)$/m.exec(out)![1]!;

      const eng = await SnapshotEngine.open(store);
      try {
        if (eng.repairs.length === 0) {
          // Killed before the restore wrote anything (still in its safety snapshot), or after it finished.
          assert.ok(!fs.existsSync(path.join(store, 'restoring')) || fs.readdirSync(path.join(store, 'restoring')).length === 0);
          continue;
        }
        // Killed before its writes were durable (possibly after restore() returned: the flush runs then).
        assert.equal(finished, false, 'a restore whose writes are durable leaves no record behind');
        midRestore++;
        assert.equal(eng.repairs.length, 1);
        const rep = eng.repairs[0]!;
        assert.equal(rep.completed, true, rep.message);
        assert.equal(rep.target, a);
        assert.match(rep.message, /was interrupted; it was completed/);
        assert.deepEqual(fs.readdirSync(path.join(store, 'restoring')), [], 'the record is gone once completed');

        // The workspace is exactly snapshot A: nothing half-written, nothing left over.
        const refA = path.join(base, 'refA');
        await eng.materialise(a, refA);
        assertSameTree(ws, refA, `round ${round}: the completed restore equals the snapshot it restored`);
        assert.deepEqual(restoreTemps(ws), [], 'no restore temp file is left in the workspace');

        // What the interruption left is kept (an undo point), and so is the state before the restore.
        assert.ok(rep.undoSnapshotId && eng.get(rep.undoSnapshotId));
        await eng.restore(rep.originalUndoSnapshotId, ws);
        const refB = path.join(base, 'refB');
        await eng.materialise(b, refB);
        assertSameTree(ws, refB, 'undo of the interrupted restore gives back what was there before it');
      } finally {
        eng.close();
      }
    }
    assert.ok(midRestore >= 1, `at least one kill landed inside a restore (got ${midRestore})`);
  });

  it('SIGKILL right after restore() returned, before its background flush: the next open completes it', async () => {
    const base = tmpDir('restore-kill-returned');
    cleanup.push(base);
    const ws = path.join(base, 'ws');
    const store = path.join(ws, '.nemocognition', 'snapshots');
    const proc = spawnFixture('restoreChild', [store, ws, '1500', 'kill-on-return']);
    await proc.exited;
    assert.ok(proc.out().includes('returned\n'), `the child never got to restore: ${proc.err()}`);
    const a = /^A (\S+)$/m.exec(proc.out())![1]!;
    assert.ok(!proc.out().includes('done'), 'killed before the flush');
    const eng = await SnapshotEngine.open(store);
    try {
      assert.equal(eng.repairs.length, 1, 'the record was still there');
      assert.equal(eng.repairs[0]!.completed, true, eng.repairs[0]!.message);
      const refA = path.join(base, 'refA');
      await eng.materialise(a, refA);
      assertSameTree(ws, refA, 'the workspace equals the restored snapshot');
      assert.deepEqual(fs.readdirSync(path.join(store, 'restoring')), []);
    } finally {
      eng.close();
    }
  });
});
