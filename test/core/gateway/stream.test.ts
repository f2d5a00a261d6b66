import assert from 'node:assert/strict';
import { startGateway } from '../../../src/core/gateway/server';
import type { GatewayHandle, ModelCallRecord, ToolCallsAnnounced, ToolResult } from '../../../src/core/gateway/types';
import { chunk, json, post, sleep, sse, startFakeUpstream, usageChunk, type FakeUpstream } from './fake-upstream';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('gateway/streaming relay', function () {
  this.timeout(15000);
  let fake: FakeUpstream;
  let gw: GatewayHandle;
  let records: ModelCallRecord[];
  let announced: Array<ToolCallsAnnounced & { at: number }>;
  let results: ToolResult[];
  let hook: (info: ToolCallsAnnounced) => Promise<unknown>;

  beforeEach(async () => {
    records = [];
    announced = [];
    results = [];
    hook = async () => undefined;
    fake = await startFakeUpstream(json(500, { error: { message: 'unset' } }));
    gw = await startGateway({
      upstreamBaseUrl: fake.baseUrl,
      upstreamApiKey: 'nvapi-UPSTREAMkey0123456789abcdefghij',
      model: 'nvidia/nemotron-3-super-120b-a12b',
      onModelCall: (r) => records.push(r),
      onToolCallsAnnounced: async (info) => {
        await hook(info);
        announced.push({ ...info, at: performance.now() });
      },
      onToolResults: (r) => results.push(...r),
    });
  });
  afterEach(async () => {
    await gw.close();
    await fake.close();
  });

  const auth = () => ({ authorization: `Bearer ${gw.secret}`, traceparent: TRACEPARENT });
  const waitRecords = async (n: number) => {
    for (let i = 0; i < 100 && records.length < n; i++) await sleep(10);
    assert.equal(records.length, n, 'model call records');
  };

  it('forwards upstream SSE bytes unchanged and records the assembled response', async () => {
    fake.handler = sse([
      { data: chunk({ role: 'assistant', reasoning_content: 'Let me think. ' }) },
      { data: chunk({ reasoning_content: 'Done.' }) },
      { data: chunk({ content: 'Hel' }) },
      { raw: ': keep-alive comment\n\n' },
      { data: chunk({ content: 'lo' }) },
      { raw: 'data: {"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":" é"},"finish_reason":null}]}\r\n\r\n' },
      { data: chunk({}, 'stop') },
      { data: usageChunk(12, 5) },
      { data: '[DONE]' },
    ]);
    const tools = [{ type: 'function', function: { name: 'exec', parameters: { type: 'object', properties: { command: { type: 'string' } } } } }];
    const res = await post(
      `${gw.url}/chat/completions`,
      { model: 'local-alias', stream: true, stream_options: { include_usage: true }, temperature: 0.2, tools, messages: [{ role: 'user', content: 'hi' }] },
      auth(),
    );
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /text\/event-stream/);
    assert.deepEqual(res.body, Buffer.concat(fake.sent[0]), 'client bytes equal upstream bytes');

    const up = fake.requests[0];
    assert.equal(up.headers.authorization, 'Bearer nvapi-UPSTREAMkey0123456789abcdefghij', 'upstream gets the user key');
    assert.equal(up.headers.traceparent, TRACEPARENT);
    assert.equal(up.body.model, 'nvidia/nemotron-3-super-120b-a12b', 'model override');

    await waitRecords(1);
    const r = records[0];
    assert.equal(r.status, 'ok');
    assert.equal(r.stream, true);
    assert.equal(r.traceparent, TRACEPARENT);
    assert.equal(r.request.model, 'local-alias');
    assert.equal(r.request.upstreamModel, 'nvidia/nemotron-3-super-120b-a12b');
    assert.equal(r.request.tools.length, 1);
    assert.equal(r.request.invocationParameters.temperature, 0.2);
    assert.equal(r.response.message?.content, 'Hello é');
    assert.equal(r.response.message?.reasoning, 'Let me think. Done.');
    assert.equal(r.response.finishReason, 'stop');
    assert.deepEqual([r.usage?.promptTokens, r.usage?.completionTokens, r.usage?.totalTokens], [12, 5, 17]);
    assert.ok(r.ttftMs !== null && r.ttftMs >= 0 && r.ttftMs <= r.latencyMs);
  });

  it('asks upstream for usage when the client did not, and drops only that usage chunk', async () => {
    fake.handler = sse([{ data: chunk({ content: 'ok' }) }, { data: chunk({}, 'stop') }, { data: usageChunk(3, 1) }, { data: '[DONE]' }]);
    const res = await post(`${gw.url}/chat/completions`, { stream: true, messages: [{ role: 'user', content: 'hi' }] }, auth());
    assert.equal(fake.requests[0].body.stream_options.include_usage, true);
    const upstream = Buffer.concat(fake.sent[0]).toString('utf8');
    const usageEvent = `data: ${JSON.stringify(usageChunk(3, 1))}\n\n`;
    assert.ok(upstream.includes(usageEvent));
    assert.equal(res.body.toString('utf8'), upstream.replace(usageEvent, ''));
    await waitRecords(1);
    assert.equal(records[0].usage?.totalTokens, 4);
  });

  it('holds tool-call chunks until the hook has run, forwarding content first; then closes tool spans from the next request', async () => {
    fake.handler = sse([
      { data: chunk({ role: 'assistant', content: 'I will list files.' }) },
      { delay: 30 },
      { data: chunk({ tool_calls: [{ index: 0, id: 'call_A', type: 'function', function: { name: 'exec', arguments: '' } }] }) },
      { data: chunk({ tool_calls: [{ index: 0, function: { arguments: '{"command":' } }] }) },
      { data: chunk({ tool_calls: [{ index: 0, function: { arguments: '"ls -la"}' } }] }) },
      { data: chunk({ tool_calls: [{ index: 1, id: 'call_B', type: 'function', function: { name: 'write', arguments: '{"path":"a.txt","content":"x"}' } }] }) },
      { delay: 30 },
      { data: chunk({}, 'tool_calls') },
      { data: usageChunk() },
      { data: '[DONE]' },
    ]);
    let clientBytes: Buffer = Buffer.alloc(0);
    const checks: string[] = [];
    hook = async () => {
      // At this point the agent must have the content but no tool call yet.
      checks.push(`content=${clientBytes.includes('I will list files.')} tools=${clientBytes.includes('tool_calls')}`);
      await sleep(150);
      checks.push(`after-wait tools=${clientBytes.includes('"tool_calls"')}`);
      return 'ckpt_SHOULD_NEVER_REACH_AGENT';
    };
    const res = await post(
      `${gw.url}/chat/completions`,
      { stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'list' }] },
      auth(),
      (soFar) => {
        clientBytes = soFar;
      },
    );
    assert.deepEqual(checks, ['content=true tools=false', 'after-wait tools=false']);
    assert.equal(announced.length, 1);
    assert.deepEqual(
      announced[0].tools.map((t) => [t.id, t.name, t.arguments]),
      [
        ['call_A', 'exec', '{"command":"ls -la"}'],
        ['call_B', 'write', '{"path":"a.txt","content":"x"}'],
      ],
    );
    const firstToolArrival = res.arrivals.find((a) => a.bytes.includes('tool_calls'));
    assert.ok(firstToolArrival && firstToolArrival.at >= announced[0].at, 'tool calls reached the client only after the hook resolved');
    assert.deepEqual(res.body, Buffer.concat(fake.sent[0]), 'byte-identical after release');
    assert.ok(!res.body.includes('ckpt_'), 'no checkpoint id reaches the agent');
    await waitRecords(1);
    assert.equal(records[0].callId, announced[0].callId);
    assert.equal(records[0].response.finishReason, 'tool_calls');
    assert.equal(records[0].response.message?.toolCalls?.length, 2);

    // Next turn: the agent sends the tool results.
    fake.handler = sse([{ data: chunk({ content: 'done' }) }, { data: chunk({}, 'stop') }, { data: '[DONE]' }]);
    const history = [
      { role: 'user', content: 'list' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_A', type: 'function', function: { name: 'exec', arguments: '{"command":"ls -la"}' } }] },
      { role: 'tool', tool_call_id: 'call_A', content: 'a.txt\nb.txt' },
      { role: 'tool', tool_call_id: 'call_B', content: [{ type: 'text', text: 'wrote 1 byte' }] },
      { role: 'tool', tool_call_id: 'call_UNKNOWN', content: 'ignored' },
    ];
    await post(`${gw.url}/chat/completions`, { stream: true, messages: history }, auth());
    assert.deepEqual(
      results.map((r) => [r.toolCallId, r.content]),
      [
        ['call_A', 'a.txt\nb.txt'],
        ['call_B', 'wrote 1 byte'],
      ],
    );
    // The same history sent again does not close them twice.
    await post(`${gw.url}/chat/completions`, { stream: true, messages: history }, auth());
    assert.equal(results.length, 2);
  });

  it("matches tool results whose ids the agent rewrote (OpenClaw strips non-alphanumerics) or replaced", async () => {
    fake.handler = sse([
      { data: chunk({ tool_calls: [{ index: 0, id: 'chatcmpl-tool-7f3a_b', type: 'function', function: { name: 'exec', arguments: '{"command":"ls"}' } }] }) },
      { data: chunk({ tool_calls: [{ index: 1, id: 'call_zz', type: 'function', function: { name: 'read', arguments: '{"path":"a"}' } }] }) },
      { data: chunk({}, 'tool_calls') },
      { data: '[DONE]' },
    ]);
    await post(`${gw.url}/chat/completions`, { stream: true, messages: [{ role: 'user', content: 'go' }] }, auth());
    fake.handler = sse([{ data: chunk({ content: 'ok' }) }, { data: chunk({}, 'stop') }, { data: '[DONE]' }]);
    await post(
      `${gw.url}/chat/completions`,
      {
        stream: true,
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'chatcmpltool7f3ab', type: 'function', function: { name: 'exec', arguments: '{"command":"ls"}' } },
              { id: 'x1', type: 'function', function: { name: 'read', arguments: '{"path":"a"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'chatcmpltool7f3ab', content: 'a\nb' },
          { role: 'tool', tool_call_id: 'x1', content: 'contents of a' },
        ],
      },
      auth(),
    );
    assert.deepEqual(
      results.map((r) => [r.toolCallId, r.agentToolCallId, r.toolName, r.content]),
      [
        ['chatcmpl-tool-7f3a_b', 'chatcmpltool7f3ab', 'exec', 'a\nb'],
        ['call_zz', 'x1', 'read', 'contents of a'],
      ],
    );
  });

  it('non-stream: awaits the hook before sending a body with tool calls, byte-identical', async () => {
    const body = {
      id: 'chatcmpl-2',
      object: 'chat.completion',
      model: 'nvidia/nemotron-3-super-120b-a12b',
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, reasoning_content: 'hmm', tool_calls: [{ id: 'call_X', type: 'function', function: { name: 'read', arguments: '{"path":"README.md"}' } }] } }],
      usage: { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 },
    };
    fake.handler = json(200, body);
    let hookResolvedAt = 0;
    hook = async () => {
      await sleep(100);
      hookResolvedAt = performance.now();
    };
    const res = await post(`${gw.url}/chat/completions`, { messages: [{ role: 'user', content: 'read' }] }, auth());
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, Buffer.concat(fake.sent[0]));
    assert.ok(res.arrivals[0].at >= hookResolvedAt);
    assert.equal(announced[0].tools[0].name, 'read');
    await waitRecords(1);
    assert.equal(records[0].stream, false);
    assert.equal(records[0].usage?.totalTokens, 29);
    assert.equal(records[0].response.message?.reasoning, 'hmm');
  });

  it('withholds tool calls when the hook throws (fail closed), and records the hook error', async () => {
    fake.handler = sse([
      { data: chunk({ tool_calls: [{ index: 0, id: 'call_Z', type: 'function', function: { name: 'exec', arguments: '{"command":"true"}' } }] }) },
      { data: chunk({}, 'tool_calls') },
      { data: '[DONE]' },
    ]);
    hook = async () => {
      throw new Error('snapshot store is full');
    };
    const res = await post(`${gw.url}/chat/completions`, { stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] }, auth());
    assert.ok(!res.body.includes('call_Z'));
    await waitRecords(1);
    assert.match(records[0].hookError ?? '', /snapshot store is full/);
  });

  it('relays byte-identically when upstream cuts its stream into tiny pieces, and serves parallel calls', async () => {
    const events = [
      chunk({ role: 'assistant', content: 'Grüße ' }),
      chunk({ content: '— ünïcödé ✓' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_P', type: 'function', function: { name: 'exec', arguments: '{"command":"echo é"}' } }] }),
      chunk({}, 'tool_calls'),
      usageChunk(),
    ];
    const whole = Buffer.from(events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join('') + 'data: [DONE]\r\n\r\n');
    fake.handler = async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < whole.length; i += 7) {
        res.write(whole.subarray(i, i + 7));
        if (i % 70 === 0) await sleep(1);
      }
      res.end();
    };
    const body = { stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] };
    const all = await Promise.all([1, 2, 3, 4, 5].map(() => post(`${gw.url}/chat/completions`, body, auth())));
    for (const r of all) assert.deepEqual(r.body, whole);
    await waitRecords(5);
    assert.equal(new Set(records.map((r) => r.callId)).size, 5);
    for (const r of records) {
      assert.equal(r.response.message?.content, 'Grüße — ünïcödé ✓');
      assert.equal(r.response.message?.toolCalls?.[0].arguments, '{"command":"echo é"}');
    }
    assert.equal(announced.length, 5);
  });

  it('applies the reasoning mode as NIM documents it (chat_template_kwargs), keeping explicit client settings', async () => {
    await gw.close();
    gw = await startGateway({ upstreamBaseUrl: fake.baseUrl, reasoning: 'low', reasoningBudget: 2048 });
    fake.handler = json(200, { id: 'x', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'hi' } }] });
    await post(`${gw.url}/chat/completions`, { messages: [{ role: 'user', content: 'x' }] }, auth());
    assert.deepEqual(fake.requests[0].body.chat_template_kwargs, { enable_thinking: true, low_effort: true });
    assert.equal(fake.requests[0].body.reasoning_budget, 2048);
    await post(`${gw.url}/chat/completions`, { chat_template_kwargs: { enable_thinking: false }, messages: [{ role: 'user', content: 'x' }] }, auth());
    assert.deepEqual(fake.requests[1].body.chat_template_kwargs, { enable_thinking: false, low_effort: true });
    assert.equal(fake.requests[1].headers.authorization, undefined, 'no key configured: none sent, and never the gateway secret');
  });
});
