/**
 * Journal record framing: [u32 LE payload length][u32 LE crc32(payload)][payload],
 * where payload is the UTF-8 JSON of a JournalRecord. The scanner tolerates a
 * torn tail and resynchronises after a damaged region so that valid records
 * written after the damage are not lost.
 */
import { crc32 } from './crc32';
import type { JournalRecord } from '../model/events';

export const HEADER_BYTES = 8;
/** Larger events are refused before they reach the journal (a runaway 50 MB envelope must be truncated by its producer). */
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;

export function encodeRecord(rec: JournalRecord): Buffer {
  return frame(Buffer.from(JSON.stringify(rec), 'utf8'));
}

export function frame(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  payload.copy(out, HEADER_BYTES);
  return out;
}

export type DecodeResult =
  | { ok: true; rec: JournalRecord; end: number }
  | { ok: false; short: boolean };

/** Decodes the record starting at `pos`; `short` means the buffer ends inside it (a possibly torn write). */
export function decodeAt(buf: Uint8Array, pos: number): DecodeResult {
  const r = checkFrameAt(buf, pos);
  if (!r.ok) return r;
  const rec = parsePayload(buf, pos + HEADER_BYTES, r.end);
  return rec ? { ok: true, rec, end: r.end } : { ok: false, short: false };
}

/**
 * Whether a whole frame with a matching checksum starts at `pos` (the payload is not parsed).
 * `crcBudget`, when given, is charged the bytes checksummed (see scanFrames).
 */
function checkFrameAt(buf: Uint8Array, pos: number, budget?: { bytes: number }): { ok: true; end: number } | { ok: false; short: boolean } {
  if (pos + HEADER_BYTES > buf.length) return { ok: false, short: true };
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const len = view.readUInt32LE(pos);
  if (len < 2 || len > MAX_PAYLOAD_BYTES) return { ok: false, short: false };
  const start = pos + HEADER_BYTES;
  const end = start + len;
  if (end > buf.length) {
    // Only plausible as a torn write if what is there looks like the start of a payload.
    return { ok: false, short: buf.length <= start || buf[start] === OPEN_BRACE };
  }
  // Cheap filters first: the scanner calls this at every byte while resynchronising.
  if (buf[start] !== OPEN_BRACE || buf[end - 1] !== CLOSE_BRACE || (len > 2 && buf[start + 1] !== QUOTE)) {
    return { ok: false, short: false };
  }
  if (budget) budget.bytes -= len;
  if (crc32(buf, start, end) !== view.readUInt32LE(pos + 4)) return { ok: false, short: false };
  return { ok: true, end };
}

function parsePayload(buf: Uint8Array, start: number, end: number): JournalRecord | undefined {
  let rec: unknown;
  try {
    rec = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8', start, end));
  } catch {
    return undefined;
  }
  return isRecordShape(rec) ? rec : undefined;
}

function isRecordShape(x: unknown): x is JournalRecord {
  if (!x || typeof x !== 'object') return false;
  const r = x as Record<string, unknown>;
  return (
    Number.isSafeInteger(r.seq) &&
    (r.seq as number) > 0 &&
    Number.isSafeInteger(r.v) &&
    typeof r.ts === 'number' &&
    !!r.event &&
    typeof r.event === 'object' &&
    typeof (r.event as Record<string, unknown>).type === 'string'
  );
}

