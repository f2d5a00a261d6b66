/**
 * Properties of journal recovery (src/core/store/journal.ts, record.ts,
 * recovery.ts): a real journal, written by the store, is corrupted at random
 * (bit flips, zeroed or random ranges, cuts, duplicated, swapped, inserted or
 * deleted bytes), then opened.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { Journal } from '../../../src/core/store/journal';
import { HEADER_BYTES } from '../../../src/core/store/record';
import { Store } from '../../../src/core/store/store';
import { branchOpened, node, runStarted, wasmPath } from '../../core/store/helpers';
import { preview, withinBudget, type Target } from '../harness';

/** Opening reads and checks every byte once or twice; generous per KB (the file system is in the budget too). */
const BUDGET = { baseMs: 60, perKbMs: 4 };
const SEGMENT_BYTES = 4096;

/** Scratch on tmpfs where there is one: fsync is free there, and a thousand opens stay quick. */
function scratchRoot(): string {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}

interface RealJournal {
  /** Segment files as the store wrote them, in order. */
  segments: Array<{ name: string; bytes: Buffer }>;
  /** Every acknowledged record: its seq, its whole frame, its JSON. */
  frames: Map<number, { frame: Buffer; json: string }>;
}

let real: Promise<RealJournal> | null = null;

/** A journal written by the real store: 3 segments of acknowledged events. */
function realJournal(): Promise<RealJournal> {
  real ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-prop-journal-'));
    try {
      const s = await Store.open(dir, { wasmPath, segmentBytes: SEGMENT_BYTES });
      await s.append(runStarted('r1'));
      await s.append(branchOpened('b1', 'r1'));
      for (let i = 0; i < 24; i++) await s.append(node(`n${i}`, 'r1', 'b1', { attributes: { i, text: 'x'.repeat(40 + ((i * 37) % 300)) } }));
      await s.close();
      const jdir = path.join(dir, 'journal');
      const segments = fs
        .readdirSync(jdir)
        .filter((n) => n.endsWith('.jnl'))
        .sort()
        .map((name) => ({ name, bytes: fs.readFileSync(path.join(jdir, name)) }));
      const frames: RealJournal['frames'] = new Map();
      segments.forEach((seg) => {
        for (let pos = 0; pos < seg.bytes.length; ) {
          const end = pos + HEADER_BYTES + seg.bytes.readUInt32LE(pos);
          const json = seg.bytes.toString('utf8', pos + HEADER_BYTES, end);
          frames.set(JSON.parse(json).seq, { frame: seg.bytes.subarray(pos, end), json });
          pos = end;
        }
      });
      assert.ok(segments.length >= 3, `${segments.length} segments`);
      return { segments, frames };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  })();
  return real;
}

type Op =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'overwrite'; at: number; len: number; fill: 'zero' | 'random' | 'brace'; seed: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; frame: number; before: number }
  | { kind: 'swap'; frame: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; len: number };

const frac = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: frac, bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('overwrite' as const), at: frac, len: fc.integer({ min: 1, max: 600 }), fill: fc.constantFrom('zero' as const, 'random' as const, 'brace' as const), seed: fc.integer() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: frac }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), frame: frac, before: frac }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('swap' as const), frame: frac }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: frac, bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: frac, len: fc.integer({ min: 1, max: 300 }) }) },
);
/** Corruptions: which segment each hits, and what it does. */
const corruption = fc.array(fc.tuple(frac, op), { minLength: 1, maxLength: 3 });

function frameBounds(buf: Buffer): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let pos = 0; pos + HEADER_BYTES <= buf.length; ) {
    const end = pos + HEADER_BYTES + buf.readUInt32LE(pos);
    if (end > buf.length || end <= pos) break;
    out.push([pos, end]);
    pos = end;
  }
  return out;
}

function apply(buf: Buffer, o: Op): Buffer {
  const at = (f: number) => Math.floor(f * buf.length);
  switch (o.kind) {
    case 'flip': {
      const b = Buffer.from(buf);
      if (b.length) b[at(o.at)]! ^= 1 << o.bit;
      return b;
    }
    case 'overwrite': {
      const b = Buffer.from(buf);
      let x = o.seed | 1;
      for (let i = at(o.at); i < Math.min(b.length, at(o.at) + o.len); i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        b[i] = o.fill === 'zero' ? 0 : o.fill === 'brace' ? (i % 2 ? 0x7b : 0x22) : x & 0xff;
      }
      return b;
    }
    case 'truncate':
      return buf.subarray(0, at(o.at));
    case 'duplicate': {
      const f = frameBounds(buf);
      if (!f.length) return buf;
      const [s, e] = f[Math.floor(o.frame * f.length)]!;
      const [b0] = f[Math.floor(o.before * f.length)]!;
      return Buffer.concat([buf.subarray(0, b0), buf.subarray(s, e), buf.subarray(b0)]);
    }
    case 'swap': {
      const f = frameBounds(buf);
      if (f.length < 2) return buf;
      const i = Math.floor(o.frame * (f.length - 1));
      const [a0, a1] = f[i]!;
      const [, b1] = f[i + 1]!;
      return Buffer.concat([buf.subarray(0, a0), buf.subarray(a1, b1), buf.subarray(a0, a1), buf.subarray(b1)]);
    }
    case 'insert':
      return Buffer.concat([buf.subarray(0, at(o.at)), Buffer.from(o.bytes), buf.subarray(at(o.at))]);
    case 'delete':
      return Buffer.concat([buf.subarray(0, at(o.at)), buf.subarray(Math.min(buf.length, at(o.at) + o.len))]);
  }
}

function describe(ops: Array<[number, Op]>): string {
  return ops.map(([s, o]) => `seg@${s.toFixed(2)}:${JSON.stringify(o)}`).join(' ');
}

