/**
 * Properties of the gateway's readers of untrusted bytes: the SSE framer
 * (upstream's event stream, src/core/gateway/sse.ts) and the request body
 * reader (the agent's requests, src/core/gateway/body.ts).
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { BodyAborted, BodyTooLarge, readBody } from '../../../src/core/gateway/body';
import { parseSseEvent, SseEventTooLarge, SseFramer } from '../../../src/core/gateway/sse';
import { preview, withinBudget, withinBudgetAsync, type Target } from '../harness';

const BUDGET = { baseMs: 30, perKbMs: 1 };

const EOL = fc.constantFrom('\n', '\r\n', '\r');
const field = fc.oneof(
  fc.tuple(fc.constantFrom('data', 'event', 'id', 'retry', ''), fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ' '))).map(([k, v]) => `${k}: ${v}`),
  fc.string({ maxLength: 20 }).map((s) => `:${s.replace(/[\r\n]/g, ' ')}`),
);
/** A well-formed event: field lines, then a blank line. */
const event = fc.tuple(fc.array(fc.tuple(field, EOL), { minLength: 1, maxLength: 4 }), EOL).map(([lines, end]) => lines.map(([l, e]) => l + e).join('') + end);
/** Bytes that end an event early or never: lone CRs, CRLF split, long lines. */
const junk = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((u) => Buffer.from(u).toString('latin1')),
  fc.tuple(fc.constantFrom('x', 'data: ', '\r', '\n', '\r\n'), fc.noBias(fc.integer({ min: 1, max: 20_000 }))).map(([u, n]) => u.repeat(n)),
);

/** Splits `bytes` into chunks at the given cut points. */
function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  out.push(bytes.subarray(at));
  return out;
}

function frameAll(chunks: Buffer[], max?: number): { events: Buffer[]; rest: Buffer; tooLarge: boolean } {
  const f = new SseFramer(max);
  const events: Buffer[] = [];
  try {
    for (const c of chunks) events.push(...f.push(c));
  } catch (e) {
    if (e instanceof SseEventTooLarge) return { events, rest: f.rest(), tooLarge: true };
    throw e;
  }
  return { events, rest: f.rest(), tooLarge: false };
}

function fakeRequest(headers: Record<string, string>): IncomingMessage & PassThrough {
  return Object.assign(new PassThrough(), { headers }) as unknown as IncomingMessage & PassThrough;
}

export const streamTarget: Target = {
  name: 'stream',
  parser: "upstream's SSE stream and the agent's request bodies",
  properties: [
    {
      name: 'SSE: however the bytes are cut, the events and the rest are exactly the bytes, in order',
      make: () =>
        fc.property(fc.array(fc.oneof({ weight: 4, arbitrary: event }, { weight: 1, arbitrary: junk }), { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 }), (parts, cuts) => {
          const bytes = Buffer.from(parts.join(''), 'latin1');
          const whole = frameAll([bytes]);
          const pieces = withinBudget(bytes.length, BUDGET, () => preview(bytes), () => frameAll(chunked(bytes, cuts)));
          assert.ok(Buffer.concat([...pieces.events, pieces.rest]).equals(bytes), 'bytes lost, added or moved');
          // A CR at the very end waits for the next byte, so only the chunking may move one event to the rest.
          assert.deepEqual(pieces.events.map(String), whole.events.map(String));
          for (const e of pieces.events) parseSseEvent(e);
        }),
    },
    {
      name: 'SSE: a pending event over the limit is refused (SseEventTooLarge), never kept, in linear time',
      make: () =>
        fc.property(fc.noBias(fc.integer({ min: 64, max: 16_384 })), junk, fc.array(fc.nat(), { maxLength: 40 }), (max, text, cuts) => {
          const bytes = Buffer.from(text, 'latin1');
          const r = withinBudget(bytes.length, BUDGET, () => preview(bytes), () => frameAll(chunked(bytes, cuts), max));
          if (r.tooLarge) assert.equal(r.rest.length, 0, 'a refused event is dropped');
          else assert.ok(r.rest.length <= max, `${r.rest.length} bytes pending over a ${max}-byte limit`);
          for (const e of r.events) assert.ok(e.length <= max + 2, `an event of ${e.length} bytes passed a ${max}-byte limit`);
        }),
    },
    {
      name: 'body reader: the exact bytes up to the limit, BodyTooLarge above it or when declared above it, BodyAborted on error; nothing else',
      make: () =>
        fc.asyncProperty(
          fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
          fc.integer({ min: 0, max: 3000 }),
          fc.option(fc.oneof(fc.nat({ max: 6000 }).map(String), fc.constantFrom('', 'abc', '-1', '1e9', '0x10', ' 5')), { nil: undefined }),
          fc.boolean(),
          async (chunks, max, declared, abort) => {
            const total = chunks.reduce((n, c) => n + c.length, 0);
            const req = fakeRequest(declared === undefined ? {} : { 'content-length': declared });
            const result = await withinBudgetAsync(total, BUDGET, () => `${chunks.length} chunks, ${total} bytes, limit ${max}`, async () => {
              const p = readBody(req, max).then(
                (b) => ({ ok: true as const, b }),
                (e: unknown) => ({ ok: false as const, e }),
              );
              for (const c of chunks) req.write(Buffer.from(c));
              if (abort) req.destroy(new Error('client went away'));
              else req.end();
              return p;
            });
            const declaredN = Number(declared);
            if (declared !== undefined && Number.isFinite(declaredN) && declaredN > max) {
              assert.ok(!result.ok && result.e instanceof BodyTooLarge, 'a declared length over the limit is refused at once');
            } else if (result.ok) {
              assert.ok(!abort && total <= max);
              assert.ok(result.b.equals(Buffer.concat(chunks.map((c) => Buffer.from(c)))), 'the body is the bytes sent');
            } else {
              assert.ok(result.e instanceof BodyTooLarge || result.e instanceof BodyAborted, `rejected with ${String(result.e)}`);
              if (result.e instanceof BodyTooLarge) assert.ok(total > max);
              if (result.e instanceof BodyAborted) assert.ok(abort);
            }
            // A late error on the request after it settled must not be uncaught.
            req.emit('error', new Error('late'));
          },
        ),
    },
  ],
};
