import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { completionBody, completionChunks, sseEvent } from './completion';
import { Conversation } from './conversation';
import type { ScenarioOptions, ScenarioReply } from './scenario';
import { MissingToolError } from './scenarios/steps';
import { getScenario } from './scenarios/index';
import { followForkInstruction } from './scenarios/fork';

/**
 * The demo model: a deterministic, scripted OpenAI-compatible server on
 * 127.0.0.1. It answers `POST /v1/chat/completions` (streamed or not) from a
 * named scenario and `GET /v1/models`, and records every exchange byte for
 * byte so that tests can prove what the agent was (and was not) sent.
 */

export interface RecordedExchange {
  index: number;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Raw request body as received. */
  body: string;
  /** Parsed JSON body, when it was JSON. */
  json?: Record<string, unknown>;
  response?: { status: number; headers: Record<string, string>; body: string };
  /** True while a `hang` reply holds the response open; false once it ended. */
  pending: boolean;
}

export interface DemoModelOptions {
  scenario: string;
  port?: number;
  host?: string;
  /** Model id reported by /v1/models and in completions. */
  model?: string;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (401 otherwise). */
  apiKey?: string;
  scenarioOptions?: ScenarioOptions;
}

export interface DemoModel {
  url: string;
  /** Base URL for an OpenAI client (`<url>/v1`). */
  baseUrl: string;
  port: number;
  model: string;
  /** Every exchange so far, oldest first (live array: read it, do not mutate it). */
  readonly requests: readonly RecordedExchange[];
  /** Only the chat-completion exchanges. */
  completions(): RecordedExchange[];
  close(): Promise<void>;
}

export const DEMO_MODEL_ID = 'nemocog-demo';
const MAX_BODY = 32 * 1024 * 1024;

export async function startDemoModel(opts: DemoModelOptions): Promise<DemoModel> {
  const scenario = getScenario(opts.scenario);
  const model = opts.model ?? DEMO_MODEL_ID;
  const host = opts.host ?? '127.0.0.1';
  const scenarioOptions = {
    outsidePath: opts.scenarioOptions?.outsidePath ?? '/etc/nemocog-demo',
    probeTcpPort: opts.scenarioOptions?.probeTcpPort ?? 22,
    probeUdpPort: opts.scenarioOptions?.probeUdpPort ?? 53,
  };
  const state = new Map<string, unknown>();
  const requests: RecordedExchange[] = [];
  const sockets = new Set<Socket>();
  let counter = 0;

  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => handle(req, res, body))
      .catch((err: Error) => send(res, undefined, 400, { error: { message: err.message, type: 'invalid_request_error' } }));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function record(req: IncomingMessage, body: string): RecordedExchange {
    let json: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    const ex: RecordedExchange = { index: requests.length, method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers }, body, json, pending: true };
    requests.push(ex);
    return ex;
  }

  function send(res: ServerResponse, ex: RecordedExchange | undefined, status: number, payload: unknown): void {
    const body = JSON.stringify(payload);
    const headers = { 'content-type': 'application/json' };
    res.writeHead(status, headers).end(body);
    if (ex) {
      ex.response = { status, headers, body };
      ex.pending = false;
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const ex = record(req, body);
    const path = (req.url ?? '').split('?')[0];
    if (opts.apiKey !== undefined && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      return send(res, ex, 401, { error: { message: 'Invalid API key for the demo model.', type: 'invalid_api_key' } });
    }
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      return send(res, ex, 200, { object: 'list', data: [{ id: model, object: 'model', created: 0, owned_by: 'nemocognition-demo' }] });
    }
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
      return send(res, ex, 404, { error: { message: `No route ${req.method} ${path} on the demo model.`, type: 'not_found' } });
    }
    if (!ex.json) return send(res, ex, 400, { error: { message: 'Body must be a JSON object.', type: 'invalid_request_error' } });

    let reply: ScenarioReply;
    const forced = forcedToolChoice(ex.json);
    try {
      const conversation = new Conversation(ex.json);
      const ctx = { conversation, options: scenarioOptions, state };
      // `tool_choice` naming an offered function forces that call, as OpenAI documents it (nemocog doctor probes this).
      // A user's fork ("fork from here") is answered the same way in every scenario: see scenarios/fork.ts.
      reply = forced ? { kind: 'tools', calls: [{ name: forced, arguments: '{}' }] } : conversation.isFork() ? followForkInstruction(ctx) : scenario.reply(ctx);
    } catch (e) {
      if (!(e instanceof MissingToolError)) throw e;
      reply = { kind: 'text', text: `The demo scenario cannot continue: ${e.message}.` };
    }
    const n = ++counter;
    const meta = { id: `chatcmpl-demo-${n}`, model, created: 1_700_000_000 + n, callIdPrefix: `call_demo_${n}` };
    const promptChars = JSON.stringify(ex.json.messages ?? '').length;

    if (reply.kind === 'hang') {
      // Hold the request open; the response is recorded as pending until the socket closes.
      res.on('close', () => (ex.pending = false));
      return;
    }
    if (ex.json.stream !== true) return send(res, ex, 200, completionBody(reply, meta, promptChars));

    const headers = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' };
    res.writeHead(200, headers);
    let out = '';
    for (const c of completionChunks(reply, meta, promptChars)) out += sseEvent(c);
    out += sseEvent('[DONE]');
    res.end(out);
    ex.response = { status: 200, headers, body: out };
    ex.pending = false;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const url = `http://${host}:${port}`;

  return {
    url,
    baseUrl: `${url}/v1`,
    port,
    model,
    requests,
    completions: () => requests.filter((r) => r.method === 'POST' && r.path.split('?')[0].endsWith('/chat/completions')),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The function a request forces with `tool_choice: {type: 'function', function: {name}}`, when it offers it. */
function forcedToolChoice(body: Record<string, unknown>): string | undefined {
  const choice = body.tool_choice as { type?: unknown; function?: { name?: unknown } } | undefined;
  const name = choice && typeof choice === 'object' && choice.type === 'function' ? choice.function?.name : undefined;
  if (typeof name !== 'string' || !Array.isArray(body.tools)) return undefined;
  const offered = (body.tools as Array<{ function?: { name?: unknown } }>).some((t) => t?.function?.name === name);
  return offered ? name : undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('Request body too large for the demo model.'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