/** Opens a journal folder holding `files`, as the writer would. */
function openFolder(files: Array<{ name: string; bytes: Buffer }>, label: () => string) {
  const dir = fs.mkdtempSync(path.join(scratchRoot(), 'nc-prop-j-'));
  try {
    for (const f of files) fs.writeFileSync(path.join(dir, f.name), f.bytes);
    const bytes = files.reduce((n, f) => n + f.bytes.length, 0);
    const first = withinBudget(bytes, BUDGET, label, () => {
      const { journal, recovery } = Journal.openSync(dir, 0, SEGMENT_BYTES, false);
      journal.close();
      return recovery;
    });
    // Opening again finds nothing new: the repair was complete, and its record of what was lost is read back.
    const { journal, recovery: second } = Journal.openSync(dir, 0, SEGMENT_BYTES, false);
    journal.close();
    return { first, second, dir };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const journalTarget: Target = {
  name: 'journal',
  parser: 'journal segments on disk, at open',
  properties: [
    {
      name: 'random corruption of a real journal: every intact acknowledged record is kept unchanged, every other one is reported lost by seq',
      // As many as the issue's own run (2,000 corruptions: 20 deleted intact records, 192 called damage torn).
      ciRuns: 2000,
      make: () =>
        fc.asyncProperty(corruption, async (ops) => {
          const j = await realJournal();
          const files = j.segments.map((s) => ({ name: s.name, bytes: s.bytes }));
          for (const [which, o] of ops) {
            const i = Math.floor(which * files.length);
            files[i] = { name: files[i]!.name, bytes: apply(files[i]!.bytes, o) };
          }
          const label = () => describe(ops);
          const { first, second } = openFolder(files, label);
          const got = new Map(first.records.map((r) => [r.seq, JSON.stringify(r)]));
          const lost = (seq: number) => first.lost.some((l) => l.from <= seq && seq <= l.to);
          // A cut that removes the end of the journal (a torn write, or a cut at a record boundary) is the one loss
          // a journal cannot see: nothing after the cut says those records existed. Every other loss is reported.
          const lastNow = files[files.length - 1]!.bytes;
          const highestKept = Math.max(0, ...first.records.map((r) => r.seq));
          for (const [seq, { frame, json }] of j.frames) {
            const intact = files.some((f) => f.bytes.indexOf(frame) !== -1);
            if (got.has(seq)) {
              assert.equal(got.get(seq), JSON.stringify(JSON.parse(json)), `record #${seq} changed (${label()})`);
              assert.ok(!lost(seq), `#${seq} recovered but reported lost (${label()})`);
              continue;
            }
            assert.ok(!intact, `intact record #${seq} lost (${label()})`);
            if (!lost(seq)) {
              // The last file ends inside this record: a torn write, which must be said.
              const torn = [...Array(frame.length).keys()].some((k) => k > 0 && lastNow.length >= k && lastNow.subarray(lastNow.length - k).equals(frame.subarray(0, k)));
              if (torn) assert.ok(first.warnings.some((w) => /torn/.test(w)), `record #${seq} torn without a word (${label()})`);
              assert.ok(seq > highestKept, `record #${seq} is missing and not reported lost (${label()}); warnings: ${first.warnings.join(' | ')}`);
            }
          }
          assert.deepEqual(second.records.map((r) => r.seq), first.records.map((r) => r.seq), 'a second open reads the same records');
          assert.ok(!second.warnings.some((w) => /is damaged|torn last record/.test(w)), `second open: ${second.warnings.join(' | ')}`);
          assert.ok(second.lastSeq >= first.lastSeq, `lastSeq went from ${first.lastSeq} to ${second.lastSeq} (${label()}); ${JSON.stringify(first.lost)} then ${JSON.stringify(second.lost)}`);
        }),
    },
    {
      name: 'any bytes as segments: open never throws, keeps no record twice, within the time budget',
      make: () =>
        fc.asyncProperty(
          fc.array(
            fc.oneof(
              fc.uint8Array({ maxLength: 3000 }),
              // Near-frames: plausible lengths, braces and quotes, repeated: what makes a resync search slow.
              fc.tuple(fc.integer({ min: 2, max: 5000 }), fc.integer({ min: 1, max: 400 }), fc.constantFrom('{"', '{"v":1,"seq":', '}')).map(([len, n, body]) => {
                const unit = Buffer.alloc(HEADER_BYTES + body.length);
                unit.writeUInt32LE(len, 0);
                unit.write(body, HEADER_BYTES, 'latin1');
                return new Uint8Array(Buffer.concat(Array.from({ length: n }, () => unit)));
              }),
            ),
            { minLength: 1, maxLength: 3 },
          ),
          async (segs) => {
            const files = segs.map((b, i) => ({ name: `${String(1 + i * 1000).padStart(16, '0')}.jnl`, bytes: Buffer.from(b) }));
            const { first } = openFolder(files, () => files.map((f) => preview(f.bytes, 60)).join(' | '));
            const seqs = first.records.map((r) => r.seq);
            assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b));
          },
        ),
    },
    {
      name: 'an intact journal opens with no warning and all its records, twice',
      make: () =>
        fc.asyncProperty(fc.integer({ min: 1, max: 3 }), async (n) => {
          const j = await realJournal();
          const files = j.segments.slice(0, n);
          const { first, second } = openFolder(files, () => 'intact');
          assert.deepEqual(first.warnings, []);
          assert.deepEqual(second.warnings, []);
          const expected = [...j.frames.keys()].filter((s) => files.some((f) => f.bytes.indexOf(j.frames.get(s)!.frame) !== -1));
          assert.deepEqual(first.records.map((r) => r.seq), expected);
        }),
    },
  ],
};
