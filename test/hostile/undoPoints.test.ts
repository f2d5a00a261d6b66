/**
 * Hole 11 of issue 13 (the undo half; the fsync half is issue 14's): safety
 * snapshots taken before a restore (the undo points) were ordinary snapshots,
 * the oldest of which the size budget and GC drop first; and Undo remembered
 * only the last restore. Undo points are pinned; Undo is a stack.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { restoreWithUndo, undoLastRestore, undoStackOf, UndoStack } from '../../src/core/restore';
import { SnapshotEngine } from '../../src/core/snapshots/engine';

function files(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const rel = path.relative(root, path.join(e.parentPath, e.name));
    if (!rel.startsWith('.nemocognition')) out[rel] = fs.readFileSync(path.join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

describe('hole 11: undo points and the undo stack', function () {
  this.timeout(120_000);
  let tmp: string;
  let ws: string;
  let engine: SnapshotEngine;
  const snaps: string[] = [];

  beforeEach(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-hole11-'));
    ws = path.join(tmp, 'ws');
    const br = path.join(tmp, 'branch');
    fs.mkdirSync(ws);
    fs.mkdirSync(br);
    fs.writeFileSync(path.join(ws, 'a.txt'), 'user version\n');
    engine = await SnapshotEngine.open(path.join(tmp, 'store'), { changeSource: 'full-scan' });
    snaps.length = 0;
    for (const v of ['one', 'two', 'three']) {
      fs.writeFileSync(path.join(br, 'a.txt'), `${v}\n`);
      fs.writeFileSync(path.join(br, `${v}.txt`), `${v}\n`);
      snaps.push((await engine.take(br, { reason: `branch ${v}` })).id);
    }
  });
  afterEach(() => {
    engine.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the size budget and GC never drop an undo point', async () => {
    const r = await restoreWithUndo(engine, snaps[0]!, ws, { label: 'branch one' });
    // Fill the store well past a tiny budget with newer snapshots of unrelated content.
    const noise = path.join(tmp, 'noise');
    fs.mkdirSync(noise);
    for (let i = 0; i < 6; i++) {
      fs.writeFileSync(path.join(noise, `n${i}.bin`), randomBytes(200_000));
      await engine.take(noise, { reason: `noise ${i}` });
    }
    const { dropped } = await engine.enforceBudget(50_000);
    assert.ok(dropped.length > 0, 'the budget dropped snapshots');
    assert.ok(!dropped.includes(r.undoSnapshotId), 'the budget dropped the undo point');
    await engine.gc([]); // nothing live but the pins
    assert.ok(engine.get(r.undoSnapshotId), 'GC dropped the undo point');
    await undoLastRestore(engine, ws);
    assert.deepEqual(files(ws), { 'a.txt': 'user version\n' });
  });

  it('undo is a stack: three restores are undone one by one, newest first, each giving back the state before it', async () => {
    const states = [files(ws)];
    for (const [i, id] of snaps.entries()) {
      await restoreWithUndo(engine, id, ws, { label: `branch ${i}`, target: { branchId: `br_${i}` } });
      states.push(files(ws));
    }
    assert.equal(undoStackOf(engine).list().length, 3);
    assert.equal(undoStackOf(engine).current?.target?.branchId, 'br_2', 'the most recent restore is on top');
    for (let i = 3; i > 0; i--) {
      const r = await undoLastRestore(engine, ws);
      assert.equal(r?.undone.label, `branch ${i - 1}`);
      assert.deepEqual(files(ws), states[i - 1], `undo ${4 - i} did not restore the state before restore ${i}`);
    }
    assert.equal(await undoLastRestore(engine, ws), undefined, 'nothing left to undo');
    assert.equal(engine.pins.list().size, 0, 'used undo points are unpinned');
  });

  it('keeps at most its depth: the oldest undo point falls off and is unpinned', async () => {
    const stack = new UndoStack(engine.storeDir, engine.pins, 2);
    for (const [i, id] of snaps.entries()) {
      const r = await engine.restore(id, ws, { pinSafety: 'test' });
      stack.push({ undoSnapshotId: r.undoSnapshotId, restoredSnapshotId: id, label: `r${i}`, at: i });
    }
    assert.deepEqual(stack.list().map((e) => e.label), ['r1', 'r2']);
    assert.equal(engine.pins.list().size, 2);
  });
});
