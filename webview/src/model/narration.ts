/**
 * The Narration tab's lines (pure). A recorded run carries no live narration,
 * so its story is rebuilt from what was recorded: narration nodes, each policy
 * decision, each recovery and each branch's seal. For the run going on in this
 * window, the live lines streamed by the host are merged in by time.
 */
import type { Attributes, Node } from '../../../src/core/model/types';
import type { NarrationLine, RunDetail } from '../../../src/protocol/replay';

const MAX_TEXT = 400;

export function narrationOf(detail: RunDetail | null, live: readonly NarrationLine[], includeLive: boolean): NarrationLine[] {
  const recorded = detail ? recordedNarration(detail) : [];
  const lines = includeLive ? [...recorded, ...live] : recorded;
  // Stable: at equal times the recorded line (what happened) comes before the live comment on it.
  return lines.map((l, i) => ({ l, i })).sort((a, b) => a.l.at - b.l.at || a.i - b.i).map((x) => x.l);
}

/** Whether the live lines belong with the run shown: they are that run's, or a starting run's not yet named. */
export function showsLive(shownRunId: string | null, liveRunId: string | null, running: boolean): boolean {
  return liveRunId !== null ? shownRunId === liveRunId : running || shownRunId === null;
}

export function recordedNarration(detail: RunDetail): NarrationLine[] {
  const label = new Map(detail.branches.map((b) => [b.id, b.label]));
  const lines: NarrationLine[] = [];
  for (const n of [...detail.nodes].sort((a, b) => a.startTime - b.startTime || a.seq - b.seq)) {
    const text = nodeLine(n, label.get(n.branchId) ?? n.branchId);
    if (text) lines.push({ at: n.startTime, text: clip(text) });
  }
  for (const b of detail.branches) {
    if (b.status === 'open' || b.sealedAt === null) continue;
    lines.push({ at: b.sealedAt, text: clip(`Branch ${b.label} ${b.status}${b.sealReason ? `: ${b.sealReason}` : '.'}`) });
  }
  return lines.sort((a, b) => a.at - b.at);
}

function nodeLine(n: Node, branch: string): string | null {
  const a = n.attributes;
  switch (n.kind) {
    case 'narration':
      return str(a, 'output.value') ?? n.name;
    case 'policy_decision': {
      const decision = str(a, 'nemocognition.policy.decision') ?? (n.status === 'error' ? 'deny' : 'allow');
      const verb = decision === 'deny' ? 'Denied' : decision === 'allow' ? 'Allowed' : capital(decision);
      const what = str(a, 'nemocognition.policy.detail') ?? n.name;
      const by = [str(a, 'nemocognition.policy.source'), str(a, 'nemocognition.policy.rule')].filter(Boolean).join(' ');
      return `[${branch}] ${verb}: ${what}${by ? ` (${by})` : ''}`;
    }
    case 'recovery': {
      const attempt = a['nemocognition.recovery.attempt'];
      const from = str(a, 'nemocognition.recovery.fork_from');
      const why = str(a, 'nemocognition.recovery.reason');
      const into = str(a, 'nemocognition.recovery.sandbox');
      const head = `Recovery${typeof attempt === 'number' ? ` ${attempt}` : ''}`;
      if (!from && !why) return `${head}: ${n.name}`;
      return `${head}: ${why ? `${why}; ` : ''}forked from ${from ?? 'a snapshot'}${into ? ` into ${into}` : ''}`;
    }
    default:
      return null;
  }
}

function str(a: Attributes, key: string): string | null {
  const v = a[key];
  return typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function clip(s: string): string {
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
}
