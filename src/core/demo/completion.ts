import type { ScenarioReply } from './scenario';

/**
 * Turns a scenario's reply into OpenAI chat-completions wire objects: one JSON
 * body for `stream: false`, or the sequence of SSE chunks for `stream: true`
 * (role, content pieces, tool-call deltas with arguments split in pieces, a
 * finish chunk, then a usage chunk with empty choices, as OpenAI sends when
 * `stream_options.include_usage` is set).
 */

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface CompletionMeta {
  id: string;
  model: string;
  created: number;
  /** Prefix for tool call ids, unique per response. */
  callIdPrefix: string;
}

type Answer = Exclude<ScenarioReply, { kind: 'hang' }>;

/** Rough, deterministic token estimate: 4 characters a token. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function answerText(r: Answer): string {
  return r.kind === 'text' ? r.text : (r.text ?? '');
}

function usageFor(r: Answer, promptChars: number): Usage {
  const out = answerText(r) + (r.kind === 'tools' ? r.calls.map((c) => c.name + c.arguments).join('') : '');
  const prompt_tokens = estimateTokens('x'.repeat(promptChars));
  const completion_tokens = estimateTokens(out);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

export function completionBody(r: Answer, meta: CompletionMeta, promptChars: number): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: answerText(r) || null };
  if (r.kind === 'tools') {
    message.tool_calls = r.calls.map((c, i) => ({ id: `${meta.callIdPrefix}_${i}`, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  }
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, finish_reason: r.kind === 'tools' ? 'tool_calls' : 'stop' }],
    usage: usageFor(r, promptChars),
  };
}

/** Splits text in pieces of at most n characters (at least one piece). */
function pieces(s: string, n: number): string[] {
  if (s.length === 0) return [];
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
  return out;
}

export function completionChunks(r: Answer, meta: CompletionMeta, promptChars: number): Array<Record<string, unknown>> {
  const base = { id: meta.id, object: 'chat.completion.chunk', created: meta.created, model: meta.model };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const out: Array<Record<string, unknown>> = [chunk({ role: 'assistant', content: '' })];
  for (const p of pieces(answerText(r), 24)) out.push(chunk({ content: p }));
  if (r.kind === 'tools') {
    r.calls.forEach((c, i) => {
      out.push(chunk({ tool_calls: [{ index: i, id: `${meta.callIdPrefix}_${i}`, type: 'function', function: { name: c.name, arguments: '' } }] }));
      for (const p of pieces(c.arguments, 32)) out.push(chunk({ tool_calls: [{ index: i, function: { arguments: p } }] }));
    });
  }
  out.push(chunk({}, r.kind === 'tools' ? 'tool_calls' : 'stop'));
  out.push({ ...base, choices: [], usage: usageFor(r, promptChars) });
  return out;
}

export function sseEvent(data: unknown): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}
