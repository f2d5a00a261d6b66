/**
 * POST /v1/chat/completions: forwards the agent's request upstream with the
 * user's key, relays the answer, records the call, and holds tool calls until
 * the pre-tool-call hook has run.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { newId } from '../model/ids';
import { BodyAborted, BodyTooLarge, drainThenClose, readBody } from './body';
import type { GatewayContext } from './context';
import { openAIError, sendJsonError } from './errors';
import { describeUpstreamFailure } from './failures';
import { contentText, toMessageRecord, toolCallsOf } from './messages';
import { applyReasoning } from './reasoning';
import { relayJson, relayStream, type CallState } from './relay';
import type { ModelCallRecord, ToolResult } from './types';
import { readAll, UpstreamRequest } from './upstream';

function headerString(v: string | string[] | undefined): string | null {
  if (Array.isArray(v)) return v[0] ?? null;
  return typeof v === 'string' && v ? v : null;
}

/** Tool results in this request for tool calls the gateway handed out earlier. */
function takeToolResults(ctx: GatewayContext, messages: unknown[], callId: string): ToolResult[] {
  const out: ToolResult[] = [];
  const echoed = (messages as any[]).flatMap((m) => (m?.role === 'assistant' ? toolCallsOf(m.tool_calls) ?? [] : []));
  for (const m of messages as any[]) {
    if (m?.role !== 'tool' || typeof m.tool_call_id !== 'string') continue;
    const pending = ctx.pendingToolCalls.take(m.tool_call_id, echoed);
    if (!pending) continue;
    out.push({ toolCallId: pending.id, agentToolCallId: m.tool_call_id, toolName: pending.name, content: contentText(m.content).text ?? '', callId });
  }
  return out;
}