/** The store writes every payload as `{"v":<n>,"seq":<n>,...`: the seq is read from there without parsing the rest. */
const SEQ_PREFIX = /^\{"v":\d{1,6},"seq":(\d{1,16}),/;

/** An intact frame: whole, checksum matching, payload a journal record. */
export interface Frame {
  offset: number;
  end: number;
  seq: number;
  /** The payload's checksum (equal checksums and lengths: the same record, for telling duplicates from conflicts). */
  crc: number;
  /** The parsed record (when scanned with `parse`). */
  rec?: JournalRecord;
  /** Found only by taking the payload up to the next intact frame: its length field was damaged. */
  lengthRepaired?: boolean;
}

export interface FrameScan {
  /** Intact frames in file order (their seqs in any order: duplicates and swaps are the caller's to judge). */
  frames: Frame[];
  /** Unreadable byte ranges, in file order, a damaged end of the buffer included. */
  damaged: Array<{ start: number; end: number }>;
  /**
   * Bytes at the end that are an incomplete frame: a header cut short, or a header whose length runs past the
   * end with a payload that starts as one does. Only this is a torn write; anything else unreadable is damage.
   */
  tornBytes: number;
  /** Resynchronising stopped early: the bytes looked crafted to make it slow (the rest is in `damaged`). */
  gaveUp: boolean;
}

/**
 * Reads every intact frame of a segment. After unreadable bytes it searches
 * forward for the next intact frame, whatever its seq. A false match inside a
 * record is impossible, not merely unlikely: a payload is JSON text (every
 * byte >= 0x20, control characters escaped), so no four of its bytes can make
 * a plausible length (that needs a byte < 0x02). Checksum work while
 * searching is bounded by a small multiple of the buffer's size, so a file
 * crafted with many near-frames stays linear to scan.
 *
 * `parse`: also parse each payload (otherwise only the checksum is verified
 * and the seq read from the payload's prefix, for verifying old segments).
 */
export function scanFrames(buf: Uint8Array, parse = true): FrameScan {
  const frames: Frame[] = [];
  const damaged: FrameScan['damaged'] = [];
  const budget = { bytes: 4 * buf.length + (1 << 20) };
  const intactAt = (pos: number): Frame | null => {
    const r = checkFrameAt(buf, pos, budget);
    if (!r.ok) return null;
    return toFrame(buf, pos, r.end, parse);
  };
  let pos = 0;
  let gaveUp = false;
  while (pos < buf.length) {
    const f = intactAt(pos);
    if (f) {
      frames.push(f);
      pos = f.end;
      continue;
    }
    let next = -1;
    for (let q = pos + 1; q + HEADER_BYTES < buf.length; q++) {
      if (buf[q + HEADER_BYTES] !== OPEN_BRACE) continue;
      if (budget.bytes < 0) {
        gaveUp = true;
        break;
      }
      const g = intactAt(q);
      if (g) {
        next = q;
        break;
      }
    }
    if (next === -1) {
      // The last frame may have lost only its length field (which can make it look cut off): its payload, up to
      // the end, may still match its checksum. Checked before calling anything torn.
      const repaired = repairLength(buf, pos, buf.length, parse);
      if (repaired) frames.push(repaired);
      else if (!gaveUp && isTornFrame(buf, pos)) return { frames, damaged, tornBytes: buf.length - pos, gaveUp };
      else damaged.push({ start: pos, end: buf.length });
      return { frames, damaged, tornBytes: 0, gaveUp };
    }
    const repaired = repairLength(buf, pos, next, parse);
    if (repaired) frames.push(repaired);
    else damaged.push({ start: pos, end: next });
    pos = next;
  }
  return { frames, damaged, tornBytes: 0, gaveUp };
}

function toFrame(buf: Uint8Array, offset: number, end: number, parse: boolean): Frame | null {
  const start = offset + HEADER_BYTES;
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const crc = view.readUInt32LE(offset + 4);
  if (parse) {
    const rec = parsePayload(buf, start, end);
    return rec ? { offset, end, seq: rec.seq, crc, rec } : null;
  }
  const m = SEQ_PREFIX.exec(view.toString('latin1', start, Math.min(end, start + 48)));
  if (m) return { offset, end, seq: Number(m[1]), crc };
  const rec = parsePayload(buf, start, end);
  return rec ? { offset, end, seq: rec.seq, crc } : null;
}

/** A frame at `pos` whose payload fills [pos + 8, end) exactly and matches its checksum: only its length field was hit. */
function repairLength(buf: Uint8Array, pos: number, end: number, parse: boolean): Frame | null {
  const start = pos + HEADER_BYTES;
  if (end - start < 2 || end - start > MAX_PAYLOAD_BYTES || buf[start] !== OPEN_BRACE || buf[end - 1] !== CLOSE_BRACE) return null;
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (crc32(buf, start, end) !== view.readUInt32LE(pos + 4)) return null;
  const f = toFrame(buf, pos, end, parse);
  return f ? { ...f, lengthRepaired: true } : null;
}

/** The bytes from `pos` to the end are the beginning of a frame that was never finished. */
function isTornFrame(buf: Uint8Array, pos: number): boolean {
  const rest = buf.length - pos;
  if (rest < HEADER_BYTES) return true;
  const len = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).readUInt32LE(pos);
  if (len < 2 || len > MAX_PAYLOAD_BYTES) return false;
  if (HEADER_BYTES + len <= rest) return false; // complete length present: a whole frame that does not check out is damage
  if (rest === HEADER_BYTES) return true;
  if (buf[pos + HEADER_BYTES] !== OPEN_BRACE) return false;
  // What is there must be text a payload can hold (a torn write is a prefix of one).
  for (let i = pos + HEADER_BYTES; i < buf.length; i++) if (buf[i]! < 0x20) return false;
  return true;
}

export interface ScanResult {
  records: Array<{ rec: JournalRecord; offset: number; end: number }>;
  /** Damaged byte ranges followed by readable records (skipped). */
  damaged: Array<{ start: number; end: number }>;
  /** Offset after the last readable record; bytes after it (if any) are an unreadable tail. */
  goodEnd: number;
  tailBytes: number;
}

/**
 * Sequential reading for followers of a live journal: records with
 * increasing seq after `afterSeq` (a frame out of order counts as damage
 * here), and an unreadable end left as the tail, which a writer may still be
 * completing. Recovery at open uses scanFrames, which keeps every intact frame.
 */
export function scanBuffer(buf: Uint8Array, afterSeq = 0): ScanResult {
  const scan = scanFrames(buf, true);
  const records: ScanResult['records'] = [];
  const damaged: ScanResult['damaged'] = [];
  let lastSeq = afterSeq;
  let goodEnd = 0;
  let gapStart: number | null = null;
  const regions = [...scan.damaged];
  for (const f of scan.frames) {
    if (f.seq > lastSeq) {
      if (gapStart !== null) damaged.push({ start: gapStart, end: f.offset });
      gapStart = null;
      records.push({ rec: f.rec!, offset: f.offset, end: f.end });
      lastSeq = f.seq;
      goodEnd = f.end;
    } else if (gapStart === null) gapStart = f.offset;
  }
  // Damaged ranges between accepted records (those before the first accepted one included).
  for (const d of regions) {
    if (d.end > goodEnd) continue;
    if (!damaged.some((x) => x.start <= d.start && d.end <= x.end)) damaged.push(d);
  }
  damaged.sort((a, b) => a.start - b.start);
  const merged: ScanResult['damaged'] = [];
  for (const d of damaged) {
    const last = merged[merged.length - 1];
    if (last && d.start <= last.end) last.end = Math.max(last.end, d.end);
    else merged.push({ ...d });
  }
  return { records, damaged: merged, goodEnd, tailBytes: buf.length - goodEnd };
}
