/**
 * Relays upstream's answer to the agent. Streams are forwarded event by event
 * as they arrive, byte for byte; only three things change what the agent sees:
 * events carrying tool-call deltas are held until the response's finish
 * reason, then released after the pre-tool-call hook; when the hook refuses
 * (or fails) they are replaced by the refusal as the answer's text, finished
 * with "stop", so no tool runs; and a usage chunk the agent did not ask for
 * (the gateway asked for it) is dropped.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ResponseAssembler } from './assemble';
import { describeUpstreamFailure } from './failures';
import { announceToolCalls, type GatewayContext } from './context';
import { openAIError, sendJsonError, sseError } from './errors';
import { parseSseEvent, sseData, SseEventTooLarge, SseFramer } from './sse';
import type { ModelCallRecord } from './types';
import { readAll, type UpstreamRequest } from './upstream';

export interface CallState {
  callId: string;
  t0: number;
  ttftMs: number | null;
  traceparent: string | null;
  stream: boolean;
  injectedUsage: boolean;
  clientGone: boolean;
  hookError: string | null;
  refusal: string | null;
}

/** The refusal as stream events: the text as a content delta, then finish_reason "stop". */
function refusalEvents(asm: ResponseAssembler, text: string): Buffer[] {
  const base = { id: asm.id ?? 'nemocog-refusal', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: asm.model ?? 'nemocognition' };
  return [
    sseData({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: text }, finish_reason: null }] }),
    sseData({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
  ];
}

export type RelayOutcome = Pick<ModelCallRecord, 'status' | 'error' | 'clientStatus' | 'response' | 'usage'>;

function responseOf(asm: ResponseAssembler): ModelCallRecord['response'] {
  return { id: asm.id, model: asm.model, message: asm.message(), finishReason: asm.finishReason };
}

