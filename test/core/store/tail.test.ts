import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Store } from '../../../src/core/store/store';
import { JournalTail } from '../../../src/core/store/tail';
import { branchOpened, node, rmDir, runStarted, tmpDir, wasmPath } from './helpers';

async function fill(s: Store, n: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i++) await s.append(node(`n${i}`, 'r1', 'b1', { startTime: i, endTime: i + 1, status: 'ok', attributes: { pad: 'x'.repeat(200 + (i % 7) * 50) } }));
}

describe('store/tail: following the journal at O(new bytes)', () => {
  let dir: string;
  beforeEach(() => (dir = tmpDir('nc-tail-')));
  afterEach(() => rmDir(dir));

  it('returns exactly what readJournal returns, across appends, small byte budgets and segment rollovers', async () => {
    const s = await Store.open(dir, { wasmPath, segmentBytes: 4096 });
    try {
      await s.append(runStarted('r1'));
      await s.append(branchOpened('b1', 'r1'));
      const tail = new JournalTail(path.join(dir, 'journal'), 0);
      const got: number[] = [];
      for (let round = 0; round < 6; round++) {
        await fill(s, 7, round * 7);
        for (;;) {
          const r = tail.read(700); // smaller than a few records: many partial reads
          got.push(...r.records.map((x) => x.seq));
          assert.deepEqual(r.warnings, []);
          if (!r.more) break;
        }
        assert.deepEqual(got, [...s.readJournal(0)].map((x) => x.seq), `round ${round}`);
      }
      assert.ok(fs.readdirSync(path.join(dir, 'journal')).length > 3, 'several segments');
      // A tail started at a cursor in the middle continues from there.
      const mid = new JournalTail(path.join(dir, 'journal'), 20);
      assert.deepEqual(mid.read(1 << 20).records.map((x) => x.seq), [...s.readJournal(20)].map((x) => x.seq));
      assert.equal(mid.endSeq, s.lastSeq);
    } finally {
      await s.close();
    }
  });

  it('leaves a record being written for the next read, and skips a damaged one with a warning', async () => {
    const s = await Store.open(dir, { wasmPath });
    await s.append(runStarted('r1'));
    await s.append(branchOpened('b1', 'r1'));
    await fill(s, 3);
    await s.close();
    const seg = path.join(dir, 'journal', fs.readdirSync(path.join(dir, 'journal'))[0]!);
    const whole = fs.readFileSync(seg);
    const tail = new JournalTail(path.join(dir, 'journal'), 0);
    // Half of the last record on disk: the writer is in the middle of it.
    fs.writeFileSync(seg, whole.subarray(0, whole.length - 40));
    assert.deepEqual(tail.read().records.map((r) => r.seq), [1, 2, 3, 4]);
    fs.writeFileSync(seg, whole);
    assert.deepEqual(tail.read().records.map((r) => r.seq), [5]);
    // A flipped byte inside record 2, read by a fresh tail: 2 is lost, the rest kept, and it says so.
    const bad = Buffer.from(whole);
    bad[whole.indexOf('"seq":2') + 30] ^= 0xff;
    fs.writeFileSync(seg, bad);
    const fresh = new JournalTail(path.join(dir, 'journal'), 0);
    const r = fresh.read();
    assert.deepEqual(r.records.map((x) => x.seq), [1, 3, 4, 5]);
    assert.match(r.warnings[0]!, /unreadable bytes/);
  });

  it('knows its journal: a store deleted and recreated has another identity', async () => {
    let s = await Store.open(dir, { wasmPath });
    await s.append(runStarted('r1'));
    await s.close();
    const a = new JournalTail(path.join(dir, 'journal'), 0).identity();
    rmDir(dir);
    s = await Store.open(dir, { wasmPath });
    await s.append(runStarted('r2'));
    await s.close();
    const b = new JournalTail(path.join(dir, 'journal'), 0).identity();
    assert.ok(a && b);
    assert.notEqual(a, b);
  });
});
