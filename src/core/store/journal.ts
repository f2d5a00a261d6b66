/**
 * The append-only journal: the store's source of truth. Segment files named by
 * the seq of their first record; records framed by record.ts; every batch is
 * fdatasync'd before it counts as written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JournalRecord } from '../model/events';
import { describeWriteError } from './errors';
import { fdatasyncAsync, fsyncDirSync, ftruncateAsync, writeFully } from './fsutil';
import { frame, HEADER_BYTES, scanBuffer, scanFrames, type Frame } from './record';
import { analyseJournal, describeRecovery, mergeLost, recordsIn, seqHintsIn, type LostRange, type RecoveryPlan, type ScannedSegment } from './recovery';

const SEGMENT_RE = /^(\d{16})\.jnl$/;
/** Copies of damaged segments, and reports of what was lost, under the journal folder. */
export const DAMAGED_DIR = 'damaged';
/** A segment being rewritten (never matches SEGMENT_RE; a leftover from a crash is removed at open). */
const REWRITE_TMP = '.rewrite-tmp';
export const DEFAULT_SEGMENT_BYTES = 32 * 1024 * 1024;

interface Segment {
  firstSeq: number;
  file: string;
}

export interface RecoveryResult {
  /** Readable records with seq > fromSeq, in order. */
  records: JournalRecord[];
  lastSeq: number;
  warnings: string[];
  /** Seq ranges no intact record holds (damage found now or earlier), for readers to tell known gaps from new damage. */
  lost: LostRange[];
  /** Segments found damaged now, each kept aside (writer) before being rewritten. */
  damaged: Array<{ segment: string; keptAs: string | null }>;
}

