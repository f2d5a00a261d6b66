import { strict as assert } from 'node:assert';
import { crc32 } from '../../../src/core/store/crc32';
import { encodeRecord, scanBuffer } from '../../../src/core/store/record';
import type { JournalRecord } from '../../../src/core/model/events';

const rec = (seq: number): JournalRecord => ({ v: 1, seq, ts: 1, event: { type: 'run.ended', runId: `r${seq}`, status: 'completed', at: seq } });

describe('store/record framing', () => {
  it('crc32 matches the IEEE check value', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(Buffer.alloc(0)), 0);
  });

  it('reads back every record', () => {
    const buf = Buffer.concat([1, 2, 3].map((s) => encodeRecord(rec(s))));
    const scan = scanBuffer(buf);
    assert.deepEqual(scan.records.map((r) => r.rec.seq), [1, 2, 3]);
    assert.equal(scan.tailBytes, 0);
    assert.equal(scan.damaged.length, 0);
  });

  it('treats a half-written last record as a tail, not as damage', () => {
    const full = Buffer.concat([1, 2].map((s) => encodeRecord(rec(s))));
    const third = encodeRecord(rec(3));
    for (const cut of [1, 4, 8, 9, third.length - 1]) {
      const scan = scanBuffer(Buffer.concat([full, third.subarray(0, cut)]));
      assert.deepEqual(scan.records.map((r) => r.rec.seq), [1, 2], `cut at ${cut}`);
      assert.equal(scan.goodEnd, full.length);
      assert.equal(scan.tailBytes, cut);
      assert.equal(scan.damaged.length, 0);
    }
  });

  it('resynchronises after a damaged record in the middle and keeps the later ones', () => {
    const parts = [1, 2, 3, 4, 5].map((s) => encodeRecord(rec(s)));
    const buf = Buffer.concat(parts);
    const off = parts[0]!.length + parts[1]!.length + 12; // inside record 3's payload
    buf[off] = buf[off]! ^ 0xff;
    const scan = scanBuffer(buf);
    assert.deepEqual(scan.records.map((r) => r.rec.seq), [1, 2, 4, 5]);
    assert.equal(scan.damaged.length, 1);
    assert.equal(scan.tailBytes, 0);
  });

  it('skips a garbage region and a bogus length header', () => {
    const a = encodeRecord(rec(1));
    const garbage = Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4, 0x7b, 0x22, 9, 9]);
    const b = encodeRecord(rec(2));
    const scan = scanBuffer(Buffer.concat([a, garbage, b]));
    assert.deepEqual(scan.records.map((r) => r.rec.seq), [1, 2]);
    assert.deepEqual(scan.damaged, [{ start: a.length, end: a.length + garbage.length }]);
  });
});
