/** State shared by the gateway's handlers for one running gateway. */
import type { Scrubber } from '../redact/scrubber';
import type { GatewayOptions, ToolCallInfo, ToolCallsAnnounced } from './types';
import type { PendingToolCalls } from './tool-ids';
import type { UpstreamAgents } from './upstream';

export interface GatewayContext {
  opts: GatewayOptions;
  scrubber: Scrubber;
  /** Upstream base URL, always ending in '/'. */
  base: URL;
  agents: UpstreamAgents;
  secret: string;
  maxBodyBytes: number;
  upstreamTimeoutMs: number;
  hookTimeoutMs: number;
  /** Set once upstream refused `stream_options`: stop adding it. */
  upstreamRejectsStreamOptions: boolean;
  /** Tool call ids handed to the agent whose results have not come back yet. */
  pendingToolCalls: PendingToolCalls;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Calls a user callback; a throwing callback is logged, never breaks the gateway. */
  emit<A>(name: string, fn: ((arg: A) => unknown) | undefined, arg: A): void;
}

/**
 * Awaits the pre-tool-call hook (the lead snapshots the sandbox there) before
 * tool calls reach the agent. A failing or slow hook is reported, and the
 * response released anyway: an agent hanging forever helps nobody.
 */
export async function announceToolCalls(ctx: GatewayContext, callId: string, tools: ToolCallInfo[], traceparent: string | null): Promise<string | null> {
  for (const t of tools) ctx.pendingToolCalls.add(t);
  const hook = ctx.opts.onToolCallsAnnounced;
  if (!hook || !tools.length) return null;
  const info: ToolCallsAnnounced = ctx.scrubber.scrubDeep({ callId, tools, traceparent });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`tool-call hook did not finish within ${ctx.hookTimeoutMs} ms`)), ctx.hookTimeoutMs);
    });
    await Promise.race([Promise.resolve().then(() => hook(info)), timeout]);
    return null;
  } catch (e) {
    const msg = ctx.scrubber.scrub(e instanceof Error ? e.message : String(e));
    ctx.log('error', `pre-tool-call hook failed, tool calls released without it: ${msg}`);
    return msg;
  } finally {
    if (timer) clearTimeout(timer);
  }
}
