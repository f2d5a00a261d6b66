/**
 * Journal recovery at open: which records are intact, whether the end is a
 * torn write, what is damaged, and exactly which events were lost.
 *
 *   const plan = analyseJournal(segments, { fromSeq, exportSeq });
 *   // plan.records: intact records after fromSeq, in seq order, each once
 *   // plan.lost: seq ranges no intact record holds; plan.rewrite: segments to repair
 *
 * Rules (issue 12: recovery used to delete acknowledged records and call it a torn write):
 * - Only an incomplete final frame of the last segment is torn: it was never acknowledged and is dropped.
 * - Anything else unreadable is damage. Every intact frame (whole, checksum matching) is kept wherever it is,
 *   duplicates once, out-of-order records in order; nothing valid is ever cut away.
 * - A damaged segment is copied aside (`journal/damaged/<segment>.<time>`, with a `.json` report) before it
 *   is rewritten with its intact records, so the evidence stays and later reads are clean.
 * - Every segment is verified at open (checksums only for those before the replayed tail: about 1 GB/s
 *   with zlib.crc32), so damage in old segments is reported at once, not met later by a reader.
 * - Lost events are named by seq: the gaps between intact records, and after the last one the seqs still
 *   readable in the damaged bytes (or the export's last seq). Events the database export holds are marked so.
 */
import { HEADER_BYTES, type Frame } from './record';

/** The smallest frame a record can make (`{"v":1,"seq":1,"ts":1,"event":{"type":"a"}}` and its header). */
const MIN_FRAME_BYTES = HEADER_BYTES + 40;

export interface SegmentFile {
  firstSeq: number;
  /** Base name, e.g. 0000000000000001.jnl */
  name: string;
}

export interface ScannedSegment extends SegmentFile {
  bytes: number;
  frames: Frame[];
  damaged: Array<{ start: number; end: number }>;
  tornBytes: number;
  gaveUp: boolean;
  /** Seqs written inside the damaged bytes that can still be read there (`"seq":N`). */
  seqHints: number[];
  /** How many records the unreadable bytes at the end held (see recordsIn), when the end is unreadable. */
  endRecords?: { count: number; exact: boolean };
}

export interface LostRange {
  from: number;
  to: number;
  /** Unreadable bytes at the end could have held these, no more: some may never have existed. */
  atMost?: boolean;
  /** The database export includes these events (queries still see them; journal readers do not). */
  inExport: boolean;
}

export interface SegmentProblem {
  segment: string;
  /** Unreadable ranges; a torn-looking end of a segment that is not the last counts (writes there were finished). */
  damagedBytes: Array<{ start: number; end: number }>;
  duplicates: number;
  /** Two different intact records with one seq: the first in journal order is kept. */
  conflicts: number;
  outOfOrder: boolean;
  /** Records whose seq belongs to another segment's range (moved there on rewrite). */
  misplaced: number;
  lengthRepaired: number;
  gaveUp: boolean;
}

export interface RecoveryPlan {
  /** Every intact record, by seq (the first in journal order when a seq occurs twice), with where it is. */
  kept: Map<number, { segment: number; frame: Frame }>;
  lost: LostRange[];
  problems: SegmentProblem[];
  /** Segment indexes whose content must be rewritten (damage, duplicates, order, misplaced records). */
  rewrite: Set<number>;
  /** Target content of every segment: the seqs it must hold, in order. */
  target: number[][];
  /** Index of the last segment when its end is a torn write to drop (and nothing else is wrong with it). */
  tornSegment: number | null;
  tornBytes: number;
  /** Highest seq known to have existed (intact, or still readable in damaged bytes). */
  highestSeq: number;
}

