/**
 * TEST DOUBLE for the upstream model (an OpenAI-compatible endpoint such as
 * NIM): a local HTTP server whose behaviour each test scripts. It records
 * every request it gets and every byte it sends, so tests can compare what
 * the agent received through the gateway with what upstream sent.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: any, sent: Buffer[]) => void | Promise<void>;

export interface FakeUpstream {
  baseUrl: string;
  port: number;
  requests: SeenRequest[];
  /** Raw bytes written for each request, in order. */
  sent: Buffer[][];
  handler: Handler;
  close(): Promise<void>;
}

export async function startFakeUpstream(handler: Handler): Promise<FakeUpstream> {
  const fake: FakeUpstream = {
    baseUrl: '',
    port: 0,
    requests: [],
    sent: [],
    handler,
    close: async () => undefined,
  };
  const server = http.createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const c of req) parts.push(c as Buffer);
    const text = Buffer.concat(parts).toString('utf8');
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* keep raw */
    }
    fake.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    const sent: Buffer[] = [];
    fake.sent.push(sent);
    const origWrite = res.write.bind(res) as (...a: any[]) => boolean;
    (res as any).write = (chunk: any, ...rest: any[]) => {
      sent.push(Buffer.from(chunk));
      return origWrite(chunk, ...rest);
    };
    try {
      await fake.handler(req, res, body, sent);
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.port = (server.address() as AddressInfo).port;
  fake.baseUrl = `http://127.0.0.1:${fake.port}/v1`;
  fake.close = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  return fake;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type ScriptStep = { data: unknown } | { raw: string } | { delay: number } | { end: true } | { destroy: true };

/** Streams a scripted SSE response; `{data}` steps are sent as `data: <json>\n\n`. */
export function sse(steps: ScriptStep[]): Handler {
  return async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const s of steps) {
      if ('delay' in s) await sleep(s.delay);
      else if ('raw' in s) res.write(s.raw);
      else if ('data' in s) res.write(`data: ${typeof s.data === 'string' ? s.data : JSON.stringify(s.data)}\n\n`);
      else if ('destroy' in s) {
        res.destroy();
        return;
      } else if ('end' in s) break;
    }
    res.end();
  };
}

export function json(status: number, body: unknown, contentType = 'application/json'): Handler {
  return (_req, res) => {
    const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    res.writeHead(status, { 'content-type': contentType, 'content-length': String(bytes.length) });
    res.write(bytes);
    res.end();
  };
}

const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'nvidia/nemotron-3-super-120b-a12b' };
export const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) => ({
  ...base,
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...extra,
});
export const usageChunk = (p = 11, c = 7) => ({ ...base, choices: [], usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c } });

/** A client request through raw HTTP, recording every byte and when it arrived. */
export interface ClientResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  arrivals: Array<{ at: number; bytes: Buffer }>;
}

export function post(url: string, body: unknown, headers: Record<string, string> = {}, onData?: (soFar: Buffer) => void): Promise<ClientResult> {
  return request('POST', url, typeof body === 'string' ? body : JSON.stringify(body), headers, onData);
}

export function request(
  method: string,
  url: string,
  body: string | Buffer | undefined,
  headers: Record<string, string> = {},
  onData?: (soFar: Buffer) => void,
): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const arrivals: ClientResult['arrivals'] = [];
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        arrivals.push({ at: performance.now(), bytes: c });
        parts.push(c);
        onData?.(Buffer.concat(parts));
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts), arrivals }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