export async function handleChat(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const t0 = performance.now();
  const startTime = Date.now();
  const callId = newId('mc');

  let raw: Buffer;
  try {
    raw = await readBody(req, ctx.maxBodyBytes);
  } catch (e) {
    if (e instanceof BodyTooLarge) {
      drainThenClose(req, ctx.maxBodyBytes * 4);
      sendJsonError(
        res,
        413,
        openAIError(`Request body is larger than the gateway's limit of ${ctx.maxBodyBytes} bytes. Shorten the conversation or raise the limit.`, 'invalid_request_error', 'request_too_large'),
        { connection: 'close' },
      );
      ctx.log('warn', `refused a ${req.headers['content-length'] ?? 'streamed'}-byte request body (limit ${ctx.maxBodyBytes})`);
      return;
    }
    if (e instanceof BodyAborted) {
      ctx.log('warn', `the agent's request ended before its body arrived whole (${(e.cause as Error)?.message ?? String(e.cause)}); nothing was sent upstream`);
      res.destroy();
      return;
    }
    throw e;
  }

  let body: Record<string, unknown>;
  try {
    const parsed = JSON.parse(raw.toString('utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !Array.isArray(parsed.messages)) throw new Error('no messages array');
    body = parsed;
  } catch (e) {
    sendJsonError(res, 400, openAIError(`The request is not a chat completion request (${(e as Error).message}).`, 'invalid_request_error', 'invalid_json'));
    return;
  }

  const traceparent = headerString(req.headers.traceparent);
  const stream = body.stream === true;
  const messages = body.messages as unknown[];

  const results = takeToolResults(ctx, messages, callId);
  if (results.length) ctx.emit('onToolResults', ctx.opts.onToolResults, ctx.scrubber.scrubDeep(results));

  const requestedModel = typeof body.model === 'string' ? body.model : null;
  if (ctx.opts.model) body.model = ctx.opts.model;
  applyReasoning(body, ctx.opts.reasoning, ctx.opts.reasoningBudget);
  let injectedUsage = false;
  const originalStreamOptions = body.stream_options;
  if (stream && !ctx.upstreamRejectsStreamOptions) {
    const so = body.stream_options;
    const soObj = so && typeof so === 'object' && !Array.isArray(so) ? (so as Record<string, unknown>) : {};
    if (soObj.include_usage !== true) {
      // Token counts only come in the usage chunk; the client did not ask for it, so the relay drops it again.
      body.stream_options = { ...soObj, include_usage: true };
      injectedUsage = true;
    }
  }
  const upstreamBody = Buffer.from(JSON.stringify(body), 'utf8');
  const { messages: _m, tools, ...params } = body;
  void _m;

  // Upstream first: building the record below must not delay the model's first token.
  const headers: OutgoingHttpHeaders = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    'content-length': String(upstreamBody.length),
    'user-agent': 'nemocognition-gateway',
  };
  if (ctx.opts.upstreamApiKey) headers.authorization = `Bearer ${ctx.opts.upstreamApiKey}`;
  if (traceparent) headers.traceparent = traceparent;
  const tracestate = headerString(req.headers.tracestate);
  if (tracestate) headers.tracestate = tracestate;

  const send = (buf: Buffer) =>
    new UpstreamRequest(new URL('chat/completions', ctx.base), {
      method: 'POST',
      headers: { ...headers, 'content-length': String(buf.length) },
      body: buf,
      agents: ctx.agents,
      timeoutMs: ctx.upstreamTimeoutMs,
    });
  let up = send(upstreamBody);
  const state: CallState = {
    callId,
    t0,
    ttftMs: null,
    traceparent,
    stream,
    injectedUsage,
    clientGone: false,
    hookError: null,
    refusal: null,
  };
  const base: Omit<ModelCallRecord, 'endTime' | 'latencyMs' | 'ttftMs' | 'status' | 'error' | 'upstreamStatus' | 'clientStatus' | 'response' | 'usage' | 'hookError' | 'refusal'> = {
    callId,
    traceparent,
    startTime,
    stream,
    request: {
      model: requestedModel,
      upstreamModel: typeof body.model === 'string' ? body.model : null,
      messages: messages.map(toMessageRecord),
      tools: Array.isArray(tools) ? tools : [],
      invocationParameters: params,
    },
  };
  ctx.emit('onModelCallStarted', ctx.opts.onModelCallStarted, ctx.scrubber.scrubDeep({ callId, startTime, model: base.request.upstreamModel, traceparent, stream }));

  const finish = (partial: Pick<ModelCallRecord, 'status' | 'error' | 'upstreamStatus' | 'clientStatus' | 'response' | 'usage'>) => {
    const endTime = Date.now();
    const rec: ModelCallRecord = {
      ...base,
      ...partial,
      endTime,
      latencyMs: Math.round((performance.now() - t0) * 100) / 100,
      ttftMs: state.ttftMs === null ? null : Math.round(state.ttftMs * 100) / 100,
      hookError: state.hookError,
      refusal: state.refusal,
    };
    // TODO(nemocog): this scrubs every text of the call whole (the conversation can be megabytes): linear since
    // issue 12, but about 60 ms per MB of credential-dense text, once per model call. Its consumers clip what
    // they keep (the recorder, to 64 KiB a text); scrubbing only what they keep (Scrubber.scrubHead) would bound it.
    ctx.emit('onModelCall', ctx.opts.onModelCall, ctx.scrubber.scrubDeep(rec));
  };
  const noResponse = { id: null, model: null, message: null, finishReason: null };

  res.on('close', () => {
    if (!res.writableFinished) {
      state.clientGone = true;
      up.abort(new Error('the agent closed the connection before the response was complete'));
    }
  });

  let upRes: IncomingMessage;
  let preread: Buffer | null = null;
  try {
    upRes = await up.response;
    if (upRes.statusCode === 400 && state.injectedUsage) {
      // Some OpenAI-compatible servers refuse stream_options: send the agent's request as it was, without token counts.
      preread = await readAll(upRes, up, ctx.maxBodyBytes);
      if (/stream_options|include_usage/.test(preread.toString('utf8'))) {
        up.finish();
        ctx.upstreamRejectsStreamOptions = true;
        state.injectedUsage = false;
        if (originalStreamOptions === undefined) delete body.stream_options;
        else body.stream_options = originalStreamOptions;
        const { messages: _m2, tools: _t2, ...retryParams } = body;
        void _m2;
        void _t2;
        base.request.invocationParameters = retryParams;
        ctx.log('warn', 'the model endpoint refused stream_options; retried without it (token counts unavailable for this endpoint)');
        up = send(Buffer.from(JSON.stringify(body), 'utf8'));
        upRes = await up.response;
        preread = null;
      }
    }
  } catch (e) {
    const f = describeUpstreamFailure(ctx, e);
    sendJsonError(res, f.status, f.body);
    ctx.log('error', f.message);
    finish({ status: 'error', error: f.message, upstreamStatus: null, clientStatus: f.status, response: noResponse, usage: null });
    return;
  }

  const status = upRes.statusCode ?? 502;
  const ctype = String(upRes.headers['content-type'] ?? '');
  if (status >= 400) {
    // Upstream's own error (bad key, unknown model, rate limit): pass it on when it is JSON, wrap it when not.
    let buf: Buffer;
    try {
      buf = preread ?? (await readAll(upRes, up, ctx.maxBodyBytes));
    } catch (e) {
      const f = describeUpstreamFailure(ctx, e);
      sendJsonError(res, f.status, f.body);
      finish({ status: 'error', error: f.message, upstreamStatus: status, clientStatus: f.status, response: noResponse, usage: null });
      return;
    } finally {
      up.finish();
    }
    let parsed: any = null;
    try {
      parsed = JSON.parse(buf.toString('utf8'));
    } catch {
      parsed = null;
    }
    const upstreamMsg = typeof parsed?.error?.message === 'string' ? parsed.error.message : typeof parsed?.detail === 'string' ? parsed.detail : buf.toString('utf8').slice(0, 500);
    const message = ctx.scrubber.scrub(`The model endpoint answered HTTP ${status}: ${upstreamMsg}`);
    if (parsed && typeof parsed === 'object' && !res.headersSent) {
      res.writeHead(status, { 'content-type': ctype || 'application/json', 'content-length': String(buf.length) });
      res.end(buf);
    } else {
      sendJsonError(res, 502, openAIError(`${message} (not JSON). Check the model endpoint URL.`, 'upstream_error', 'bad_gateway'));
    }
    finish({ status: 'error', error: message, upstreamStatus: status, clientStatus: res.statusCode, response: noResponse, usage: null });
    return;
  }

  const relay = stream && ctype.includes('text/event-stream') ? relayStream : relayJson;
  const outcome = await relay(ctx, state, up, upRes, res);
  up.finish();
  finish({ ...outcome, upstreamStatus: status });
}
