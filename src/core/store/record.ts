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
  if (crc32(buf, start, end) !== view.readUInt32LE(pos + 4)) return { ok: false, short: false };
  let rec: unknown;
  try {
    rec = JSON.parse(view.toString('utf8', start, end));
  } catch {
    return { ok: false, short: false };
  }
  if (!isRecordShape(rec)) return { ok: false, short: false };
  return { ok: true, rec, end };
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

export interface ScanResult {
  records: Array<{ rec: JournalRecord; offset: number; end: number }>;
  /** Damaged byte ranges followed by readable records (skipped). */
  damaged: Array<{ start: number; end: number }>;
  /** Offset after the last readable record; bytes after it (if any) are an unreadable tail. */
  goodEnd: number;
  tailBytes: number;
}

/**
 * Reads every record it can. After an unreadable byte it searches forward for
 * the next position that decodes to a record with a higher seq (crc32 + JSON +
 * seq ordering make a false match vanishingly unlikely); if none exists the
 * rest is the tail.
 */
export function scanBuffer(buf: Uint8Array, afterSeq = 0): ScanResult {
  const records: ScanResult['records'] = [];
  const damaged: ScanResult['damaged'] = [];
  let lastSeq = afterSeq;
  let pos = 0;
  let goodEnd = 0;
  while (pos < buf.length) {
    const r = decodeAt(buf, pos);
    if (r.ok && r.rec.seq > lastSeq) {
      records.push({ rec: r.rec, offset: pos, end: r.end });
      lastSeq = r.rec.seq;
      pos = goodEnd = r.end;
      continue;
    }
    const next = resync(buf, pos + 1, lastSeq);
    if (next < 0) break;
    damaged.push({ start: pos, end: next });
    pos = next;
  }
  return { records, damaged, goodEnd, tailBytes: buf.length - goodEnd };
}

function resync(buf: Uint8Array, from: number, lastSeq: number): number {
  for (let q = from; q + HEADER_BYTES < buf.length; q++) {
    if (buf[q + HEADER_BYTES] !== OPEN_BRACE) continue;
    const r = decodeAt(buf, q);
    if (r.ok && r.rec.seq > lastSeq) return q;
  }
  return -1;
}
