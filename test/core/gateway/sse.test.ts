import assert from 'node:assert/strict';
import { parseSseEvent, SseFramer } from '../../../src/core/gateway/sse';

describe('gateway/sse framing', () => {
  // A lone CR ends a line too; at the very end of input it stays pending (it may be half of a CRLF).
  const stream = 'data: {"a":1}\n\n' + ': comment\r\r' + 'event: x\r\ndata: {"b":"é€"}\r\n\r\n' + 'data: line1\ndata: line2\n\n' + 'data: [DONE]\n\n';

  it('splits events at blank lines whatever the line ending, keeping raw bytes', () => {
    const f = new SseFramer();
    const events = f.push(Buffer.from(stream));
    assert.equal(Buffer.concat(events).toString(), stream);
    assert.deepEqual(
      events.map((e) => parseSseEvent(e)),
      [
        { event: null, data: '{"a":1}' },
        { event: null, data: null },
        { event: 'x', data: '{"b":"é€"}' },
        { event: null, data: 'line1\nline2' },
        { event: null, data: '[DONE]' },
      ],
    );
    assert.equal(f.rest().length, 0);
  });

  it('gives the same events however the bytes are cut (CRLF and UTF-8 split across chunks)', () => {
    const bytes = Buffer.from(stream);
    for (let trial = 0; trial < 200; trial++) {
      const f = new SseFramer();
      const out: Buffer[] = [];
      let i = 0;
      while (i < bytes.length) {
        const n = 1 + Math.floor(Math.random() * 7);
        out.push(...f.push(bytes.subarray(i, i + n)));
        i += n;
      }
      assert.equal(Buffer.concat(out).toString(), stream, `trial ${trial}`);
      assert.equal(out.length, 5);
    }
  });

  it('keeps an unterminated last event as the rest', () => {
    assert.equal(new SseFramer().push(Buffer.from('data: x\r\r')).length, 0, 'a trailing CR waits for the next byte');
    const f = new SseFramer();
    assert.equal(f.push(Buffer.from('data: {"a":1}\n\ndata: {"tru')).length, 1);
    assert.equal(f.rest().toString(), 'data: {"tru');
  });
});
