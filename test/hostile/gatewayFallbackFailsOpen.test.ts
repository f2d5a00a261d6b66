/**
 * Issue 13, hole 7 (the gateway half): "the gateway fallback fails open".
 * Without the plugin, the gateway is the supervision point; it used to
 * release held tool calls "anyway" when the snapshot hook failed. Now a hook
 * that throws, times out or refuses withholds the tool calls: the agent gets
 * the refusal as the model's answer (finish_reason "stop") and no tool runs.
 * Also: the gateway listens on a Unix socket for sandboxes in their own
 * network namespace.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from '../../src/core/gateway/server';
import type { GatewayHandle, ModelCallRecord, ToolCallVerdict, ToolResult } from '../../src/core/gateway/types';
import { chunk, json, post, sleep, sse, startFakeUpstream, usageChunk, type FakeUpstream } from '../core/gateway/fake-upstream';

describe('hole 7: the gateway fallback failed open — now it fails closed', function () {
  this.timeout(15000);
  let fake: FakeUpstream;
  let gw: GatewayHandle;
  let records: ModelCallRecord[];
  let results: ToolResult[];
  let hook: () => Promise<void | ToolCallVerdict>;
  let dir: string;

  beforeEach(async () => {
    records = [];
    results = [];
    dir = mkdtempSync(join(tmpdir(), 'nc-gw-'));
    fake = await startFakeUpstream(json(500, { error: { message: 'unset' } }));
    gw = await startGateway({
      upstreamBaseUrl: fake.baseUrl,
      hookTimeoutMs: 300,
      unixSocketPath: join(dir, 'gateway.sock'),
      onModelCall: (r) => records.push(r),
      onToolCallsAnnounced: () => hook(),
      onToolResults: (r) => results.push(...r),
    });
  });
  afterEach(async () => {
    await gw.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const auth = () => ({ authorization: `Bearer ${gw.secret}` });
  const waitRecords = async (n: number) => {
    for (let i = 0; i < 200 && records.length < n; i++) await sleep(10);
    assert.equal(records.length, n);
  };
  const streamed = () =>
    sse([
      { data: chunk({ role: 'assistant', content: 'Running it.' }) },
      { data: chunk({ tool_calls: [{ index: 0, id: 'call_Z', type: 'function', function: { name: 'exec', arguments: '{"command":"rm -rf /"}' } }] }) },
      { data: chunk({}, 'tool_calls') },
      { data: usageChunk() },
      { data: '[DONE]' },
    ]);
  const body = { stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] };

  function events(raw: Buffer): unknown[] {
    return raw
      .toString('utf8')
      .split(/\n\n/)
      .map((e) => e.replace(/^data: /, '').trim())
      .filter(Boolean)
      .map((d) => (d === '[DONE]' ? d : JSON.parse(d)));
  }

  it('a snapshot hook that throws: the tool call never reaches the agent, which gets a refusal that ends the answer', async () => {
    fake.handler = streamed();
    hook = async () => {
      throw new Error('snapshot store is full');
    };
    const res = await post(`${gw.url}/chat/completions`, body, auth());
    assert.equal(res.status, 200);
    const text = res.body.toString('utf8');
    assert.ok(!text.includes('call_Z') && !text.includes('rm -rf'), 'the refused tool call reached the agent');
    const evs = events(res.body) as any[];
    const content = evs.filter((e) => e !== '[DONE]').map((e) => e.choices?.[0]?.delta?.content ?? '').join('');
    assert.match(content, /^Running it\.\[NemoCognition\] The tool call\(s\) of this answer were not run: NemoCognition could not take the snapshot or decide before the call \(snapshot store is full\)\. Nothing was executed\.$/);
    assert.ok(evs.some((e) => e !== '[DONE]' && e.choices?.[0]?.finish_reason === 'stop'));
    assert.ok(!evs.some((e) => e !== '[DONE]' && e.choices?.[0]?.finish_reason === 'tool_calls'));
    assert.equal(evs[evs.length - 1], '[DONE]');
    await waitRecords(1);
    assert.match(records[0].hookError ?? '', /snapshot store is full/);
    assert.match(records[0].refusal ?? '', /not run/);
    // The model's real answer is still what the LLM span records.
    assert.equal(records[0].response.message?.toolCalls?.[0]?.id, 'call_Z');
  });

  it('a supervisor that refuses: non-stream answers carry the refusal instead of the tool call', async () => {
    fake.handler = json(200, {
      id: 'c1',
      object: 'chat.completion',
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_Q', type: 'function', function: { name: 'read', arguments: '{"path":"/etc/shadow"}' } }] }, finish_reason: 'tool_calls' }],
    });
    hook = async () => ({ refuse: 'NemoCognition policy (fs.read_outside): /etc/shadow is outside the workspace.' });
    const res = await post(`${gw.url}/chat/completions`, { messages: [{ role: 'user', content: 'x' }] }, auth());
    const parsed = JSON.parse(res.body.toString('utf8'));
    assert.equal(parsed.choices[0].finish_reason, 'stop');
    assert.equal(parsed.choices[0].message.tool_calls, undefined);
    assert.match(parsed.choices[0].message.content, /not run: NemoCognition policy \(fs\.read_outside\)/);
    assert.equal(Number(res.headers['content-length']), res.body.length);
  });

  it('a supervisor that does not answer in time: refused, not released', async () => {
    fake.handler = streamed();
    hook = () => new Promise(() => undefined);
    const res = await post(`${gw.url}/chat/completions`, body, auth());
    assert.ok(!res.body.toString('utf8').includes('call_Z'));
    assert.match(res.body.toString('utf8'), /did not decide within/);
    // A result for the refused call is not taken as that call's result later.
    fake.handler = sse([{ data: chunk({ content: 'ok' }, 'stop') }, { data: '[DONE]' }]);
    await post(`${gw.url}/chat/completions`, { ...body, messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'call_Z', content: 'done' }] }, auth());
    assert.deepEqual(results, []);
  });

  it('serves the same API on its Unix socket (for a sandbox in its own network namespace)', async () => {
    fake.handler = sse([{ data: chunk({ content: 'over the socket' }, 'stop') }, { data: '[DONE]' }]);
    const payload = JSON.stringify(body);
    const out = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        { socketPath: gw.socketPath, path: '/v1/chat/completions', method: 'POST', headers: { ...auth(), 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
    assert.equal(out.status, 200);
    assert.match(out.text, /over the socket/);
  });
});
