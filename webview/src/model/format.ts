/** Small display helpers (pure). */
import type { NodeKind } from '../../../src/core/model/types';

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A branch header's muted part: the agent only when the label does not already say it ("main" on "main"). */
export function branchMeta(label: string, agentId: string, steps: number): string {
  const count = `${steps} step${steps === 1 ? '' : 's'}`;
  return agentId && agentId !== label ? `${agentId} · ${count}` : count;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || ms < 0) return '…';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A glyph and a label per node kind: the glyph is decoration, the label is what screen readers hear. */
export const KIND_LABEL: Record<NodeKind, { glyph: string; label: string }> = {
  model_call: { glyph: '✳', label: 'Model call' },
  tool_call: { glyph: '⚙', label: 'Tool call' },
  policy_decision: { glyph: '⊘', label: 'Policy decision' },
  checkpoint: { glyph: '◉', label: 'Snapshot' },
  memory_update: { glyph: '▤', label: 'Memory update' },
  recovery: { glyph: '↺', label: 'Recovery' },
  narration: { glyph: '✎', label: 'Narration' },
  agent_turn: { glyph: '▶', label: 'Agent turn' },
  error: { glyph: '✖', label: 'Error' },
};

/** Attribute values as plain text for the inspector (never HTML). */
export function attrText(v: unknown, max = 4000): string {
  const s = Array.isArray(v) ? v.map(String).join(', ') : String(v);
  return s.length > max ? `${s.slice(0, max)}… (${s.length - max} more characters)` : s;
}
