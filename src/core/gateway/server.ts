/**
 * The model gateway: an OpenAI-compatible server on 127.0.0.1 between the
 * agent and the real model. Every request must carry the per-run secret; the
 * user's key is added only on the way upstream, so it never enters the sandbox.
 */
import { chmodSync, rmSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { Scrubber } from '../redact/scrubber';
import { checkBearer, newGatewaySecret } from './auth';
import { handleChat } from './chat';
import type { GatewayContext } from './context';
import { openAIError, sendJsonError } from './errors';
import { handleModels } from './models';
import { PendingToolCalls } from './tool-ids';
import { DEFAULT_NIM_BASE_URL } from './reasoning';
import type { GatewayHandle, GatewayOptions } from './types';
import { makeAgents } from './upstream';

export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 300_000;
export const DEFAULT_HOOK_TIMEOUT_MS = 120_000;

export async function startGateway(opts: GatewayOptions = {}): Promise<GatewayHandle> {
  const secret = opts.secret ?? newGatewaySecret();
  const scrubber = opts.scrubber ?? new Scrubber();
  scrubber.addSecret(opts.upstreamApiKey, 'api-key');
  scrubber.addSecret(secret, 'gateway-secret');
  const baseStr = opts.upstreamBaseUrl ?? DEFAULT_NIM_BASE_URL;
  let base: URL;
  try {
    base = new URL(baseStr.endsWith('/') ? baseStr : `${baseStr}/`);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`unsupported protocol ${base.protocol}`);
  } catch (e) {
    throw new Error(`The model endpoint "${scrubber.scrub(baseStr)}" is not a valid http(s) URL (${(e as Error).message}). Fix the model endpoint setting.`);
  }

  const log = (level: 'info' | 'warn' | 'error', message: string) => {
    try {
      opts.onLog?.(level, scrubber.scrub(message));
    } catch {
      /* a broken logger must not take the gateway down */
    }
  };
  const ctx: GatewayContext = {
    opts,
    scrubber,
    base,
    agents: makeAgents(),
    secret,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    upstreamTimeoutMs: opts.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS,
    hookTimeoutMs: opts.hookTimeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS,
    upstreamRejectsStreamOptions: false,
    pendingToolCalls: new PendingToolCalls(),
    log,
    emit(name, fn, arg) {
      if (!fn) return;
      try {
        const r = fn(arg) as unknown;
        if (r && typeof (r as Promise<unknown>).catch === 'function') (r as Promise<unknown>).catch((e) => log('error', `${name} callback failed: ${String(e)}`));
      } catch (e) {
        log('error', `${name} callback failed: ${String(e)}`);
      }
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const auth = checkBearer(req, secret);
    if (!auth.ok) {
      const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
      ctx.emit('onRejected', opts.onRejected, { remote, path: scrubber.scrub(path), method: req.method ?? '?', reason: auth.reason, at: Date.now() });
      log('warn', `refused ${req.method} ${path} from ${remote}: ${auth.reason}`);
      req.resume();
      sendJsonError(
        res,
        401,
        openAIError(`NemoCognition gateway refused the request (${auth.reason}). Only the supervised agent, configured with this run's gateway secret, may call it.`, 'authentication_error', 'invalid_api_key'),
      );
      return;
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') return handleChat(ctx, req, res);
    if (req.method === 'GET' && path === '/v1/models') return handleModels(ctx, req, res);
    req.resume();
    sendJsonError(res, 404, openAIError(`NemoCognition gateway has no route ${req.method} ${path}; it serves POST /v1/chat/completions and GET /v1/models.`, 'invalid_request_error', 'not_found'));
  };

  const server = http.createServer({ noDelay: true }, (req, res) => {
    handle(req, res).catch((e) => {
      log('error', `gateway request failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      sendJsonError(res, 500, openAIError('NemoCognition gateway hit an internal error; the run log has the details.', 'server_error', 'internal_error'));
    });
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host ?? '127.0.0.1';
  // The same server on a Unix socket too: a sandbox in its own network namespace reaches it through a relay.
  let unix: NetServer | null = null;
  if (opts.unixSocketPath) {
    const path = opts.unixSocketPath;
    unix = createNetServer((sock) => server.emit('connection', sock));
    await new Promise<void>((resolve, reject) => {
      unix!.once('error', (e) => {
        server.close();
        reject(new Error(`The model gateway could not listen on ${path}: ${e.message}. Check that its folder exists and is writable.`));
      });
      unix!.listen(path, () => resolve());
    });
    chmodSync(path, 0o600);
  }
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1`,
    port,
    secret,
    ...(opts.unixSocketPath ? { socketPath: opts.unixSocketPath } : {}),
    async close() {
      if (unix) await new Promise<void>((resolve) => unix!.close(() => resolve()));
      if (opts.unixSocketPath) rmSync(opts.unixSocketPath, { force: true });
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      ctx.agents.http.destroy();
      ctx.agents.https.destroy();
    },
  };
}
