/**
 * The model endpoint, probed the way a run uses it: reachable (and the key
 * accepted), the model listed, streaming (OpenClaw streams every request),
 * tool calls (a forced call to a harmless probe function, streamed), and the
 * reasoning parameter the gateway adds (`chat_template_kwargs`, see
 * gateway/reasoning.ts). Five small requests; the key goes only to the
 * endpoint, never into a result.
 */
import { applyReasoning } from '../gateway/reasoning';
import { fail, oneLine, pass, skip, warn, type CheckResult } from './types';

export interface ModelCheckOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  reasoning?: 'adaptive' | 'off';
  timeoutMs?: number;
}

export const PROBE_TOOL = 'nemocog_doctor_probe';
const FIX_URL = 'Check nemocognition.model.endpoint (or --model-url): the OpenAI-compatible base URL, the part before /chat/completions.';

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

export async function checkModel(o: ModelCheckOptions): Promise<CheckResult[]> {
  const base = o.baseUrl.replace(/\/+$/, '');
  const timeout = o.timeoutMs ?? 30_000;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}) };
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeout) });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: (await res.text()).slice(0, 256 * 1024) };
  };
  const out: CheckResult[] = [];
  const rest = (why: string) => {
    for (const [id, title] of [['model.listed', 'Model: listed'], ['model.streaming', 'Model: streaming'], ['model.tools', 'Model: tool calls'], ['model.reasoning', 'Model: reasoning']] as const) {
      out.push(skip(id, 'model', title, `not checked: ${why}`));
    }
    return out;
  };

  let models: Answer;
  try {
    models = await call('GET', '/models');
  } catch (e) {
    out.push(fail('model.reachable', 'model', 'Model endpoint', `${base} cannot be reached: ${networkReason(e)}`, `${FIX_URL} Check that the server is running and reachable from here.`));
    return rest('endpoint unreachable');
  }
  if (models.status === 401 || models.status === 403) {
    out.push(fail('model.reachable', 'model', 'Model endpoint', `${base} refused the API key (HTTP ${models.status})`, o.apiKey ? 'Set a valid key: "NemoCognition: Set API Key" in VS Code, or NEMOCOG_API_KEY for the CLI.' : 'This endpoint needs an API key: "NemoCognition: Set API Key" in VS Code, or NEMOCOG_API_KEY for the CLI.'));
    return rest('the key was refused');
  }
  out.push(pass('model.reachable', 'model', 'Model endpoint', `${base} answers (HTTP ${models.status} for /models)`));

  // Listed: a missing id is a run that fails at its first model call.
  const ids = modelIds(models.body);
  if (models.status >= 400 || !ids) {
    out.push(warn('model.listed', 'model', 'Model: listed', `GET /models answered HTTP ${models.status} without a model list; cannot confirm "${o.model}"`, 'Nothing to do if the checks below pass; otherwise check nemocognition.model.id.'));
  } else if (ids.includes(o.model)) {
    out.push(pass('model.listed', 'model', 'Model: listed', `"${o.model}" is served (${ids.length} model(s))`));
  } else {
    out.push(fail('model.listed', 'model', 'Model: listed', `"${o.model}" is not among the ${ids.length} model(s) served: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}`, `Set nemocognition.model.id (or --model) to a model the endpoint serves.`));
  }

  const user = [{ role: 'user', content: 'Reply with the single word OK.' }];
  // Streaming.
  try {
    const a = await call('POST', '/chat/completions', { model: o.model, messages: user, stream: true, max_tokens: 16, stream_options: { include_usage: true } });
    const chunks = sseChunks(a.body);
    if (a.status >= 400) out.push(fail('model.streaming', 'model', 'Model: streaming', `stream: true was refused (HTTP ${a.status}): ${errorText(a.body)}`, 'OpenClaw streams every request: use an endpoint that supports `stream: true`.'));
    else if (!/event-stream/.test(a.contentType) || chunks.length === 0) out.push(fail('model.streaming', 'model', 'Model: streaming', `stream: true answered ${a.contentType || 'no content type'} without SSE chunks`, 'OpenClaw streams every request: use an endpoint that supports `stream: true` (server-sent events).'));
    else out.push(pass('model.streaming', 'model', 'Model: streaming', `${chunks.length} SSE chunk(s)`));
  } catch (e) {
    out.push(fail('model.streaming', 'model', 'Model: streaming', `the streamed request failed: ${networkReason(e)}`, FIX_URL));
  }

  // Tool calls: forced, streamed as the agent's requests are (unstreamed when streaming itself failed, so each row says one thing).
  const streamed = out[out.length - 1]?.status === 'pass';
  try {
    const a = await call('POST', '/chat/completions', {
      model: o.model,
      messages: [{ role: 'user', content: `Call the ${PROBE_TOOL} function.` }],
      tools: [{ type: 'function', function: { name: PROBE_TOOL, description: 'Setup check: does nothing.', parameters: { type: 'object', properties: {} } } }],
      tool_choice: { type: 'function', function: { name: PROBE_TOOL } },
      stream: streamed,
      max_tokens: 64,
    });
    const called = (streamed ? sseChunks(a.body) : [safeJson(a.body)]).some((c) => JSON.stringify(c ?? null).includes(`"name":"${PROBE_TOOL}"`));
    if (a.status >= 400) out.push(fail('model.tools', 'model', 'Model: tool calls', `a request with tools was refused (HTTP ${a.status}): ${errorText(a.body)}`, 'The agent works through tool calls: use a model and endpoint with function calling enabled (for vLLM/NIM, tool calling and a tool parser).'));
    else if (!called) out.push(fail('model.tools', 'model', 'Model: tool calls', 'the model answered without calling the function it was told to call', 'Use a model with function calling (tool calls) on this endpoint.'));
    else out.push(pass('model.tools', 'model', 'Model: tool calls', `called ${PROBE_TOOL} when asked`));
  } catch (e) {
    out.push(fail('model.tools', 'model', 'Model: tool calls', `the request with tools failed: ${networkReason(e)}`, FIX_URL));
  }

  // The reasoning parameter the gateway adds for `adaptive`.
  if (o.reasoning === 'off') {
    out.push(skip('model.reasoning', 'model', 'Model: reasoning', 'reasoning is off: no parameter is sent'));
  } else {
    const body: Record<string, unknown> = { model: o.model, messages: user, max_tokens: 16 };
    applyReasoning(body, 'adaptive');
    try {
      const a = await call('POST', '/chat/completions', body);
      if (a.status >= 400) out.push(fail('model.reasoning', 'model', 'Model: reasoning', `chat_template_kwargs (enable_thinking) was refused (HTTP ${a.status}): ${errorText(a.body)}`, 'Set nemocognition.model.reasoning (or --reasoning) to "off" for this model.'));
      else out.push(pass('model.reasoning', 'model', 'Model: reasoning', 'chat_template_kwargs.enable_thinking accepted'));
    } catch (e) {
      out.push(fail('model.reasoning', 'model', 'Model: reasoning', `the request failed: ${networkReason(e)}`, FIX_URL));
    }
  }
  return out;
}

function modelIds(body: string): string[] | null {
  try {
    const j = JSON.parse(body) as { data?: Array<{ id?: unknown }> };
    return Array.isArray(j.data) ? j.data.map((m) => m.id).filter((x): x is string => typeof x === 'string') : null;
  } catch {
    return null;
  }
}

function sseChunks(body: string): unknown[] {
  const out: unknown[] = [];
  for (const line of body.split(/\r?\n/)) {
    const m = /^data:\s*(\{.*\})\s*$/.exec(line);
    if (!m) continue;
    try {
      out.push(JSON.parse(m[1]!));
    } catch {
      // not JSON: ignored
    }
  }
  return out;
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

function errorText(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown; detail?: unknown };
    const m = typeof j.error === 'string' ? j.error : (j.error?.message ?? j.message ?? j.detail);
    if (typeof m === 'string') return oneLine(m, 160);
  } catch {
    // not JSON
  }
  return oneLine(body, 160);
}

function networkReason(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'no answer in time';
  return oneLine(err.cause?.code ?? err.cause?.message ?? err.message);
}
