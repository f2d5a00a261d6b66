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
import { frame, scanBuffer } from './record';

const SEGMENT_RE = /^(\d{16})\.jnl$/;
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

  /** Lists segments and, scanning from the segment that holds `fromSeq + 1`, returns the records after it; drops a torn tail. */
  static openSync(
    dir: string,
    fromSeq: number,
    segmentBytes = DEFAULT_SEGMENT_BYTES,
    readOnly = false,
  ): { journal: Journal; recovery: RecoveryResult } {
    if (!readOnly) fs.mkdirSync(dir, { recursive: true });
    const j = new Journal(dir, segmentBytes, readOnly);
    j.listSegments();
    const recovery = j.recover(fromSeq);
    return { journal: j, recovery };
  }

  private listSegments(): void {
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !this.readOnly) throw err;
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

  private recover(fromSeq: number): RecoveryResult {
    const warnings: string[] = [];
    const records: JournalRecord[] = [];
    let start = 0;
    for (let i = 0; i < this.segments.length; i++) if (this.segments[i]!.firstSeq <= fromSeq + 1) start = i;
    let lastSeq = 0;
    let prevSeq: number | null = null;
    for (let i = start; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const isLast = i === this.segments.length - 1;
      const name = path.basename(seg.file);
      const buf = fs.readFileSync(seg.file);
      const scan = scanBuffer(buf, seg.firstSeq - 1);
      for (const d of scan.damaged) {
        warnings.push(
          `Journal segment ${name}: ${d.end - d.start} unreadable bytes at offset ${d.start} were skipped (damaged on disk); ` +
            `the records after them were recovered. Events in the damaged range are lost.`,
        );
      }
      for (const { rec } of scan.records) {
        if (prevSeq !== null && rec.seq !== prevSeq + 1) {
          warnings.push(`Journal: events ${prevSeq + 1}..${rec.seq - 1} are missing (lost in a damaged region); later events were kept.`);
        }
        prevSeq = rec.seq;
        if (rec.seq > fromSeq) records.push(rec);
        lastSeq = rec.seq;
      }
      lastSeq = Math.max(lastSeq, seg.firstSeq - 1);
      if (scan.tailBytes > 0) {
        if (isLast && this.readOnly) {
          warnings.push(
            `Journal segment ${name}: ignored an incomplete last record (${scan.tailBytes} bytes after offset ${scan.goodEnd}): ` +
              `a write in progress by the store's writer, or a torn write it will drop. Left untouched (opened read-only).`,
          );
        } else if (isLast) {
          warnings.push(
            `Journal segment ${name}: dropped a torn last record (${scan.tailBytes} bytes after offset ${scan.goodEnd}), ` +
              `left by an interrupted write; it was never acknowledged, so nothing recorded is lost.`,
          );
          const fd = fs.openSync(seg.file, 'r+');
          try {
            fs.ftruncateSync(fd, scan.goodEnd);
            fs.fsyncSync(fd);
          } finally {
            fs.closeSync(fd);
          }
        } else {
          warnings.push(`Journal segment ${name}: ${scan.tailBytes} unreadable bytes at its end (offset ${scan.goodEnd}); events there are lost.`);
        }
      }
      if (isLast) this.size = scan.tailBytes > 0 ? scan.goodEnd : buf.length;
    }
    this.durableSeq = lastSeq;
    return { records, lastSeq, warnings };
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
