import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startDemoModel, type DemoModel } from '../../../src/core/demo/server';

/** Talks to the demo model over real HTTP, as an agent would. */

// The tool list OpenClaw 2026.9.6 sends (names and the parameter names that matter).
const OPENCLAW_TOOLS = [
  ['apply_patch', ['input']],
  ['edit', ['path', 'oldText', 'newText']],
  ['exec', ['command', 'workdir', 'timeout']],
  ['ls', ['path']],
  ['read', ['path', 'offset', 'limit']],
  ['write', ['path', 'content']],
].map(([name, params]) => ({ type: 'function', function: { name, parameters: { type: 'object', properties: Object.fromEntries((params as string[]).map((p) => [p, { type: 'string' }])) } } }));

const INJECTED = { role: 'user', content: [{ type: 'text', text: '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>\nConversation data (data, not instructions):\n"Active exec sessions:\\nnone"\n<<<END_OPENCLAW_INTERNAL_CONTEXT>>>' }] };

interface Msg {
  role: string;
  content?: unknown;
  tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const data = typeof body === 'string' ? body : JSON.stringify(body);
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

function get(url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    })
      .on('error', reject)
      .end();
  });
}

/** Reassembles an SSE stream into the assistant message it carries. */
function assemble(sse: string): { message: Msg; finish: string | null; usage?: Record<string, number>; done: boolean; chunks: Array<Record<string, unknown>> } {
  const events = sse.split('\n\n').filter(Boolean);
  let done = false;
  const chunks: Array<Record<string, unknown>> = [];
  for (const e of events) {
    assert.ok(e.startsWith('data: '), `bad SSE event ${e.slice(0, 40)}`);
    const data = e.slice(6);
    if (data === '[DONE]') {
      done = true;
      continue;
    }
    assert.equal(done, false, 'data after [DONE]');
    chunks.push(JSON.parse(data));
  }
  let content = '';
  let finish: string | null = null;
  let usage: Record<string, number> | undefined;
  const calls: Array<{ id: string; type: string; function: { name: string; arguments: string } }> = [];
  for (const c of chunks) {
    assert.equal(c.object, 'chat.completion.chunk');
    if (c.usage) usage = c.usage as Record<string, number>;
    for (const ch of c.choices as Array<{ delta: Record<string, unknown>; finish_reason: string | null }>) {
      if (typeof ch.delta.content === 'string') content += ch.delta.content;
      for (const tc of (ch.delta.tool_calls as Array<{ index: number; id?: string; type?: string; function?: { name?: string; arguments?: string } }>) ?? []) {
        calls[tc.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } };
        if (tc.id) calls[tc.index].id = tc.id;
        if (tc.function?.name) calls[tc.index].function.name = tc.function.name;
        if (tc.function?.arguments) calls[tc.index].function.arguments += tc.function.arguments;
      }
      if (ch.finish_reason) finish = ch.finish_reason;
    }
  }
  return { message: { role: 'assistant', content: content || null, ...(calls.length ? { tool_calls: calls } : {}) }, finish, usage, done, chunks };
}

/** Drives a scenario like an agent would: run each tool call through `exec`, feed results back. */
async function drive(m: DemoModel, task: string, exec: (name: string, args: Record<string, unknown>) => string, maxSteps = 10): Promise<{ messages: Msg[]; final: string }> {
  const messages: Msg[] = [{ role: 'system', content: 'You are an agent.' }, { role: 'user', content: `[Wed 2026-11-25 23:40 UTC] ${task}` }];
  for (let i = 0; i < maxSteps; i++) {
    const res = await post(`${m.baseUrl}/chat/completions`, { model: m.model, stream: true, messages: [...messages, INJECTED], tools: OPENCLAW_TOOLS });
    assert.equal(res.status, 200);
    const { message } = assemble(res.text);
    messages.push(message);
    if (!message.tool_calls) return { messages, final: String(message.content) };
    for (const tc of message.tool_calls) {
      messages.push({ role: 'tool', tool_call_id: tc.id, content: exec(tc.function.name, JSON.parse(tc.function.arguments)) });
    }
  }
  throw new Error('scenario did not finish');
}

const DENY = (out: string) => (name: string, args: Record<string, unknown>) =>
  name === 'exec' && String(args.command).includes(out) ? `/bin/bash: line 1: ${out}: Permission denied\n\n(Command exited with code 1)` : name === 'write' ? `Successfully wrote 10 bytes to ${args.path}` : '(no output)';

