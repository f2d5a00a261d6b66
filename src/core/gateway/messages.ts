/**
 * Turns OpenAI chat messages (untrusted, loosely shaped) into the recorded
 * form. Non-text content parts keep only their type: images and audio are
 * large and belong to the agent's transcript, not to every span.
 */
import type { ChatMessageRecord, ToolCallInfo } from './types';

function asString(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

export function toolCallsOf(v: unknown): ToolCallInfo[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((tc: any) => ({
    id: String(tc?.id ?? ''),
    name: String(tc?.function?.name ?? tc?.name ?? ''),
    arguments: typeof tc?.function?.arguments === 'string' ? tc.function.arguments : JSON.stringify(tc?.function?.arguments ?? ''),
  }));
}

export function contentText(content: unknown): { text: string | null; parts?: Array<{ type: string; text?: string }> } {
  if (typeof content === 'string') return { text: content };
  if (!Array.isArray(content)) return { text: content == null ? null : JSON.stringify(content) };
  const parts = content.map((p: any) => {
    const type = String(p?.type ?? 'unknown');
    return typeof p?.text === 'string' ? { type, text: p.text as string } : { type };
  });
  const text = parts.map((p) => p.text ?? '').filter(Boolean).join('\n');
  return { text, parts };
}

export function toMessageRecord(m: any): ChatMessageRecord {
  const { text, parts } = contentText(m?.content);
  const rec: ChatMessageRecord = { role: String(m?.role ?? 'unknown'), content: text };
  if (parts) rec.parts = parts;
  const name = asString(m?.name);
  if (name) rec.name = name;
  const tcid = asString(m?.tool_call_id);
  if (tcid) rec.toolCallId = tcid;
  const tcs = toolCallsOf(m?.tool_calls);
  if (tcs?.length) rec.toolCalls = tcs;
  const reasoning = asString(m?.reasoning_content) ?? asString(m?.reasoning);
  if (reasoning) rec.reasoning = reasoning;
  return rec;
}
