/**
 * Server-sent events framing that keeps the raw bytes of each event, so the
 * gateway can forward exactly what upstream sent while reading it on the side.
 * An event ends at an empty line; CRLF, LF and CR line endings are all valid.
 */
const LF = 0x0a;
const CR = 0x0d;

export class SseFramer {
  private buf: Buffer = Buffer.alloc(0);
  private scanPos = 0;
  private lineStart = 0;

  /** Adds bytes; returns every event completed by them, raw (terminating blank line included). */
  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const buf = this.buf;
    const events: Buffer[] = [];
    let eventStart = 0;
    let i = this.scanPos;
    let lineStart = this.lineStart;
    while (i < buf.length) {
      const b = buf[i];
      if (b !== LF && b !== CR) {
        i++;
        continue;
      }
      let len = 1;
      if (b === CR) {
        // A CR at the end of what we have may be the first half of CRLF: wait for the next byte.
        if (i + 1 >= buf.length) break;
        if (buf[i + 1] === LF) len = 2;
      }
      const emptyLine = i === lineStart;
      i += len;
      lineStart = i;
      if (emptyLine) {
        events.push(buf.subarray(eventStart, i));
        eventStart = i;
      }
    }
    this.buf = buf.subarray(eventStart);
    this.scanPos = i - eventStart;
    this.lineStart = lineStart - eventStart;
    return events;
  }

  /** Bytes of an event not terminated yet (what is left when the stream ends). */
  rest(): Buffer {
    return this.buf;
  }
}

export interface SseEvent {
  event: string | null;
  /** Joined data lines, or null when the event had none (comments, keep-alives). */
  data: string | null;
}

export function parseSseEvent(raw: Buffer | string): SseEvent {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  let event: string | null = null;
  const data: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  }
  return { event, data: data.length ? data.join('\n') : null };
}

export function sseData(payload: unknown): Buffer {
  return Buffer.from(`data: ${JSON.stringify(payload)}\n\n`, 'utf8');
}