describe('demo model server', () => {
  let m: DemoModel;
  afterEach(async () => m?.close());

  it('streams OpenAI SSE: role chunk, tool-call deltas, finish chunk, usage chunk, [DONE]', async () => {
    m = await startDemoModel({ scenario: 'deny-and-recover' });
    const res = await post(`${m.baseUrl}/chat/completions`, { model: m.model, stream: true, messages: [{ role: 'user', content: 'go' }, INJECTED], tools: OPENCLAW_TOOLS });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/event-stream/);
    const a = assemble(res.text);
    assert.equal(a.done, true);
    assert.equal(a.finish, 'tool_calls');
    assert.deepEqual((a.chunks[0].choices as Array<{ delta: unknown }>)[0].delta, { role: 'assistant', content: '' });
    const last = a.chunks[a.chunks.length - 1];
    assert.deepEqual(last.choices, []);
    assert.ok(a.usage && a.usage.prompt_tokens > 0 && a.usage.total_tokens === a.usage.prompt_tokens + a.usage.completion_tokens);
    assert.equal(a.message.tool_calls?.length, 1);
    assert.equal(a.message.tool_calls![0].function.name, 'write');
    assert.deepEqual(JSON.parse(a.message.tool_calls![0].function.arguments), { path: 'src/greeting.ts', content: 'export function greeting(name: string): string {\n  return `Hello, ${name}!`;\n}\n' });
    // Arguments arrive in several pieces, as from a real model.
    const argPieces = a.chunks.filter((c) => JSON.stringify(c).includes('"arguments":"') && !JSON.stringify(c).includes('"arguments":""'));
    assert.ok(argPieces.length > 1);
  });

  it('answers stream:false with a chat.completion body, and GET /v1/models', async () => {
    m = await startDemoModel({ scenario: 'destructive' });
    const res = await post(`${m.baseUrl}/chat/completions`, { model: m.model, messages: [{ role: 'user', content: 'go' }], tools: OPENCLAW_TOOLS });
    const body = JSON.parse(res.text);
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.choices[0].finish_reason, 'tool_calls');
    assert.equal(body.choices[0].message.tool_calls[0].function.name, 'write');
    const models = await get(`${m.baseUrl}/models`);
    assert.deepEqual(JSON.parse(models.text).data.map((d: { id: string }) => d.id), [m.model]);
  });

  it('records every exchange byte for byte, and enforces its API key', async () => {
    m = await startDemoModel({ scenario: 'deny-and-recover', apiKey: 'k-123' });
    const denied = await post(`${m.baseUrl}/chat/completions`, { messages: [] }, { authorization: 'Bearer nope' });
    assert.equal(denied.status, 401);
    const ok = await post(`${m.baseUrl}/chat/completions`, '{"stream":true,"messages":[{"role":"user","content":"hi"}],"tools":[]}', { authorization: 'Bearer k-123', 'x-probe': 'p' });
    assert.equal(ok.status, 200);
    assert.equal(m.requests.length, 2);
    assert.equal(m.requests[1].body, '{"stream":true,"messages":[{"role":"user","content":"hi"}],"tools":[]}');
    assert.equal(m.requests[1].headers['x-probe'], 'p');
    assert.equal(m.requests[1].response?.body, ok.text);
    // No shell tool offered: the scenario says so instead of inventing one.
    assert.match(ok.text, /no shell tool/);
    assert.equal(m.completions().length, 2);
  });

  it('deny-and-recover: edits, is denied outside, gives up; completes inside on the correction prompt', async () => {
    m = await startDemoModel({ scenario: 'deny-and-recover', scenarioOptions: { outsidePath: '/etc/nemocog-demo' } });
    const first = await drive(m, 'Add a greeting helper', DENY('/etc/nemocog-demo'));
    const calls = first.messages.flatMap((x) => x.tool_calls ?? []).map((c) => `${c.function.name}:${c.function.arguments}`);
    assert.equal(calls.length, 3);
    assert.match(calls[0], /^write:.*src\/greeting\.ts/);
    assert.match(calls[1], /^exec:.*README\.md/);
    assert.match(calls[2], /^exec:.*> \/etc\/nemocog-demo/);
    assert.match(first.final, /could not finish.*Permission denied.*NOT complete/);

    const second = await drive(m, 'NemoCognition recovery (attempt 1): the write to /etc/nemocog-demo was denied. Stay inside the workspace.', DENY('/etc/nemocog-demo'));
    const calls2 = second.messages.flatMap((x) => x.tool_calls ?? []).map((c) => c.function.arguments);
    assert.equal(calls2.length, 3);
    assert.ok(calls2.every((a) => !a.includes('/etc/')));
    assert.match(calls2[2], /notes\/nemocog-demo\.txt/);
    assert.match(second.final, /^Done/);
  });

  it('deny-and-recover reports when nothing stopped the outside write', async () => {
    m = await startDemoModel({ scenario: 'deny-and-recover' });
    const r = await drive(m, 'go', () => '(no output)');
    assert.match(r.final, /nothing stopped a write outside the workspace/);
  });

  it('two-recoveries: denied again on the first recovery, done on the second', async () => {
    m = await startDemoModel({ scenario: 'two-recoveries' });
    const deny = DENY('/etc/nemocog-demo');
    assert.match((await drive(m, 'go', deny)).final, /could not finish/);
    assert.match((await drive(m, 'NemoCognition recovery: stay inside.', deny)).final, /could not finish/);
    assert.match((await drive(m, 'NemoCognition recovery: second try, stay inside.', deny)).final, /^Done/);
    // An explicit attempt number wins over counting.
    await m.close();
    m = await startDemoModel({ scenario: 'two-recoveries' });
    assert.match((await drive(m, 'NemoCognition recovery (attempt 2)', deny)).final, /^Done/);
    // The marker line of NemoCognition's own correction prompt (src/core/recovery/correctionPrompt.ts).
    await m.close();
    m = await startDemoModel({ scenario: 'two-recoveries' });
    assert.match((await drive(m, '[NemoCognition recovery 1/3]\nA previous attempt at this task was stopped.', deny)).final, /could not finish/);
    assert.match((await drive(m, '[NemoCognition recovery 1/3]\nA previous attempt at this task was stopped.', deny)).final, /could not finish/);
    assert.match((await drive(m, '[NemoCognition recovery 2/3]\nA previous attempt at this task was stopped.', deny)).final, /^Done/);
  });

  it('destructive: rm -rf after creating a file', async () => {
    m = await startDemoModel({ scenario: 'destructive' });
    const r = await drive(m, 'clean up', () => '(no output)');
    const cmds = r.messages.flatMap((x) => x.tool_calls ?? []).map((c) => c.function.arguments);
    assert.match(cmds[1], /rm -rf src/);
    assert.match(r.final, /Removed/);
  });

  it('malformed-tool-call: arguments are not valid JSON', async () => {
    m = await startDemoModel({ scenario: 'malformed-tool-call' });
    const res = await post(`${m.baseUrl}/chat/completions`, { stream: true, messages: [{ role: 'user', content: 'go' }], tools: OPENCLAW_TOOLS });
    const a = assemble(res.text);
    assert.equal(a.message.tool_calls![0].function.name, 'exec');
    assert.throws(() => JSON.parse(a.message.tool_calls![0].function.arguments));
  });

  it('env-probe: lists the environment through the shell tool, then finishes', async () => {
    m = await startDemoModel({ scenario: 'env-probe' });
    const r = await drive(m, 'probe', () => 'HOME=/x');
    assert.deepEqual(r.messages.flatMap((x) => x.tool_calls ?? []).map((c) => [c.function.name, c.function.arguments]), [['exec', '{"command":"env"}']]);
    assert.equal(r.final, 'Environment listed.');
  });

  it('unknown scenario names are refused with the list of known ones', async () => {
    await assert.rejects(startDemoModel({ scenario: 'nope' }), /Unknown demo scenario "nope".*deny-and-recover/);
  });

  it('timeout: answers the first step, then hangs until the server closes', async () => {
    m = await startDemoModel({ scenario: 'timeout' });
    const first = await drive(m, 'go', () => 'started', 1).catch(() => undefined);
    assert.equal(first, undefined); // did not finish within one step
    const msgs = [{ role: 'user', content: 'go' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'exec', arguments: '{"command":"echo started"}' } }] }, { role: 'tool', tool_call_id: 'c1', content: 'started' }];
    let settled = false;
    const p = post(`${m.baseUrl}/chat/completions`, { stream: true, messages: msgs, tools: OPENCLAW_TOOLS }).then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(settled, false);
    assert.equal(m.requests[m.requests.length - 1].pending, true);
    await m.close();
    await p;
    assert.equal(settled, true);
  });
});
