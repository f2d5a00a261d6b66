/**
 * Micro-benchmark: the gateway's added latency to the first streamed token.
 * A synthetic local upstream (part of the benchmark, not a model) waits a
 * fixed delay, then streams a few chunks; the same request is timed directly
 * and through the gateway, alternating so drift hits both sides alike.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startGateway } from './server';

export interface GatewayOverhead {
  iterations: number;
  first_token_delay_ms: number;
  direct_ttft_ms_p50: number;
  gateway_ttft_ms_p50: number;
  direct_ttft_ms_p90: number;
  gateway_ttft_ms_p90: number;
  /** gateway p50 minus direct p50. */
  added_ms_p50: number;
  /** gateway p50 / direct p50. */
  ratio: number;
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return Math.round(s[i] * 1000) / 1000;
}

async function startSyntheticUpstream(firstTokenDelayMs: number): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      const chunk = (delta: object, finish: string | null = null) =>
        `data: ${JSON.stringify({ id: 'bench', object: 'chat.completion.chunk', model: 'bench', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      setTimeout(() => {
        res.write(chunk({ role: 'assistant', content: 'first' }));
        setTimeout(() => {
          res.write(chunk({ content: ' token' }));
          res.write(chunk({}, 'stop'));
          res.write(`data: ${JSON.stringify({ id: 'bench', choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } })}\n\n`);
          res.end('data: [DONE]\n\n');
        }, 2);
      }, firstTokenDelayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Time from sending the request to the first content token arriving, in ms. */
function timeToFirstToken(baseUrl: string, agent: http.Agent, auth: string | null): Promise<number> {
  const body = JSON.stringify({ model: 'bench', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let ttft: number | null = null;
    let seen = '';
    const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    if (auth) headers.authorization = `Bearer ${auth}`;
    const req = http.request(`${baseUrl}/chat/completions`, { method: 'POST', agent, headers }, (res) => {
      res.on('data', (c: Buffer) => {
        if (ttft === null) {
          seen += c.toString('utf8');
          if (seen.includes('"content":"first"')) ttft = performance.now() - t0;
        }
      });
      res.on('end', () => (ttft === null ? reject(new Error(`no first token (HTTP ${res.statusCode})`)) : resolve(ttft)));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function measureGatewayOverhead(opts: { iterations?: number; firstTokenDelayMs?: number; warmup?: number } = {}): Promise<GatewayOverhead> {
  const iterations = Math.max(1, opts.iterations ?? 50);
  const delay = opts.firstTokenDelayMs ?? 40;
  const upstream = await startSyntheticUpstream(delay);
  const gw = await startGateway({ upstreamBaseUrl: upstream.baseUrl, upstreamApiKey: 'bench-upstream-key-000000' });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const direct: number[] = [];
  const viaGateway: number[] = [];
  try {
    for (let i = 0; i < (opts.warmup ?? 3); i++) {
      await timeToFirstToken(upstream.baseUrl, agent, null);
      await timeToFirstToken(gw.url, agent, gw.secret);
    }
    for (let i = 0; i < iterations; i++) {
      direct.push(await timeToFirstToken(upstream.baseUrl, agent, null));
      viaGateway.push(await timeToFirstToken(gw.url, agent, gw.secret));
    }
  } finally {
    agent.destroy();
    await gw.close();
    await upstream.close();
  }
  const d50 = pct(direct, 50);
  const g50 = pct(viaGateway, 50);
  return {
    iterations,
    first_token_delay_ms: delay,
    direct_ttft_ms_p50: d50,
    gateway_ttft_ms_p50: g50,
    direct_ttft_ms_p90: pct(direct, 90),
    gateway_ttft_ms_p90: pct(viaGateway, 90),
    added_ms_p50: Math.round((g50 - d50) * 1000) / 1000,
    ratio: Math.round((g50 / d50) * 10000) / 10000,
  };
}
