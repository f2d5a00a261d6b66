import assert from 'node:assert/strict';
import { toOpenInferenceAttributes } from '../../../src/core/gateway/attributes';
import { rejectionDecision } from '../../../src/core/gateway/rejections';
import { startGateway } from '../../../src/core/gateway/server';
import type { GatewayHandle, ModelCallRecord, RejectedRequest, ToolResult } from '../../../src/core/gateway/types';
import { Scrubber } from '../../../src/core/redact/scrubber';
import { chunk, json, post, request, sleep, sse, startFakeUpstream, usageChunk, type FakeUpstream } from './fake-upstream';

// Canaries: shaped like real keys, valid nowhere.
const CANARY_USER_KEY = 'nvapi-CANARY-user-key-0123456789abcdefABCDEF';
const CANARY_IN_PROMPT = 'sk-proj-CANARYpromptleak0123456789abcd';

describe('gateway/auth, routes and scrubbing', function () {
  this.timeout(15000);
  let fake: FakeUpstream;
  let gw: GatewayHandle;
  let records: ModelCallRecord[];
  let rejected: RejectedRequest[];
  let results: ToolResult[];
  const scrubber = new Scrubber();

  beforeEach(async () => {
    records = [];
    rejected = [];
    results = [];
    fake = await startFakeUpstream(json(200, { object: 'list', data: [{ id: 'nvidia/nemotron-3-super-120b-a12b', object: 'model' }] }));
    gw = await startGateway({
      upstreamBaseUrl: fake.baseUrl,
      upstreamApiKey: CANARY_USER_KEY,
      scrubber,
      onModelCall: (r) => records.push(r),
      onRejected: (r) => rejected.push(r),
      onToolResults: (r) => results.push(...r),
      onToolCallsAnnounced: () => undefined,
    });
  });
  afterEach(async () => {
    await gw.close();
    await fake.close();
  });

  it('refuses requests without the per-run secret (401 JSON), records them, never calls upstream', async () => {
    const noAuth = await post(`${gw.url}/chat/completions`, { messages: [] });
    const wrong = await post(`${gw.url}/chat/completions`, { messages: [] }, { authorization: 'Bearer not-the-secret' });
    const userKey = await request('GET', `${gw.url}/models`, undefined, { authorization: `Bearer ${CANARY_USER_KEY}` });
    for (const r of [noAuth, wrong, userKey]) {
      assert.equal(r.status, 401);
      assert.equal(JSON.parse(r.body.toString()).error.type, 'authentication_error');
    }
    assert.deepEqual(
      rejected.map((r) => [r.path, r.reason]),
      [
        ['/v1/chat/completions', 'missing Authorization header'],
        ['/v1/chat/completions', 'wrong gateway secret'],
        ['/v1/models', 'wrong gateway secret'],
      ],
    );
    assert.match(rejected[0].remote, /^127\.0\.0\.1:\d+$/);
    const d = rejectionDecision(rejected[1]);
    assert.deepEqual([d.decision, d.source, d.rule], ['deny', 'gateway', 'gateway.auth']);
    assert.match(d.detail, /POST \/v1\/chat\/completions .*wrong gateway secret/);
    assert.equal(fake.requests.length, 0);
    assert.match(gw.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('proxies GET /v1/models with the user key; anything else is a 404 JSON', async () => {
    const models = await request('GET', `${gw.url}/models`, undefined, { authorization: `Bearer ${gw.secret}` });
    assert.equal(models.status, 200);
    assert.equal(JSON.parse(models.body.toString()).data[0].id, 'nvidia/nemotron-3-super-120b-a12b');
    assert.equal(fake.requests[0].path, '/v1/models');
    assert.equal(fake.requests[0].headers.authorization, `Bearer ${CANARY_USER_KEY}`);
    for (const [m, p] of [
      ['GET', '/v1/chat/completions'],
      ['POST', '/v1/completions'],
      ['GET', '/'],
    ]) {
      const r = await request(m, `http://127.0.0.1:${gw.port}${p}`, m === 'POST' ? '{}' : undefined, { authorization: `Bearer ${gw.secret}` });
      assert.equal(r.status, 404, `${m} ${p}`);
      assert.equal(JSON.parse(r.body.toString()).error.code, 'not_found');
    }
  });

  it('never lets the user key, the gateway secret or a canary in the prompt into records, attributes or agent bytes', async () => {
    fake.handler = sse([
      { data: chunk({ content: `echo ${CANARY_IN_PROMPT}` }) },
      { data: chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'exec', arguments: JSON.stringify({ command: `curl -H "Authorization: Bearer ${CANARY_USER_KEY}" x` }) } }] }) },
      { data: chunk({}, 'tool_calls') },
      { data: usageChunk() },
      { data: '[DONE]' },
    ]);
    const res = await post(
      `${gw.url}/chat/completions`,
      {
        stream: true,
        messages: [
          { role: 'system', content: `key=${CANARY_USER_KEY}` },
          { role: 'user', content: `my key is ${CANARY_IN_PROMPT} and the gateway's is ${gw.secret}` },
        ],
      },
      { authorization: `Bearer ${gw.secret}` },
    );
    assert.equal(res.status, 200);
    // Upstream saw the user key only in its Authorization header, never the gateway secret there.
    assert.equal(fake.requests[0].headers.authorization, `Bearer ${CANARY_USER_KEY}`);
    for (let i = 0; i < 100 && records.length < 1; i++) await sleep(10);
    const attrs = toOpenInferenceAttributes(records[0], scrubber);
    const everything = JSON.stringify(records) + JSON.stringify(attrs) + JSON.stringify(results);
    for (const canary of [CANARY_USER_KEY, CANARY_IN_PROMPT, gw.secret]) {
      assert.ok(!everything.includes(canary), `leaked ${canary.slice(0, 12)}…`);
    }
    assert.ok(everything.includes('[REDACTED:api-key]'));
    assert.ok(everything.includes('[REDACTED:gateway-secret]'));
    assert.ok(!res.body.includes(gw.secret), 'the gateway secret is never echoed to the agent');
  });

  it('maps a record onto OpenInference LLM attributes', async () => {
    fake.handler = sse([
      { data: chunk({ reasoning_content: 'think' }) },
      { data: chunk({ content: 'ok' }) },
      { data: chunk({ tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'read', arguments: '{"path":"a"}' } }] }) },
      { data: chunk({}, 'tool_calls') },
      { data: usageChunk(30, 4) },
      { data: '[DONE]' },
    ]);
    const tools = [{ type: 'function', function: { name: 'read', parameters: { type: 'object' } } }];
    await post(
      `${gw.url}/chat/completions`,
      { stream: true, temperature: 0.6, tools, messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: [{ type: 'text', text: 'hello' }, { type: 'image_url', image_url: { url: 'data:...' } }] }] },
      { authorization: `Bearer ${gw.secret}`, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    );
    for (let i = 0; i < 100 && records.length < 1; i++) await sleep(10);
    const a = toOpenInferenceAttributes(records[0]);
    assert.equal(a['openinference.span.kind'], 'LLM');
    assert.equal(a['llm.model_name'], 'nvidia/nemotron-3-super-120b-a12b');
    assert.equal(a['llm.input_messages.0.message.role'], 'system');
    assert.equal(a['llm.input_messages.0.message.content'], 'sys');
    assert.equal(a['llm.input_messages.1.message.contents.0.message_content.type'], 'text');
    assert.equal(a['llm.input_messages.1.message.contents.0.message_content.text'], 'hello');
    assert.equal(a['llm.input_messages.1.message.contents.1.message_content.type'], 'image_url');
    assert.equal(a['llm.output_messages.0.message.role'], 'assistant');
    assert.equal(a['llm.output_messages.0.message.content'], 'ok');
    assert.equal(a['llm.output_messages.0.message.reasoning_content'], 'think');
    assert.equal(a['llm.output_messages.0.message.tool_calls.0.tool_call.id'], 'call_9');
    assert.equal(a['llm.output_messages.0.message.tool_calls.0.tool_call.function.name'], 'read');
    assert.equal(a['llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments'], '{"path":"a"}');
    assert.deepEqual(JSON.parse(String(a['llm.tools.0.tool.json_schema'])), tools[0]);
    assert.equal(a['llm.token_count.prompt'], 30);
    assert.equal(a['llm.token_count.completion'], 4);
    assert.equal(a['llm.token_count.total'], 34);
    assert.equal(JSON.parse(String(a['llm.invocation_parameters'])).temperature, 0.6);
    assert.equal(a['llm.finish_reason'], 'tool_calls');
    assert.equal(a['input.mime_type'], 'application/json');
    assert.ok(String(a['input.value']).includes('hello'));
    assert.ok(String(a['output.value']).includes('call_9'));
    assert.equal(a['nemocognition.llm.traceparent'], '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    assert.equal(typeof a['nemocognition.llm.ttft_ms'], 'number');
    for (const v of Object.values(a)) assert.ok(v !== null && v !== undefined);
  });
});
