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

/**
 * A codicon and a label per node kind: the icon is decoration, the label is
 * what screen readers hear. `char` is the icon's code point in the codicon
 * font, for the DAG's SVG glyphs.
 */
export const KIND_LABEL: Record<NodeKind, { icon: string; char: string; label: string }> = {
  model_call: { icon: 'sparkle', char: '\uec10', label: 'Model call' },
  tool_call: { icon: 'tools', char: '\ueb6d', label: 'Tool call' },
  policy_decision: { icon: 'shield', char: '\ueb53', label: 'Policy decision' },
  checkpoint: { icon: 'device-camera', char: '\ueada', label: 'Snapshot' },
  memory_update: { icon: 'book', char: '\ueaa4', label: 'Memory update' },
  recovery: { icon: 'debug-restart', char: '\uead2', label: 'Recovery' },
  narration: { icon: 'comment', char: '\uea6b', label: 'Narration' },
  agent_turn: { icon: 'robot', char: '\uec20', label: 'Agent turn' },
  error: { icon: 'error', char: '\uea87', label: 'Error' },
};
/** A denial's glyph (a policy decision that said no). */
export const DENIAL_ICON = { icon: 'circle-slash', char: '\ueabd', label: 'Denied' };
/** A user's fork (a recovery node carrying the fork's instruction). */
export const FORK_ICON = { icon: 'repo-forked', char: '\uea63', label: 'Fork' };

/** Attribute values as plain text for the inspector (never HTML). */
export function attrText(v: unknown, max = 4000): string {
  const s = Array.isArray(v) ? v.map(String).join(', ') : String(v);
  return s.length > max ? `${s.slice(0, max)}… (${s.length - max} more characters)` : s;
}
