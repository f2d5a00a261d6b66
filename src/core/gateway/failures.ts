/** Turns a failed upstream call into the message the agent (and the record) gets. */
import type { GatewayContext } from './context';
import { openAIError, UpstreamTimeout } from './errors';

export function describeUpstreamFailure(ctx: GatewayContext, e: unknown): { status: number; body: ReturnType<typeof openAIError>; message: string } {
  const where = ctx.scrubber.scrub(ctx.base.origin + ctx.base.pathname);
  if (e instanceof UpstreamTimeout) {
    const message = `NemoCognition gateway: ${e.message} (${where}). Check that the model endpoint is up, or raise the gateway timeout.`;
    return { status: 504, body: openAIError(message, 'upstream_timeout', 'gateway_timeout'), message };
  }
  const code = (e as NodeJS.ErrnoException)?.code;
  const detail = ctx.scrubber.scrub(code ? `${code}: ${(e as Error).message}` : String((e as Error)?.message ?? e));
  const message = `NemoCognition gateway could not reach the model endpoint ${where} (${detail}). Check the model endpoint setting and that the server is running, then retry.`;
  return { status: 502, body: openAIError(message, 'upstream_unreachable', 'bad_gateway'), message };
}
