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

export interface HookOutcome {
  hookError: string | null;
  /** Non-null: the tool calls must not reach the agent; it gets this text instead. */
  refusal: string | null;
}

/** What the agent receives when its tool calls are withheld. */
export function refusalText(reason: string): string {
  return `[NemoCognition] The tool call(s) of this answer were not run: ${reason} Nothing was executed.`;
}

/**
 * Awaits the pre-tool-call hook (the supervisor snapshots the sandbox and
 * decides there) before tool calls reach the agent. Fails CLOSED: a hook that
 * throws, takes longer than hookTimeoutMs or answers `{ refuse }` withholds
 * the tool calls; the agent receives a refusal instead and no tool runs.
 */
export async function announceToolCalls(ctx: GatewayContext, callId: string, tools: ToolCallInfo[], traceparent: string | null): Promise<HookOutcome> {
  for (const t of tools) ctx.pendingToolCalls.add(t);
  const hook = ctx.opts.onToolCallsAnnounced;
  if (!hook || !tools.length) return { hookError: null, refusal: null };
  const info: ToolCallsAnnounced = ctx.scrubber.scrubDeep({ callId, tools, traceparent });
  let timer: NodeJS.Timeout | undefined;
  let outcome: HookOutcome;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the supervisor did not decide within ${Math.round(ctx.hookTimeoutMs / 1000)} s`)), ctx.hookTimeoutMs);
    });
    const verdict = await Promise.race([Promise.resolve().then(() => hook(info)), timeout]);
    const refuse = verdict && typeof verdict === 'object' && typeof verdict.refuse === 'string' ? ctx.scrubber.scrub(verdict.refuse) : null;
    outcome = { hookError: null, refusal: refuse ? refusalText(refuse) : null };
  } catch (e) {
    const msg = ctx.scrubber.scrub(e instanceof Error ? e.message : String(e));
    ctx.log('error', `pre-tool-call hook failed, tool calls refused: ${msg}`);
    outcome = { hookError: msg, refusal: refusalText(`NemoCognition could not take the snapshot or decide before the call (${msg}).`) };
  } finally {
    if (timer) clearTimeout(timer);
  }
  if (outcome.refusal) for (const t of tools) ctx.pendingToolCalls.remove(t.id);
  return outcome;
}