function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(16, '0')}.jnl`;
}

export class Journal {
  private segments: Segment[] = [];
  private fd: number | null = null;
  /** Bytes of the current (last) segment that hold whole, durable records. */
  private size = 0;
  private durableSeq = 0;
  /** fdatasync calls made for appends (group commit makes this smaller than the number of records). */
  syncs = 0;

  private constructor(
    readonly dir: string,
    private readonly segmentBytes: number,
    private readonly readOnly: boolean,
  ) {}

  /**
   * Lists and verifies the segments, returns the records after `fromSeq`, drops a torn tail and repairs
   * damage (see recovery.ts). `exportSeq`: the last event the database export holds (to say what it still has).
   */
  static openSync(
    dir: string,
    fromSeq: number,
    segmentBytes = DEFAULT_SEGMENT_BYTES,
    readOnly = false,
    exportSeq = fromSeq,
  ): { journal: Journal; recovery: RecoveryResult } {
    if (!readOnly) fs.mkdirSync(dir, { recursive: true });
    const j = new Journal(dir, segmentBytes, readOnly);
    j.listSegments();
    const recovery = j.recover(fromSeq, exportSeq);
    return { journal: j, recovery };
  }

  private listSegments(): void {
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !this.readOnly) throw err;
    }
    if (!this.readOnly) {
      for (const n of names) if (n.endsWith(REWRITE_TMP)) fs.rmSync(path.join(this.dir, n), { force: true });
    }
    this.segments = names
      .map((name) => SEGMENT_RE.exec(name))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => ({ firstSeq: Number(m[1]), file: path.join(this.dir, m[0]) }))
      .sort((a, b) => a.firstSeq - b.firstSeq);
  }

  /** Read-only readers: records another process appended since `afterSeq` (complete ones only). */
  readNew(afterSeq: number): JournalRecord[] {
    this.listSegments();
    const out = [...this.read(afterSeq, Number.MAX_SAFE_INTEGER)];
    if (out.length > 0) this.durableSeq = out[out.length - 1]!.seq;
    return out;
  }

  get lastSeq(): number {
    return this.durableSeq;
  }

  private recover(fromSeq: number, exportSeq: number): RecoveryResult {
    let start = 0;
    for (let i = 0; i < this.segments.length; i++) if (this.segments[i]!.firstSeq <= fromSeq + 1) start = i;
    // Every segment is read: those before the replayed tail only have their checksums verified.
    const scanned: ScannedSegment[] = [];
    const recs = new Map<string, Map<number, JournalRecord>>();
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const buf = fs.readFileSync(seg.file);
      const parse = i >= start;
      let scan = scanFrames(buf, parse);
      if (!parse && scan.frames.some((f) => f.seq > fromSeq)) scan = scanFrames(buf, true); // misplaced later records
      const end = scan.damaged.find((d) => d.end === buf.length);
      scanned.push({
        firstSeq: seg.firstSeq,
        name: path.basename(seg.file),
        bytes: buf.length,
        frames: scan.frames,
        damaged: scan.damaged,
        tornBytes: scan.tornBytes,
        gaveUp: scan.gaveUp,
        seqHints: seqHintsIn(buf, scan.damaged),
        ...(end ? { endRecords: recordsIn(buf, end.start, end.end) } : {}),
      });
      const byseq = new Map<number, JournalRecord>();
      for (const f of scan.frames) if (f.rec && f.seq > fromSeq) byseq.set(f.seq, f.rec);
      recs.set(seg.file, byseq);
    }
    const plan = analyseJournal(scanned, { exportSeq });
    const knownLost = readKnownLoss(path.join(this.dir, DAMAGED_DIR));
    const keptAs = new Map<number, string>();
    const damaged: RecoveryResult['damaged'] = [];
    let repairFailure: string | null = null;
    if (plan.rewrite.size > 0 && !this.readOnly) {
      try {
        this.repair(plan, keptAs);
      } catch (err) {
        // Copies first, then atomic rewrites: whatever failed, no intact record was cut, and the next open retries.
        repairFailure = `${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`.trim();
      }
    }
    for (const i of plan.rewrite) damaged.push({ segment: path.basename(this.segments[i]!.file), keptAs: keptAs.get(i) ?? null });
    if (keptAs.size > 0) {
      try {
        writeLossReport(path.join(this.dir, DAMAGED_DIR), stampOf(keptAs), plan.lost, damaged);
      } catch {
        // the warnings below still say it
      }
    }
    const warnings = describeRecovery(plan, scanned, { readOnly: this.readOnly, keptAs, knownLost });
    if (repairFailure) {
      warnings.push(
        `The damaged journal could not be repaired (${repairFailure}): the files were left as they are (every intact record is still read from them); ` +
          'free disk space or fix the permissions of the store folder, and reopen the store to repair it.',
      );
    }

    // A torn end of the last segment: never acknowledged, dropped (by the rewrite, if the segment was damaged too).
    const lastIdx = this.segments.length - 1;
    if (plan.tornSegment !== null) {
      const seg = this.segments[plan.tornSegment]!;
      const name = path.basename(seg.file);
      const goodEnd = scanned[plan.tornSegment]!.bytes - plan.tornBytes;
      if (plan.rewrite.has(plan.tornSegment)) {
        warnings.push(
          `Journal segment ${name}: its last record was torn (${plan.tornBytes} bytes after offset ${goodEnd}, an interrupted write, never acknowledged); ` +
            `it is not in the rewritten segment.`,
        );
      } else if (this.readOnly) {
        warnings.push(
          `Journal segment ${name}: ignored an incomplete last record (${plan.tornBytes} bytes after offset ${goodEnd}): ` +
            `a write in progress by the store's writer, or a torn write it will drop. Left untouched (opened read-only).`,
        );
      } else {
        warnings.push(
          `Journal segment ${name}: dropped a torn last record (${plan.tornBytes} bytes after offset ${goodEnd}), ` +
            `left by an interrupted write; it was never acknowledged, so nothing recorded is lost.`,
        );
        const fd = fs.openSync(seg.file, 'r+');
        try {
          fs.ftruncateSync(fd, goodEnd);
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
      }
    }
    if (lastIdx >= 0) {
      const seg = this.segments[lastIdx]!;
      if (this.readOnly) {
        const sc = scanned[lastIdx]!;
        this.size = sc.bytes - (plan.tornSegment === lastIdx ? plan.tornBytes : 0);
      } else this.size = fs.statSync(seg.file).size;
    }

    const records: JournalRecord[] = [];
    for (const seq of [...plan.kept.keys()].sort((a, b) => a - b)) {
      if (seq <= fromSeq) continue;
      const { segment } = plan.kept.get(seq)!;
      const rec = recs.get(this.segments[segment]!.file)!.get(seq);
      if (rec) records.push(rec);
    }
    // New events are numbered after everything that existed, lost ones included: a reader that saw a lost
    // event under its seq must never see a different event under the same seq.
    const lost = mergeLost([...knownLost, ...plan.lost]);
    const lastSeq = Math.max(plan.highestSeq, lastIdx >= 0 ? this.segments[lastIdx]!.firstSeq - 1 : 0, ...lost.map((l) => l.to));
    this.durableSeq = lastSeq;
    return { records, lastSeq, warnings, lost, damaged };
  }

  /** Keeps a copy of every segment to rewrite (all copies first), then rewrites each atomically from its intact records. */
  private repair(plan: RecoveryPlan, keptAs: Map<number, string>): void {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const aside = path.join(this.dir, DAMAGED_DIR);
    fs.mkdirSync(aside, { recursive: true });
    const copies = new Map<number, string>();
    for (const i of plan.rewrite) {
      const seg = this.segments[i]!;
      const copy = path.join(aside, `${path.basename(seg.file)}.${stamp}`);
      fs.copyFileSync(seg.file, copy, fs.constants.COPYFILE_EXCL);
      fsyncFile(copy);
      copies.set(i, path.relative(path.dirname(this.dir), copy));
    }
    fsyncDirSync(aside);
    for (const [i, copy] of copies) keptAs.set(i, copy);
    // Every segment a record is taken from is read before anything is rewritten (records may have to move).
    const bufs = new Map<number, Buffer>();
    const bufOf = (i: number) => bufs.get(i) ?? bufs.set(i, fs.readFileSync(this.segments[i]!.file)).get(i)!;
    for (const i of plan.rewrite) for (const seq of plan.target[i]!) bufOf(plan.kept.get(seq)!.segment);
    for (const i of plan.rewrite) {
      const seg = this.segments[i]!;
      const frames = plan.target[i]!.map((seq) => {
        const { segment, frame } = plan.kept.get(seq)!;
        return frame0(bufOf(segment), frame);
      });
      const tmp = `${seg.file}${REWRITE_TMP}`;
      fs.writeFileSync(tmp, Buffer.concat(frames));
      fsyncFile(tmp);
      fs.renameSync(tmp, seg.file);
    }
    fsyncDirSync(this.dir);
  }

  /** Continue numbering after events that only the database export still knows about (journal lost or cut short). */
  bumpSeq(seq: number): void {
    if (seq > this.durableSeq) this.durableSeq = seq;
  }

  private ensureOpenFor(firstSeq: number, incoming: number): void {
    const last = this.segments[this.segments.length - 1];
    const rollover = !last || (this.size > 0 && this.size + incoming > this.segmentBytes);
    if (!rollover) {
      if (this.fd === null) this.fd = fs.openSync(last.file, 'r+');
      return;
    }
    // New segment: the previous one is complete and fsync'd; make the new file's name durable before writing to it.
    const seg = { firstSeq, file: path.join(this.dir, segmentName(firstSeq)) };
    const fd = fs.openSync(seg.file, 'wx');
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = fd;
    this.size = 0;
    this.segments.push(seg);
    fsyncDirSync(this.dir);
  }

  /** Writes and fdatasyncs the records (one batch, one sync). On failure the segment is cut back to its previous end. */
  async write(recs: Array<{ seq: number; payload: Buffer }>): Promise<void> {
    if (recs.length === 0) return;
    if (this.readOnly) throw new Error('journal opened read-only');
    const buf = Buffer.concat(recs.map((r) => frame(r.payload)));
    try {
      this.ensureOpenFor(recs[0]!.seq, buf.length);
    } catch (err) {
      throw describeWriteError(err, 'a new journal segment', this.dir);
    }
    const fd = this.fd!;
    const at = this.size;
    try {
      await writeFully(fd, buf, at);
      await fdatasyncAsync(fd);
      this.syncs++;
    } catch (err) {
      try {
        await ftruncateAsync(fd, at);
        await fdatasyncAsync(fd);
      } catch {
        // The next batch is written at `at` anyway (positional writes), and open() drops any leftover as a torn tail.
      }
      throw describeWriteError(err, 'the journal', this.dir);
    }
    this.size = at + buf.length;
    this.durableSeq = recs[recs.length - 1]!.seq;
  }

  /** Durable records with afterSeq < seq <= uptoSeq, read from disk (a reader's own cursor). */
  *read(afterSeq: number, uptoSeq: number = this.durableSeq): Generator<JournalRecord> {
    const segs = this.segments.slice();
    for (let i = 0; i < segs.length; i++) {
      const next = segs[i + 1];
      if (next && next.firstSeq <= afterSeq + 1) continue;
      const seg = segs[i]!;
      if (seg.firstSeq > uptoSeq) return;
      let buf: Buffer;
      try {
        buf = fs.readFileSync(seg.file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      for (const { rec } of scanBuffer(buf, seg.firstSeq - 1).records) {
        if (rec.seq > uptoSeq) return;
        if (rec.seq > afterSeq) yield rec;
      }
    }
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}

/** The frame's bytes, re-framed when its length field was the damaged part (the payload is what the checksum proved). */
function frame0(buf: Buffer, f: Frame): Buffer {
  const payload = buf.subarray(f.offset + HEADER_BYTES, f.end);
  return f.lengthRepaired ? frame(Buffer.from(payload)) : buf.subarray(f.offset, f.end);
}

function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function writeLossReport(aside: string, stamp: string, lost: LostRange[], damaged: Array<{ segment: string; keptAs: string | null }>): void {
  const file = path.join(aside, `report-${stamp}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ found: new Date().toISOString(), damaged, lost }, null, 2)}\n`);
  fsyncFile(file);
  fsyncDirSync(aside);
}

/** Lost ranges written by earlier recoveries (so a gap they explain is not announced as new damage). */
function readKnownLoss(aside: string): LostRange[] {
  let names: string[];
  try {
    names = fs.readdirSync(aside);
  } catch {
    return [];
  }
  const out: LostRange[] = [];
  for (const n of names) {
    if (!/^report-.*\.json$/.test(n)) continue;
    try {
      const r = JSON.parse(fs.readFileSync(path.join(aside, n), 'utf8')) as { lost?: unknown };
      if (!Array.isArray(r.lost)) continue;
      for (const l of r.lost.slice(0, 10_000)) {
        if (l && Number.isSafeInteger(l.from) && Number.isSafeInteger(l.to) && l.from <= l.to) out.push({ from: l.from, to: l.to, inExport: !!l.inExport });
      }
    } catch {
      // an unreadable report explains nothing
    }
  }
  return out;
}

/** The time stamp of this repair, from the name of a copy it kept (`<segment>.<stamp>`). */
function stampOf(keptAs: Map<number, string>): string {
  const first = [...keptAs.values()][0]!;
  return path.basename(first).replace(/^\d{16}\.jnl\./, '');
}