export async function relayStream(
  ctx: GatewayContext,
  state: CallState,
  up: UpstreamRequest,
  upRes: IncomingMessage,
  res: ServerResponse,
): Promise<RelayOutcome> {
  res.writeHead(upRes.statusCode ?? 200, {
    'content-type': String(upRes.headers['content-type'] ?? 'text/event-stream'),
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();

  const framer = new SseFramer();
  const asm = new ResponseAssembler();
  const write = (b: Buffer) => {
    if (!state.clientGone && !res.destroyed) res.write(b);
  };
  let holding = false;
  let released = false;
  let refused = false;
  let held: Array<{ ev: Buffer; keep: boolean }> = [];
  let sawDone = false;
  let sawFinish = false;
  let failure: string | null = null;
  let upstreamError: string | null = null;

  const release = async () => {
    holding = false;
    released = true;
    up.disarm();
    const outcome = await announceToolCalls(ctx, state.callId, asm.toolCalls(), state.traceparent);
    state.hookError = outcome.hookError;
    state.refusal = outcome.refusal;
    up.arm();
    if (outcome.refusal) {
      // The tool calls never reach the agent: the refusal is the answer; [DONE] and usage still follow.
      refused = true;
      for (const b of refusalEvents(asm, outcome.refusal)) write(b);
      for (const h of held) if (h.keep) write(h.ev);
    } else {
      for (const h of held) write(h.ev);
    }
    held = [];
  };

  /** Returns false when the stream is unusable (garbage) and must stop. */
  const onEvent = async (ev: Buffer): Promise<boolean> => {
    const { data } = parseSseEvent(ev);
    let info: ReturnType<ResponseAssembler['addChunk']> | null = null;
    if (data === '[DONE]') sawDone = true;
    else if (data !== null) {
      let chunk: any;
      try {
        chunk = JSON.parse(data);
      } catch {
        failure = `the model endpoint sent a stream event that is not JSON: ${JSON.stringify(data.slice(0, 120))}`;
        return false;
      }
      if (chunk && typeof chunk === 'object' && chunk.error) {
        upstreamError = `the model endpoint reported an error mid-stream: ${typeof chunk.error?.message === 'string' ? chunk.error.message : JSON.stringify(chunk.error)}`;
        // Upstream's own error event goes straight to the agent; held tool calls are void now.
        held = [];
        holding = false;
        write(ev);
        return true;
      } else {
        info = asm.addChunk(chunk);
        if (info.token && state.ttftMs === null) state.ttftMs = performance.now() - state.t0;
        if (info.finish) sawFinish = true;
      }
    }
    const drop = state.injectedUsage && info?.usageOnly === true;
    // After a refusal nothing of the refused answer may follow, only the end of the stream.
    if (refused && (info?.toolDelta || info?.finish || info?.token)) return true;
    if (!holding && !released && info?.toolDelta) holding = true;
    if (holding) {
      if (!drop) held.push({ ev, keep: data === '[DONE]' || info?.usageOnly === true });
      if (sawFinish || sawDone) await release();
    } else if (!drop) write(ev);
    return true;
  };

  try {
    outer: for await (const chunk of upRes as AsyncIterable<Buffer>) {
      up.arm();
      for (const ev of framer.push(chunk)) {
        if (!(await onEvent(ev))) break outer;
      }
    }
    const rest = framer.rest();
    if (!failure && rest.toString('utf8').trim()) {
      // The last event lacked its blank line: complete it only if it is whole.
      const { data } = parseSseEvent(rest);
      let whole = data === '[DONE]';
      if (!whole && data !== null) {
        try {
          JSON.parse(data);
          whole = true;
        } catch {
          whole = false;
        }
      }
      if (whole) await onEvent(rest);
      else failure = 'the model endpoint closed the stream in the middle of an event';
    }
    if (!failure && !upstreamError && !sawDone && !sawFinish) failure = 'the model endpoint closed the stream before the response was complete';
    if (!failure && !upstreamError && holding) await release();
  } catch (e) {
    if (state.clientGone) failure = 'the agent closed the connection before the response was complete';
    else if (e instanceof SseEventTooLarge) {
      failure = e.message;
      up.abort();
    } else failure = describeUpstreamFailure(ctx, e).message;
  }

  if (failure) {
    // Tool calls that were never announced must not reach the agent: no snapshot was taken for them.
    held = [];
    const message = ctx.scrubber.scrub(failure.startsWith('NemoCognition') ? failure : `NemoCognition gateway: ${failure}. Retry; if it persists, check the model endpoint.`);
    write(sseError(openAIError(message, 'upstream_error', 'bad_gateway')));
    if (!res.destroyed) res.end();
    return { status: 'error', error: message, clientStatus: res.statusCode, response: responseOf(asm), usage: asm.usage };
  }
  if (!res.destroyed) res.end();
  return {
    status: upstreamError ? 'error' : 'ok',
    error: upstreamError ? ctx.scrubber.scrub(upstreamError) : null,
    clientStatus: res.statusCode,
    response: responseOf(asm),
    usage: asm.usage,
  };
}

export async function relayJson(
  ctx: GatewayContext,
  state: CallState,
  up: UpstreamRequest,
  upRes: IncomingMessage,
  res: ServerResponse,
): Promise<RelayOutcome> {
  const asm = new ResponseAssembler();
  let buf: Buffer;
  try {
    buf = await readAll(upRes, up, 64 * 1024 * 1024);
  } catch (e) {
    const f = describeUpstreamFailure(ctx, e);
    sendJsonError(res, f.status, f.body);
    return { status: 'error', error: f.message, clientStatus: f.status, response: responseOf(asm), usage: null };
  }
  let body: any;
  try {
    body = JSON.parse(buf.toString('utf8'));
    if (!body || typeof body !== 'object') throw new Error('not an object');
  } catch {
    const message = ctx.scrubber.scrub(
      `NemoCognition gateway: the model endpoint answered with something that is not a chat completion (${JSON.stringify(buf.toString('utf8').slice(0, 120))}). Check the model endpoint URL.`,
    );
    sendJsonError(res, 502, openAIError(message, 'upstream_error', 'bad_gateway'));
    return { status: 'error', error: message, clientStatus: 502, response: responseOf(asm), usage: null };
  }
  asm.addCompletion(body);
  state.ttftMs = performance.now() - state.t0;
  const tools = asm.toolCalls();
  if (tools.length) {
    const outcome = await announceToolCalls(ctx, state.callId, tools, state.traceparent);
    state.hookError = outcome.hookError;
    state.refusal = outcome.refusal;
    if (outcome.refusal) {
      // The tool calls are withheld: the agent gets the refusal as the answer's text.
      const choice = Array.isArray(body.choices) && body.choices[0] ? body.choices[0] : { index: 0 };
      body.choices = [{ ...choice, message: { role: 'assistant', content: outcome.refusal }, finish_reason: 'stop' }];
      buf = Buffer.from(JSON.stringify(body), 'utf8');
    }
  }
  if (!state.clientGone && !res.headersSent) {
    res.writeHead(upRes.statusCode ?? 200, { 'content-type': String(upRes.headers['content-type'] ?? 'application/json'), 'content-length': String(buf.length) });
    res.end(buf);
  }
  return {
    status: state.clientGone ? 'error' : 'ok',
    error: state.clientGone ? 'the agent closed the connection before the response was complete' : null,
    clientStatus: res.statusCode,
    response: responseOf(asm),
    usage: asm.usage,
  };
}
