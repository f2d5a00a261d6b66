/**
 * A model call as a readable conversation (pure), from the OpenInference
 * attributes the gateway records (core/gateway/attributes.ts):
 * `llm.input_messages.<i>.message.{role,content,contents.<j>.message_content.text,
 * tool_calls.<k>.tool_call.{id,function.name,function.arguments},tool_call_id,name}`,
 * the same under `llm.output_messages`, `llm.tools.<i>.tool.json_schema`,
 * token counts, the model, latency, the finish reason and the reasoning.
 * Indices are read as numbers (message 10 comes after message 2). Everything
 * here is untrusted text: components render it as text only.
 */
import type { Attributes } from '../../../src/core/model/types';

export interface ToolCallView {
  id: string | null;
  name: string;
  /** Arguments, pretty-printed when they are JSON. */
  args: string;
}

export interface MessageView {
  role: string;
  text: string;
  toolCalls: ToolCallView[];
  toolCallId: string | null;
  /** The agent's own context (OpenClaw's injected block) or the system prompt: shown folded. */
  folded: boolean;
}

export interface ConversationView {
  model: string | null;
  input: MessageView[];
  output: MessageView[];
  reasoning: string | null;
  tools: string[];
  tokens: { prompt: number | null; completion: number | null; total: number | null };
  latencyMs: number | null;
  ttftMs: number | null;
  finishReason: string | null;
  /** Attribute keys this view did not use (the Attributes tab still has them). */
  unread: number;
}

const MSG = /^llm\.(input|output)_messages\.(\d+)\.message\.(.+)$/;
const TOOL_CALL = /^tool_calls\.(\d+)\.tool_call\.(id|function\.name|function\.arguments)$/;
const CONTENTS = /^contents\.(\d+)\.message_content\.(text|type)$/;
const TOOL_DEF = /^llm\.tools\.(\d+)\.tool\.json_schema$/;
const INJECTED = /^\s*<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>/;

export const REASONING_KEYS = ['llm.output_messages.0.message.reasoning_content', 'nemocognition.reasoning', 'llm.reasoning'];

interface RawMessage {
  role?: string;
  content?: string;
  contents: Map<number, string>;
  toolCalls: Map<number, { id?: string; name?: string; args?: string }>;
  toolCallId?: string;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
}
function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function prettyJson(text: string): string {
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return text;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return text;
  }
}

export function isModelCall(attrs: Attributes): boolean {
  return Object.keys(attrs).some((k) => k.startsWith('llm.'));
}

export function conversationOf(attrs: Attributes): ConversationView {
  const sides = { input: new Map<number, RawMessage>(), output: new Map<number, RawMessage>() };
  const tools = new Map<number, string>();
  const used = new Set<string>();
  for (const [key, value] of Object.entries(attrs)) {
    const m = MSG.exec(key);
    if (m) {
      const side = sides[m[1] as 'input' | 'output'];
      const i = Number(m[2]);
      const msg: RawMessage = side.get(i) ?? { contents: new Map(), toolCalls: new Map() };
      side.set(i, msg);
      const rest = m[3]!;
      const v = str(value);
      used.add(key);
      if (rest === 'role') msg.role = v ?? undefined;
      else if (rest === 'content') msg.content = v ?? undefined;
      else if (rest === 'tool_call_id') msg.toolCallId = v ?? undefined;
      else {
        const tc = TOOL_CALL.exec(rest);
        const ct = CONTENTS.exec(rest);
        if (tc) {
          const k = Number(tc[1]);
          const call = msg.toolCalls.get(k) ?? {};
          if (tc[2] === 'id') call.id = v ?? undefined;
          else if (tc[2] === 'function.name') call.name = v ?? undefined;
          else call.args = v ?? undefined;
          msg.toolCalls.set(k, call);
        } else if (ct && ct[2] === 'text' && v !== null) msg.contents.set(Number(ct[1]), v);
        else if (!(ct && ct[2] === 'type') && rest !== 'reasoning_content') used.delete(key);
      }
      continue;
    }
    const t = TOOL_DEF.exec(key);
    if (t) {
      used.add(key);
      const v = str(value) ?? '';
      let name = v;
      try {
        const parsed = JSON.parse(v) as { function?: { name?: unknown }; name?: unknown };
        name = String(parsed.function?.name ?? parsed.name ?? v);
      } catch {
        // not JSON: keep the text
      }
      tools.set(Number(t[1]), name);
    }
  }
  const build = (side: Map<number, RawMessage>): MessageView[] =>
    [...side.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, raw]) => {
        const parts = [...raw.contents.entries()].sort(([a], [b]) => a - b).map(([, t]) => t);
        const text = raw.content ?? (parts.length ? parts.join('\n') : '');
        const role = raw.role ?? 'unknown';
        return {
          role,
          text,
          toolCalls: [...raw.toolCalls.entries()]
            .sort(([a], [b]) => a - b)
            .map(([, c]) => ({ id: c.id ?? null, name: c.name ?? '(unnamed tool)', args: prettyJson(c.args ?? '') })),
          toolCallId: raw.toolCallId ?? null,
          folded: role === 'system' || INJECTED.test(text),
        };
      });
  let reasoning: string | null = null;
  for (const k of REASONING_KEYS) {
    const v = str(attrs[k]);
    if (v && v.trim()) {
      reasoning = v;
      used.add(k);
      break;
    }
  }
  const read = (k: string) => {
    used.add(k);
    return attrs[k];
  };
  const view: ConversationView = {
    model: str(read('llm.model_name')) ?? str(read('llm.response.model_name')) ?? str(read('llm.request.model_name')),
    input: build(sides.input),
    output: build(sides.output),
    reasoning,
    tools: [...tools.entries()].sort(([a], [b]) => a - b).map(([, n]) => n),
    tokens: { prompt: num(read('llm.token_count.prompt')), completion: num(read('llm.token_count.completion')), total: num(read('llm.token_count.total')) },
    latencyMs: num(read('nemocognition.llm.latency_ms')),
    ttftMs: num(read('nemocognition.llm.ttft_ms')),
    finishReason: str(read('llm.finish_reason')),
    unread: 0,
  };
  view.unread = Object.keys(attrs).filter((k) => !used.has(k)).length;
  return view;
}
