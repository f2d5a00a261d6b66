/**
 * JournalTail: a reader of the journal with its own cursor that costs
 * O(new bytes) per read, for sinks that follow a live store from another
 * process (the Phoenix mirror). It remembers the segment and byte offset it
 * reached, so a read after an append decodes only what was appended, where
 * `Store.readJournal` re-reads the whole segment. Never writes; never takes
 * the writer's lock.
 *
 * Decoding is the store's (record.ts `scanBuffer`): checksums verified, a
 * damaged region skipped to the next readable record (and reported), an
 * incomplete last record (a write in progress) left for the next read.
 * Records written by a newer NemoCognition are refused, as the store does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENT_SCHEMA_VERSION, type JournalRecord } from '../model/events';
import { StoreOpenError } from './errors';
import { scanBuffer } from './record';

const SEGMENT_RE = /^(\d{16})\.jnl$/; // journal.ts names segments by their first seq
const DEFAULT_CHUNK = 8 * 1024 * 1024;

interface Segment {
  firstSeq: number;
  file: string;
}

export interface TailRead {
  /** Complete records with seq greater than everything returned before, in order. */
  records: JournalRecord[];
  /** More complete data is already on disk (the read stopped at its byte budget). */
  more: boolean;
  /** Damaged regions skipped, as the store reports them. */
  warnings: string[];
}

export class JournalTail {
  private seg: Segment | null = null;
  private offset = 0;
  /** Seq of the last record returned (or the starting cursor). */
  private seq: number;
  /** Highest seq seen on disk, including records skipped because they were at or before the cursor. */
  private _endSeq = 0;
  /** Seq of the last record decoded in the current segment (scanBuffer needs it to tell records from damage). */
  private segSeq = 0;

  constructor(
    /** `<store>/journal`. */
    readonly dir: string,
    afterSeq: number,
  ) {
    this.seq = afterSeq;
  }

  /** The last seq returned (or the starting cursor). */
  get lastSeq(): number {
    return this.seq;
  }

  /** The highest seq seen in the journal so far (0 before the first read). */
  get endSeq(): number {
    return this._endSeq;
  }

  private segments(): Segment[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names
      .map((n) => SEGMENT_RE.exec(n))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => ({ firstSeq: Number(m[1]), file: path.join(this.dir, m[0]) }))
      .sort((a, b) => a.firstSeq - b.firstSeq);
  }

  /** Reads what was appended since the last read (about `maxBytes` of journal at most). */
  read(maxBytes = DEFAULT_CHUNK): TailRead {
    const out: TailRead = { records: [], more: false, warnings: [] };
    const segs = this.segments();
    if (segs.length === 0) return out;
    if (!this.seg || !segs.some((s) => s.file === this.seg!.file)) this.position(segs);
    let budget = maxBytes;
    for (;;) {
      const seg = this.seg!;
      const idx = segs.findIndex((s) => s.file === seg.file);
      const next = segs[idx + 1];
      let size: number;
      try {
        size = fs.statSync(seg.file).size;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        this.position(this.segments()); // removed under us (store replaced): start over from the cursor
        return out;
      }
      if (size < this.offset) {
        // The file shrank below what was read: it was replaced. Re-read it from its start.
        this.offset = 0;
        this.segSeq = seg.firstSeq - 1;
      }
      if (this.offset < size) {
        if (budget <= 0) {
          out.more = true;
          return out;
        }
        const start = this.offset;
        const want = Math.min(size - start, budget);
        const buf = readAt(seg.file, start, want);
        const scan = scanBuffer(buf, this.segSeq);
        const name = path.basename(seg.file);
        for (const d of scan.damaged) {
          out.warnings.push(`Journal segment ${name}: ${d.end - d.start} unreadable bytes at offset ${start + d.start} were skipped (damaged on disk).`);
        }
        for (const { rec } of scan.records) {
          if (rec.v > EVENT_SCHEMA_VERSION) {
            throw new StoreOpenError(`The journal in ${this.dir} holds events written by a newer NemoCognition (event version ${rec.v}). Update NemoCognition to read it.`);
          }
          this.segSeq = rec.seq;
          if (rec.seq > this._endSeq) this._endSeq = rec.seq;
          if (rec.seq > this.seq) {
            out.records.push(rec);
            this.seq = rec.seq;
          }
        }
        this.offset = start + scan.goodEnd;
        budget -= scan.goodEnd;
        const cut = want < size - start; // the budget, not the file, ended this buffer
        if (scan.goodEnd === 0 && cut) {
          // One record larger than the budget: take it whole this time round.
          budget = size - start;
          continue;
        }
        if (cut) continue;
        if (scan.tailBytes > 0 && !next) return out; // an append in progress: the rest comes next read
        if (scan.tailBytes > 0 && next) {
          out.warnings.push(`Journal segment ${name}: ${scan.tailBytes} unreadable bytes at its end were skipped.`);
        }
      }
      if (!next) return out;
      this.seg = next;
      this.offset = 0;
      this.segSeq = next.firstSeq - 1;
    }
  }

  /**
   * Identity of this journal (inode and birth time of its first segment), to notice a store that was
   * deleted and recreated under a saved cursor; null when the first segment is gone.
   */
  identity(): string | null {
    const first = this.segments()[0];
    if (!first || first.firstSeq !== 1) return null;
    try {
      const st = fs.statSync(first.file);
      return `${st.ino}:${Math.round(st.birthtimeMs)}`; // birthtime is 0 where the filesystem lacks it
    } catch {
      return null;
    }
  }

  /** Starts at the segment holding the record after the cursor (journal.ts's rule). */
  private position(segs: Segment[]): void {
    let i = 0;
    for (let k = 0; k < segs.length; k++) if (segs[k]!.firstSeq <= this.seq + 1) i = k;
    this.seg = segs[i] ?? null;
    this.offset = 0;
    this.segSeq = (this.seg?.firstSeq ?? 1) - 1;
  }
}

function readAt(file: string, offset: number, length: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(length);
    let n = 0;
    while (n < length) {
      const r = fs.readSync(fd, buf, n, length - n, offset + n);
      if (r === 0) break;
      n += r;
    }
    return n === length ? buf : buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}
