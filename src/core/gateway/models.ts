/** GET /v1/models: proxied upstream with the user's key, so the agent can list what it may call. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayContext } from './context';
import { openAIError, sendJsonError } from './errors';
import { describeUpstreamFailure } from './failures';
import { readAll, UpstreamRequest } from './upstream';

export async function handleModels(ctx: GatewayContext, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'nemocognition-gateway' };
  if (ctx.opts.upstreamApiKey) headers.authorization = `Bearer ${ctx.opts.upstreamApiKey}`;
  const up = new UpstreamRequest(new URL('models', ctx.base), { method: 'GET', headers, agents: ctx.agents, timeoutMs: ctx.upstreamTimeoutMs });
  try {
    const upRes = await up.response;
    const buf = await readAll(upRes, up, 16 * 1024 * 1024);
    try {
      JSON.parse(buf.toString('utf8'));
    } catch {
      sendJsonError(res, 502, openAIError(`The model endpoint's model list (HTTP ${upRes.statusCode}) is not JSON. Check the model endpoint URL.`, 'upstream_error', 'bad_gateway'));
      return;
    }
    res.writeHead(upRes.statusCode ?? 200, { 'content-type': 'application/json', 'content-length': String(buf.length) });
    res.end(buf);
  } catch (e) {
    const f = describeUpstreamFailure(ctx, e);
    sendJsonError(res, f.status, f.body);
  } finally {
    up.finish();
  }
}
