/**
 * Rebuilds the whole assistant response from streamed chunks (or reads it
 * from a non-stream body): content, reasoning (NIM and vLLM send
 * `reasoning_content`, others `reasoning`), tool-call deltas merged by index,
 * finish reason and usage.
 */
import { toolCallsOf } from './messages';
import type { ChatMessageRecord, TokenUsage, ToolCallInfo } from './types';

interface PartialToolCall {
  id: string;
  name: string;
  arguments: string;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function usageOf(u: any): TokenUsage | null {
  if (!u || typeof u !== 'object') return null;
  return {
    promptTokens: num(u.prompt_tokens),
    completionTokens: num(u.completion_tokens),
    totalTokens: num(u.total_tokens) ?? (num(u.prompt_tokens) !== null && num(u.completion_tokens) !== null ? u.prompt_tokens + u.completion_tokens : null),
    reasoningTokens: num(u.completion_tokens_details?.reasoning_tokens),
    cachedPromptTokens: num(u.prompt_tokens_details?.cached_tokens),
  };
}

export class ResponseAssembler {
  id: string | null = null;
  model: string | null = null;
  content = '';
  reasoning = '';
  finishReason: string | null = null;
  usage: TokenUsage | null = null;
  sawToken = false;
  private tools = new Map<number, PartialToolCall>();
  private sawContent = false;

  /** Feeds one parsed stream chunk. Returns what the chunk carried, for the relay's decisions. */
  addChunk(chunk: any): { token: boolean; toolDelta: boolean; finish: boolean; usageOnly: boolean } {
    if (typeof chunk?.id === 'string' && !this.id) this.id = chunk.id;
    if (typeof chunk?.model === 'string' && !this.model) this.model = chunk.model;
    if (chunk?.usage) this.usage = usageOf(chunk.usage);
    const choices: any[] = Array.isArray(chunk?.choices) ? chunk.choices : [];
    let token = false;
    let toolDelta = false;
    let finish = false;
    for (const c of choices) {
      if ((c?.index ?? 0) !== 0) continue; // n > 1 is not used by agents; record the first choice
      const d = c?.delta ?? {};
      if (typeof d.content === 'string' && d.content) {
        this.content += d.content;
        this.sawContent = true;
        token = true;
      }
      const r = typeof d.reasoning_content === 'string' ? d.reasoning_content : typeof d.reasoning === 'string' ? d.reasoning : '';
      if (r) {
        this.reasoning += r;
        token = true;
      }
      if (Array.isArray(d.tool_calls) && d.tool_calls.length) {
        toolDelta = true;
        token = true;
        for (const tc of d.tool_calls) {
          const idx = typeof tc?.index === 'number' ? tc.index : this.tools.size;
          const cur = this.tools.get(idx) ?? { id: '', name: '', arguments: '' };
          if (typeof tc?.id === 'string' && tc.id) cur.id = tc.id;
          if (typeof tc?.function?.name === 'string') cur.name += tc.function.name;
          if (typeof tc?.function?.arguments === 'string') cur.arguments += tc.function.arguments;
          this.tools.set(idx, cur);
        }
      }
      if (c?.finish_reason) {
        this.finishReason = String(c.finish_reason);
        finish = true;
      }
    }
    if (token) this.sawToken = true;
    const usageOnly = choices.length === 0 && !!chunk?.usage;
    return { token, toolDelta, finish, usageOnly };
  }

  /** Reads a complete (non-stream) chat completion body. */
  addCompletion(body: any): void {
    this.id = typeof body?.id === 'string' ? body.id : null;
    this.model = typeof body?.model === 'string' ? body.model : null;
    this.usage = usageOf(body?.usage);
    const c = Array.isArray(body?.choices) ? body.choices[0] : undefined;
    const m = c?.message ?? {};
    if (typeof m.content === 'string') {
      this.content = m.content;
      this.sawContent = true;
    }
    const r = typeof m.reasoning_content === 'string' ? m.reasoning_content : typeof m.reasoning === 'string' ? m.reasoning : '';
    this.reasoning = r;
    (toolCallsOf(m.tool_calls) ?? []).forEach((tc, i) => this.tools.set(i, tc));
    this.finishReason = c?.finish_reason ? String(c.finish_reason) : null;
    this.sawToken = this.sawContent || !!r || this.tools.size > 0;
  }

  toolCalls(): ToolCallInfo[] {
    return [...this.tools.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => ({ ...t }));
  }

  message(): ChatMessageRecord | null {
    const toolCalls = this.toolCalls();
    if (!this.sawToken && !this.sawContent && !toolCalls.length) return null;
    const msg: ChatMessageRecord = { role: 'assistant', content: this.sawContent ? this.content : null };
    if (this.reasoning) msg.reasoning = this.reasoning;
    if (toolCalls.length) msg.toolCalls = toolCalls;
    return msg;
  }
}