export function analyseJournal(segs: ScannedSegment[], opts: { exportSeq: number }): RecoveryPlan {
  const kept = new Map<number, { segment: number; frame: Frame }>();
  const problems: SegmentProblem[] = [];
  const rewrite = new Set<number>();
  let highestSeq = 0;
  let tornSegment: number | null = null;
  let tornBytes = 0;
  segs.forEach((seg, i) => {
    const isLast = i === segs.length - 1;
    const p: SegmentProblem = { segment: seg.name, damagedBytes: [...seg.damaged], duplicates: 0, conflicts: 0, outOfOrder: false, misplaced: 0, lengthRepaired: 0, gaveUp: seg.gaveUp };
    if (seg.tornBytes > 0) {
      if (isLast) {
        tornSegment = i;
        tornBytes = seg.tornBytes;
      } else p.damagedBytes.push({ start: seg.bytes - seg.tornBytes, end: seg.bytes });
    }
    let prev = -Infinity;
    for (const f of seg.frames) {
      if (f.seq <= prev) p.outOfOrder = true;
      prev = Math.max(prev, f.seq);
      if (f.lengthRepaired) p.lengthRepaired++;
      const have = kept.get(f.seq);
      if (have) {
        if (f.crc === have.frame.crc && f.end - f.offset === have.frame.end - have.frame.offset) p.duplicates++;
        else p.conflicts++;
        continue;
      }
      kept.set(f.seq, { segment: i, frame: f });
      highestSeq = Math.max(highestSeq, f.seq);
    }
    for (const h of seg.seqHints) highestSeq = Math.max(highestSeq, h);
    problems.push(p);
  });

  // Where each kept record belongs: the last segment whose first seq is not above it.
  const target: number[][] = segs.map(() => []);
  const seqs = [...kept.keys()].sort((a, b) => a - b);
  let si = 0;
  for (const seq of seqs) {
    while (si + 1 < segs.length && segs[si + 1]!.firstSeq <= seq) si++;
    target[si]!.push(seq);
    if (kept.get(seq)!.segment !== si) problems[kept.get(seq)!.segment]!.misplaced++;
  }
  segs.forEach((seg, i) => {
    const p = problems[i]!;
    const current = seg.frames.map((f) => f.seq);
    const same = current.length === target[i]!.length && current.every((s, k) => s === target[i]![k]);
    if (!same || p.damagedBytes.length > 0 || p.lengthRepaired > 0) rewrite.add(i);
  });
  const lost = lostRanges(segs, seqs, highestSeq, opts.exportSeq);
  for (const r of lost) highestSeq = Math.max(highestSeq, r.to);
  return { kept, lost, problems, rewrite, target, tornSegment, tornBytes, highestSeq };
}

function lostRanges(segs: ScannedSegment[], seqs: number[], highestSeq: number, exportSeq: number): LostRange[] {
  const out: LostRange[] = [];
  const add = (from: number, to: number, atMost = false) => {
    if (to >= from) out.push({ from, to, inExport: to <= exportSeq, ...(atMost ? { atMost } : {}) });
  };
  const first = segs.length > 0 ? Math.max(1, segs[0]!.firstSeq) : 1;
  let expect = first;
  for (const s of seqs) {
    if (s > expect) add(expect, s - 1);
    expect = Math.max(expect, s + 1);
  }
  // After the last intact record, only when the end is damaged: the seqs readable in the damaged bytes, the
  // export's last seq, or at least as many events as the damaged bytes could hold (so none is ever numbered
  // twice). An export ahead of an undamaged journal means files were removed: the store reports that itself.
  const last = segs[segs.length - 1];
  if (last?.endRecords && last.endRecords.count > 0) {
    const known = Math.max(highestSeq, exportSeq);
    const capacity = expect - 1 + last.endRecords.count;
    add(expect, Math.max(known, capacity), !last.endRecords.exact && capacity > known);
  }
  return out;
}

/**
 * How many records unreadable bytes held: frames are followed by their length fields while those stay
 * plausible and land exactly on the end (an exact count: the records are there, their checksums fail);
 * what is left over counts at most one record per smallest possible frame.
 */
export function recordsIn(buf: Buffer, start: number, end: number): { count: number; exact: boolean } {
  let pos = start;
  let count = 0;
  while (pos + HEADER_BYTES <= end) {
    const len = buf.readUInt32LE(pos);
    if (len < 2 || pos + HEADER_BYTES + len > end) break;
    count++;
    pos += HEADER_BYTES + len;
  }
  if (pos === end) return { count, exact: true };
  return { count: count + Math.floor((end - pos) / MIN_FRAME_BYTES), exact: false };
}

