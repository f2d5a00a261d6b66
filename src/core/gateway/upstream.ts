/**
 * One HTTP(S) request to the upstream model endpoint, with an idle timeout
 * that covers both "no response headers" and "stream went silent".
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { UpstreamTimeout } from './errors';

export interface UpstreamAgents {
  http: http.Agent;
  https: https.Agent;
}

export function makeAgents(): UpstreamAgents {
  // Keep-alive: a fresh TCP+TLS handshake per model call would add to every time-to-first-token.
  return { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
}

export class UpstreamRequest {
  readonly response: Promise<IncomingMessage>;
  private timer: NodeJS.Timeout | null = null;
  private res: IncomingMessage | null = null;
  private readonly req: http.ClientRequest;
  private done = false;

  constructor(
    url: URL,
    opts: { method: string; headers: OutgoingHttpHeaders; body?: Buffer; agents: UpstreamAgents; timeoutMs: number },
  ) {
    const mod = url.protocol === 'https:' ? https : http;
    const agent = url.protocol === 'https:' ? opts.agents.https : opts.agents.http;
    this.timeoutMs = opts.timeoutMs;
    this.req = mod.request(url, { method: opts.method, headers: opts.headers, agent });
    this.req.setNoDelay?.(true);
    this.response = new Promise((resolve, reject) => {
      this.req.once('response', (res) => {
        this.res = res;
        resolve(res);
      });
      this.req.once('error', reject);
    });
    // Callers attach their own handlers; this keeps an early rejection from being reported as unhandled.
    this.response.catch(() => undefined);
    this.arm();
    this.req.end(opts.body);
  }

  private readonly timeoutMs: number;

  /** (Re)starts the silence timer: call after every chunk received. */
  arm(): void {
    if (this.done) return;
    this.disarm();
    this.timer = setTimeout(() => this.abort(new UpstreamTimeout(this.timeoutMs)), this.timeoutMs);
    this.timer.unref?.();
  }

  /** Stops the timer while the gateway itself is waiting (e.g. on the snapshot hook). */
  disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  abort(err?: Error): void {
    this.disarm();
    if (this.res && !this.res.destroyed) this.res.destroy(err);
    if (!this.req.destroyed) this.req.destroy(err);
  }

  finish(): void {
    this.done = true;
    this.disarm();
  }
}

/** Reads a whole response body, re-arming the silence timer as bytes arrive, up to `max` bytes. */
export async function readAll(res: IncomingMessage, up: UpstreamRequest, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    up.arm();
    size += chunk.length;
    if (size > max) throw new Error(`the model endpoint's response is larger than ${max} bytes`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}
