/**
 * The model gateway's public shapes. The gateway sits between the agent and
 * the real model; the supervisor (the lead's orchestrator) learns about every
 * call through these callbacks. Everything handed to a callback has already
 * been through the scrubber.
 */
import type { Scrubber } from '../redact/scrubber';
import type { ReasoningMode } from './reasoning';

export interface ToolCallInfo {
  id: string;
  name: string;
  /** The raw JSON string the model produced (may be malformed: model output is untrusted). */
  arguments: string;
}

export interface ToolCallsAnnounced {
  /** The model call that produced these tool calls (same id as ModelCallRecord.callId). */
  callId: string;
  tools: ToolCallInfo[];
  traceparent: string | null;
}

/**
 * What the pre-tool-call hook may answer. Nothing (or no `refuse`): release
 * the tool calls. `refuse`: the agent never receives them; it receives this
 * text as the model's answer instead, and no tool runs.
 */
export interface ToolCallVerdict {
  refuse?: string;
}

export interface ToolResult {
  /** The id as upstream produced it (the one given to onToolCallsAnnounced). */
  toolCallId: string;
  /** The id as the agent sent it back; agents may rewrite ids (OpenClaw keeps only letters and digits). */
  agentToolCallId: string;
  toolName: string;
  /** The tool message's content, flattened to text. */
  content: string;
  /** The model call whose request carried the result. */
  callId: string;
}

export interface RejectedRequest {
  remote: string;
  path: string;
  method: string;
  reason: string;
  at: number;
}

export interface ChatMessageRecord {
  role: string;
  content: string | null;
  /** Content parts when the message had structured content (text parts joined into `content` too). */
  parts?: Array<{ type: string; text?: string }>;
  name?: string;
  toolCallId?: string;
  toolCalls?: ToolCallInfo[];
  reasoning?: string;
}

export interface TokenUsage {
  promptTokens: number | null;
  completionTokens: number | null;
  totalTokens: number | null;
  reasoningTokens: number | null;
  cachedPromptTokens: number | null;
}

export interface ModelCallRecord {
  callId: string;
  /** W3C traceparent sent by the agent with the request (OpenClaw sends one). */
  traceparent: string | null;
  startTime: number; // ms since epoch
  endTime: number;
  latencyMs: number;
  /** Time from the request reaching the gateway to the first token from upstream (null if none). */
  ttftMs: number | null;
  stream: boolean;
  status: 'ok' | 'error';
  error: string | null;
  /** HTTP status returned by upstream (null when upstream never answered). */
  upstreamStatus: number | null;
  /** HTTP status the gateway returned to the agent. */
  clientStatus: number;
  request: {
    /** The model id the agent asked for. */
    model: string | null;
    /** The model id actually sent upstream (after an override). */
    upstreamModel: string | null;
    messages: ChatMessageRecord[];
    /** Tool definitions exactly as sent (OpenAI `tools` entries). */
    tools: unknown[];
    /** Everything in the body except messages and tools, after the gateway's additions. */
    invocationParameters: Record<string, unknown>;
  };
  response: {
    id: string | null;
    model: string | null;
    message: ChatMessageRecord | null;
    finishReason: string | null;
  };
  usage: TokenUsage | null;
  /** Set when onToolCallsAnnounced threw or timed out (the tool calls were then refused). */
  hookError: string | null;
  /** Set when the tool calls were withheld and the agent received this refusal instead. */
  refusal: string | null;
}

export interface GatewayOptions {
  /** Upstream base URL including the version prefix, e.g. https://integrate.api.nvidia.com/v1 */
  upstreamBaseUrl?: string;
  /** The user's key for upstream. Never sent to the agent; registered with the scrubber. */
  upstreamApiKey?: string;
  /** Forces the model id sent upstream (the agent may use any alias). */
  model?: string;
  /** Reasoning mode for Nemotron-style models; 'passthrough' sends the agent's request unchanged. */
  reasoning?: ReasoningMode;
  /** Thinking-token budget (NIM `reasoning_budget`); omitted when undefined. */
  reasoningBudget?: number;
  /** Per-run secret the agent must send as `Authorization: Bearer <secret>`; generated when omitted. */
  secret?: string;
  host?: string;
  port?: number;
  /** Largest request body accepted (bytes); larger → 413. Default 20 MB. */
  maxBodyBytes?: number;
  /** Longest silence from upstream (before headers or between chunks) before the call fails. Default 300 s. */
  upstreamTimeoutMs?: number;
  /** Longest wait for onToolCallsAnnounced; past it the tool calls are refused (fail closed). Default 120 s. */
  hookTimeoutMs?: number;
  /** Also listen on this Unix socket (for a sandbox whose network namespace relays to it). */
  unixSocketPath?: string;
  scrubber?: Scrubber;
  onModelCallStarted?: (info: { callId: string; startTime: number; model: string | null; traceparent: string | null; stream: boolean }) => void;
  onModelCall?: (record: ModelCallRecord) => void;
  /** Awaited before tool calls reach the agent; a throw, a timeout or `{ refuse }` withholds them (fail closed). */
  onToolCallsAnnounced?: (info: ToolCallsAnnounced) => Promise<void | ToolCallVerdict> | void | ToolCallVerdict;
  onToolResults?: (results: ToolResult[]) => void;
  onRejected?: (info: RejectedRequest) => void;
  /** Diagnostics (never carries secrets: messages are scrubbed). */
  onLog?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface GatewayHandle {
  /** Base URL for the agent's config, e.g. http://127.0.0.1:41234/v1 */
  url: string;
  port: number;
  secret: string;
  /** The Unix socket it also listens on, when asked (GatewayOptions.unixSocketPath). */
  socketPath?: string;
  close(): Promise<void>;
}
