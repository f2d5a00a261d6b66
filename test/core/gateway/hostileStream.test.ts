/**
 * Issue 12's reproducer for the SSE framer (upstream is untrusted: a stream
 * may hold one line that never ends), and the gateway's handling of it.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { BodyAborted, BodyTooLarge, readBody } from '../../../src/core/gateway/body';
import { startGateway } from '../../../src/core/gateway/server';
import { SseEventTooLarge, SseFramer } from '../../../src/core/gateway/sse';
import type { GatewayHandle } from '../../../src/core/gateway/types';
import { cpuMs } from '../../support/cpuTime';
import { chunk, post, startFakeUpstream, type FakeUpstream } from './fake-upstream';

const MB = 1024 * 1024;

function pushAll(f: SseFramer, bytes: Buffer, chunkSize: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) out.push(...f.push(bytes.subarray(i, i + chunkSize)));
  return out;
}

describe('issue 12: hostile event streams', () => {
  it('a 16 MB line with no end is refused at the event limit, in linear time (was 4.6 s, and kept all of it)', () => {
    const line = Buffer.alloc(16 * MB, 0x61);
    const f = new SseFramer();
    const { ms } = cpuMs(() => assert.throws(() => pushAll(f, line, 64 * 1024), (e: Error) => e instanceof SseEventTooLarge && /larger than 8388608 bytes/.test(e.message)));
    assert.ok(ms < 500, `${ms.toFixed(0)} ms of CPU`);
    assert.equal(f.rest().length, 0, 'nothing of the refused event is kept');
  });

  it('a large event under a raised limit is framed in linear time, byte for byte', () => {
    const body = Buffer.concat([Buffer.from('data: '), Buffer.alloc(16 * MB, 0x62), Buffer.from('\n\ndata: [DONE]\n\n')]);
    const f = new SseFramer(32 * MB);
    const { value: events, ms } = cpuMs(() => pushAll(f, body, 16 * 1024));
    assert.ok(ms < 1000, `${ms.toFixed(0)} ms of CPU`);
    assert.equal(events.length, 2);
    assert.ok(Buffer.concat(events).equals(body));
  });

  it('events returned earlier stay intact while the framer reuses its buffer', () => {
    const f = new SseFramer();
    const first = f.push(Buffer.from('data: one\n\ndata: tw'));
    const second = f.push(Buffer.from('o\n\ndata: three\n\n'));
    assert.deepEqual([...first, ...second].map(String), ['data: one\n\n', 'data: two\n\n', 'data: three\n\n']);
  });

  it('the body reader rejects only with its own errors, and a late socket error after a refusal is not uncaught', async () => {
    const req = (headers: Record<string, string> = {}) => Object.assign(new PassThrough(), { headers }) as unknown as IncomingMessage & PassThrough;
    const aborted = req();
    const p = readBody(aborted, 100);
    aborted.write('{"partial"');
    aborted.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    await assert.rejects(p, (e: Error) => e instanceof BodyAborted && /aborted/.test(e.message));
    const big = req();
    const q = readBody(big, 4);
    big.write('12345');
    await assert.rejects(q, BodyTooLarge);
    big.emit('error', new Error('late reset')); // would throw "Unhandled 'error' event" without a listener
    const declared = req({ 'content-length': '1000' });
    await assert.rejects(readBody(declared, 10), BodyTooLarge);
    declared.emit('error', new Error('late reset'));
  });

  describe('through the gateway', function () {
    this.timeout(30_000);
    let fake: FakeUpstream;
    let gw: GatewayHandle | null = null;
    afterEach(async () => {
      await gw?.close();
      await fake?.close();
    });

    it('an upstream line that never ends gives the agent an SSE error naming the limit, and the call is recorded as an error', async () => {
      const records: Array<{ status: string; error: string | null }> = [];
      fake = await startFakeUpstream(async (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`data: ${JSON.stringify(chunk({ content: 'a' }))}\n\n`);
        const junk = Buffer.alloc(64 * 1024, 0x78);
        for (let i = 0; i < 200 && !res.destroyed; i++) {
          if (!res.write(junk)) await new Promise((r) => res.once('drain', r));
        }
        res.end();
      });
      gw = await startGateway({ upstreamBaseUrl: fake.baseUrl, onModelCall: (r) => records.push(r) });
      const res = await post(`${gw.url}/chat/completions`, { stream: true, messages: [{ role: 'user', content: 'hi' }] }, { authorization: `Bearer ${gw.secret}` });
      const text = res.body.toString('utf8');
      assert.match(text, /stream event larger than 8388608 bytes/);
      assert.ok(!text.includes('xxxxxxxx'), 'none of the junk reached the agent');
      for (let i = 0; i < 100 && records.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(records[0]?.status, 'error');
    });
  });
});