/** Seqs still readable in damaged bytes as a record prefix `{"v":1,"seq":N,` (the record around it failed its checksum). */
export function seqHintsIn(buf: Buffer, ranges: Array<{ start: number; end: number }>): number[] {
  const out: number[] = [];
  for (const r of ranges) {
    const text = buf.toString('latin1', r.start, r.end);
    // Only a record's own prefix (as the store writes it), never a "seq" inside an event.
    for (const m of text.matchAll(/\{"v":\d{1,6},"seq":(\d{1,15}),/g)) {
      const n = Number(m[1]);
      if (n > 0) out.push(n);
      if (out.length > 100_000) return out;
    }
  }
  return out;
}

export function describeRange(r: Pick<LostRange, 'from' | 'to' | 'atMost'>): string {
  const range = r.from === r.to ? `event #${r.from}` : `events #${r.from}–#${r.to}`;
  return r.atMost ? `at most ${range} (what the unreadable bytes at the end could have held)` : range;
}

/** One warning per damaged segment, saying what happened to it, and one for what was lost, in plain words. */
export function describeRecovery(
  plan: RecoveryPlan,
  segs: ScannedSegment[],
  how: { readOnly: boolean; keptAs: Map<number, string>; knownLost: LostRange[] },
): string[] {
  const warnings: string[] = [];
  plan.problems.forEach((p, i) => {
    if (!plan.rewrite.has(i)) return;
    const parts: string[] = [];
    const bytes = p.damagedBytes.reduce((n, d) => n + d.end - d.start, 0);
    if (p.damagedBytes.length) parts.push(`${bytes} unreadable bytes at offset${p.damagedBytes.length > 1 ? 's' : ''} ${p.damagedBytes.slice(0, 5).map((d) => d.start).join(', ')}${p.damagedBytes.length > 5 ? ', …' : ''}`);
    if (p.lengthRepaired) parts.push(`${p.lengthRepaired} record${p.lengthRepaired > 1 ? 's' : ''} with a damaged length field (the checksum proves the contents intact; kept)`);
    if (p.duplicates) parts.push(`${p.duplicates} duplicated record${p.duplicates > 1 ? 's' : ''} (kept once)`);
    if (p.conflicts) parts.push(`${p.conflicts} record${p.conflicts > 1 ? 's' : ''} reusing the seq of another, different record (the first in journal order is kept)`);
    if (p.outOfOrder) parts.push('records out of order (kept, in order)');
    if (p.misplaced) parts.push(`${p.misplaced} record${p.misplaced > 1 ? 's' : ''} belonging to another segment (moved there)`);
    if (p.gaveUp) parts.push('bytes that look crafted to slow down reading (not searched further)');
    const intact = segs[i]!.frames.length;
    const what = how.readOnly
      ? 'Opened read-only, so the file was left as it is; open the store for writing to repair it.'
      : `Every intact record was kept (${intact} here); the damaged file was kept as ${how.keptAs.get(i) ?? '(copy failed)'} and the segment rewritten.`;
    warnings.push(`Journal segment ${p.segment} is damaged (not a torn write): ${parts.join('; ') || 'its records are not where they belong'}. ${what}`);
  });
  const fresh = plan.lost.filter((r) => !how.knownLost.some((k) => covers(k, r)));
  const known = plan.lost.filter((r) => how.knownLost.some((k) => covers(k, r)));
  if (fresh.length > 0) {
    const inExport = fresh.filter((r) => r.inExport);
    const gone = fresh.filter((r) => !r.inExport);
    const msg: string[] = [];
    if (gone.length) msg.push(`Lost (in neither the journal nor the database export): ${gone.map(describeRange).join(', ')}.`);
    if (inExport.length) {
      msg.push(
        `Missing from the journal but still in the database export (the run views are complete; journal readers such as the Phoenix mirror cannot send them): ${inExport.map(describeRange).join(', ')}.`,
      );
    }
    warnings.push(`Journal: ${msg.join(' ')} Every other recorded event is intact.`);
  }
  if (known.length > 0) warnings.push(`Still missing from the journal since damage found earlier (see journal/damaged/): ${known.map(describeRange).join(', ')}.`);
  return warnings;
}

function covers(k: LostRange, r: LostRange): boolean {
  return k.from <= r.from && r.to <= k.to;
}

/** Sorted, overlapping and adjacent ranges joined. */
export function mergeLost(ranges: LostRange[]): LostRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const out: LostRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to + 1) {
      last.to = Math.max(last.to, r.to);
      last.inExport = last.inExport && r.inExport;
    } else out.push({ ...r });
  }
  return out;
}
