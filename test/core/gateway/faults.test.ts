import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGateway } from '../../../src/core/gateway/server';
import type { GatewayHandle, ModelCallRecord, ToolCallsAnnounced } from '../../../src/core/gateway/types';
import { chunk, json, post, sleep, sse, startFakeUpstream, type FakeUpstream } from './fake-upstream';

async function freePortThatRefuses(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function sseErrors(body: Buffer): Array<{ message: string; type: string }> {
  return body
    .toString('utf8')
    .split('\n\n')
    .filter((e) => e.startsWith('data: {"error"'))
    .map((e) => JSON.parse(e.slice(6)).error);
}

describe('gateway/faults', function () {
  this.timeout(15000);
  let fake: FakeUpstream;
  let gw: GatewayHandle | null;
  let records: ModelCallRecord[];
  let announced: ToolCallsAnnounced[];

  const start = async (over: Parameters<typeof startGateway>[0] = {}) => {
    gw = await startGateway({
      upstreamBaseUrl: fake.baseUrl,
      onModelCall: (r) => records.push(r),
      onToolCallsAnnounced: (i) => {
        announced.push(i);
      },
      ...over,
    });
    return gw;
  };
  const auth = () => ({ authorization: `Bearer ${gw!.secret}` });
  const waitRecords = async (n: number) => {
    for (let i = 0; i < 100 && records.length < n; i++) await sleep(10);
    assert.equal(records.length, n);
  };
  const msgs = [{ role: 'user', content: 'hi' }];

  beforeEach(async () => {
    records = [];
    announced = [];
    gw = null;
    fake = await startFakeUpstream(json(200, {}));
  });
  afterEach(async () => {
    await gw?.close();
    await fake.close();
  });

  it('upstream down (ECONNREFUSED): OpenAI error JSON for stream and non-stream, recorded as error', async () => {
    const port = await freePortThatRefuses();
    await start({ upstreamBaseUrl: `http://127.0.0.1:${port}/v1` });
    for (const stream of [false, true]) {
      const res = await post(`${gw!.url}/chat/completions`, { stream, messages: msgs }, auth());
      assert.equal(res.status, 502);
      const err = JSON.parse(res.body.toString()).error;
      assert.match(err.message, /could not reach the model endpoint .*ECONNREFUSED.*Check the model endpoint/);
      assert.equal(err.type, 'upstream_unreachable');
    }
    await waitRecords(2);
    assert.ok(records.every((r) => r.status === 'error' && r.upstreamStatus === null && /ECONNREFUSED/.test(r.error ?? '')));
  });

  it('upstream garbage: non-JSON body → 502 JSON error', async () => {
    await start();
    fake.handler = json(200, '<html>proxy login</html>', 'text/html');
    const res = await post(`${gw!.url}/chat/completions`, { messages: msgs }, auth());
    assert.equal(res.status, 502);
    assert.match(JSON.parse(res.body.toString()).error.message, /not a chat completion.*Check the model endpoint URL/);
    await waitRecords(1);
    assert.equal(records[0].status, 'error');
  });

  it('upstream garbage inside a stream: an SSE error event, stream ended, recorded', async () => {
    await start();
    fake.handler = sse([{ data: chunk({ content: 'a' }) }, { raw: 'data: {not json\n\n' }, { data: chunk({ content: 'never' }) }, { data: '[DONE]' }]);
    const res = await post(`${gw!.url}/chat/completions`, { stream: true, messages: msgs }, auth());
    assert.equal(res.status, 200);
    const errs = sseErrors(res.body);
    assert.equal(errs.length, 1);
    assert.match(errs[0].message, /not JSON/);
    assert.ok(!res.body.includes('never'));
    await waitRecords(1);
    assert.equal(records[0].status, 'error');
    assert.equal(records[0].response.message?.content, 'a');
  });

  it('truncated stream holding tool calls: the agent never sees the unannounced tool calls', async () => {
    await start();
    fake.handler = sse([
      { data: chunk({ content: 'working' }) },
      { data: chunk({ tool_calls: [{ index: 0, id: 'call_T', type: 'function', function: { name: 'exec', arguments: '{"command":"rm' } }] }) },
      { raw: 'data: {"id":"chatcmpl-1","choi' },
      { delay: 50 }, // let the bytes leave before the connection is cut
      { destroy: true },
    ]);
    const res = await post(`${gw!.url}/chat/completions`, { stream: true, messages: msgs }, auth());
    assert.ok(res.body.includes('working'));
    assert.ok(!res.body.includes('call_T'), 'held tool-call chunk was not released');
    assert.equal(sseErrors(res.body).length, 1);
    assert.equal(announced.length, 0, 'no hook for incomplete tool calls');
    await waitRecords(1);
    assert.equal(records[0].status, 'error');
  });

  it("upstream's own error event mid-stream reaches the agent; held tool calls are dropped, not announced", async () => {
    await start();
    fake.handler = sse([
      { data: chunk({ tool_calls: [{ index: 0, id: 'call_E', type: 'function', function: { name: 'exec', arguments: '{}' } }] }) },
      { data: { error: { message: 'model overloaded', type: 'server_error' } } },
      { data: '[DONE]' },
    ]);
    const res = await post(`${gw!.url}/chat/completions`, { stream: true, messages: msgs }, auth());
    assert.ok(!res.body.includes('call_E'));
    assert.equal(sseErrors(res.body)[0]?.message, 'model overloaded');
    assert.equal(announced.length, 0);
    await waitRecords(1);
    assert.equal(records[0].status, 'error');
    assert.match(records[0].error ?? '', /model overloaded/);
  });

  it('stream closed cleanly but early (no finish, no [DONE]) is an error too', async () => {
    await start();
    fake.handler = sse([{ data: chunk({ content: 'par' }) }, { end: true }]);
    const res = await post(`${gw!.url}/chat/completions`, { stream: true, messages: msgs }, auth());
    assert.match(sseErrors(res.body)[0]?.message ?? '', /closed the stream before the response was complete/);
  });

  it('upstream hangs: 504 after the configured timeout, and a silent stream gets an SSE error', async () => {
    await start({ upstreamTimeoutMs: 300 });
    fake.handler = () => undefined; // never answers
    const t = performance.now();
    const res = await post(`${gw!.url}/chat/completions`, { messages: msgs }, auth());
    assert.equal(res.status, 504);
    assert.ok(performance.now() - t < 3000);
    assert.match(JSON.parse(res.body.toString()).error.message, /sent nothing for .*raise the gateway timeout/);

    fake.handler = sse([{ data: chunk({ content: 'x' }) }, { delay: 5000 }]);
    const res2 = await post(`${gw!.url}/chat/completions`, { stream: true, messages: msgs }, auth());
    assert.match(sseErrors(res2.body)[0]?.message ?? '', /sent nothing for/);
    await waitRecords(2);
    assert.ok(records.every((r) => r.status === 'error'));
  });

  it('request body over the cap: 413, upstream never called', async () => {
    await start({ maxBodyBytes: 1024 * 1024 });
    const big = { messages: [{ role: 'user', content: 'x'.repeat(2 * 1024 * 1024) }] };
    const res = await post(`${gw!.url}/chat/completions`, big, auth());
    assert.equal(res.status, 413);
    assert.equal(JSON.parse(res.body.toString()).error.code, 'request_too_large');
    assert.equal(fake.requests.length, 0);
  });

  it("upstream's own JSON error (e.g. bad key) is passed on with its status and recorded", async () => {
    await start();
    fake.handler = json(401, { error: { message: 'Invalid API key nvapi-LEAKEDkey0123456789abcdefgh', type: 'auth' } });
    const res = await post(`${gw!.url}/chat/completions`, { messages: msgs }, auth());
    assert.equal(res.status, 401);
    await waitRecords(1);
    assert.equal(records[0].upstreamStatus, 401);
    assert.match(records[0].error ?? '', /HTTP 401/);
    assert.ok(!JSON.stringify(records[0]).includes('nvapi-LEAKED'), 'recorded error is scrubbed');
  });

  it('an upstream that refuses stream_options gets the request without it (once refused, never again)', async () => {
    await start();
    const stream = sse([{ data: chunk({ content: 'hello' }) }, { data: chunk({}, 'stop') }, { data: '[DONE]' }]);
    fake.handler = (req, res, body, sent) =>
      body?.stream_options ? json(400, { error: { message: "Unrecognized request argument supplied: stream_options" } })(req, res, body, sent) : stream(req, res, body, sent);
    const r1 = await post(`${gw!.url}/chat/completions`, { stream: true, messages: msgs }, auth());
    assert.equal(r1.status, 200);
    assert.ok(r1.body.includes('hello'));
    assert.deepEqual(r1.body, Buffer.concat(fake.sent[1]));
    const r2 = await post(`${gw!.url}/chat/completions`, { stream: true, messages: msgs }, auth());
    assert.ok(r2.body.includes('hello'));
    assert.deepEqual(
      fake.requests.map((r) => !!r.body.stream_options),
      [true, false, false],
    );
    await waitRecords(2);
    assert.ok(records.every((r) => r.status === 'ok' && r.usage === null && !('stream_options' in r.request.invocationParameters)));
  });

  it('malformed request from the agent: 400 JSON', async () => {
    await start();
    const res = await post(`${gw!.url}/chat/completions`, '{"messages": [', auth());
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body.toString()).error.type, 'invalid_request_error');
  });
});
