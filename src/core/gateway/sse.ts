/**
 * Server-sent events framing that keeps the raw bytes of each event, so the
 * gateway can forward exactly what upstream sent while reading it on the side.
 * An event ends at an empty line; CRLF, LF and CR line endings are all valid.
 */
const LF = 0x0a;
const CR = 0x0d;

/** An event larger than this is refused: upstream is untrusted, and an event that never ends must not grow without bound. */
export const DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

export class SseEventTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the model endpoint sent a stream event larger than ${limit} bytes (or a line that never ends)`);
    this.name = 'SseEventTooLarge';
  }
}

/**
 * Bytes are appended into one buffer that grows by doubling (amortised linear;
 * concatenating the whole pending event on every chunk was quadratic: 16 MB
 * without a line end cost 4.6 s), and scanning resumes where it stopped.
 * Returned events are copies, so the buffer can be reused.
 */
export class SseFramer {
  private store: Buffer = Buffer.alloc(0);
  /** Bytes of `store` in use: the pending (unterminated) event. */
  private len = 0;
  private scanPos = 0;
  private lineStart = 0;

  constructor(private readonly maxEventBytes = DEFAULT_MAX_EVENT_BYTES) {}

  /** Adds bytes; returns every event completed by them, raw (terminating blank line included). Throws SseEventTooLarge. */
  push(chunk: Buffer): Buffer[] {
    this.append(chunk);
    const buf = this.store;
    const end = this.len;
    const events: Buffer[] = [];
    let eventStart = 0;
    let i = this.scanPos;
    let lineStart = this.lineStart;
    while (i < end) {
      const b = buf[i];
      if (b !== LF && b !== CR) {
        i++;
        continue;
      }
      let len = 1;
      if (b === CR) {
        // A CR at the end of what we have may be the first half of CRLF: wait for the next byte.
        if (i + 1 >= end) break;
        if (buf[i + 1] === LF) len = 2;
      }
      const emptyLine = i === lineStart;
      i += len;
      lineStart = i;
      if (emptyLine) {
        events.push(Buffer.from(buf.subarray(eventStart, i)));
        eventStart = i;
      }
    }
    // Keep only the pending event, at the front of the store.
    if (eventStart > 0) {
      buf.copy(buf, 0, eventStart, end);
      this.len = end - eventStart;
    }
    this.scanPos = i - eventStart;
    this.lineStart = lineStart - eventStart;
    if (this.len > this.maxEventBytes) {
      // Refused: drop what was kept, so a caller that goes on reading does not keep it either.
      this.store = Buffer.alloc(0);
      this.len = this.scanPos = this.lineStart = 0;
      throw new SseEventTooLarge(this.maxEventBytes);
    }
    return events;
  }

  /** Bytes of an event not terminated yet (what is left when the stream ends). */
  rest(): Buffer {
    return Buffer.from(this.store.subarray(0, this.len));
  }

  private append(chunk: Buffer): void {
    const need = this.len + chunk.length;
    if (need > this.store.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, 2 * this.store.length, 4096));
      this.store.copy(grown, 0, 0, this.len);
      this.store = grown;
    }
    chunk.copy(this.store, this.len);
    this.len = need;
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
