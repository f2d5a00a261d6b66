/** Words the live run shows (pure): plurals, the run's facts, the phase line, and which lines are the agent's own logs. */
import type { Node } from '../../core/model/types';
import type { RunSummary } from '../../core/run/api';

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "2 branches, 6 tool calls, 10 snapshots, 1 denial, 1 recovery". */
export function runFacts(s: Pick<RunSummary, 'branches' | 'toolCalls' | 'snapshots' | 'denials' | 'recoveries'>): string {
  return [
    plural(s.branches.length, 'branch', 'branches'),
    plural(s.toolCalls, 'tool call'),
    plural(s.snapshots, 'snapshot'),
    plural(s.denials, 'denial'),
    plural(s.recoveries, 'recovery', 'recoveries'),
  ].join(', ');
}

/**
 * The agent's own stderr log lines (OpenClaw's "[session-sqlite] slow SQLite
 * reclamation … exitCode=1"), which the core narrates as "agent: …": they
 * belong in the output channel, not in the progress notification or the
 * narration, where they read like errors of the run.
 */
export function isAgentLogLine(text: string): boolean {
  return text.startsWith('agent: ');
}

/** What the live run is doing now, from its newest step: "step 12 of recovery-1: exec: npm test". */
export function stepMessage(node: Pick<Node, 'seq' | 'name'>, branchLabel: string | undefined, steps: number): string {
  const name = node.name.length > 80 ? `${node.name.slice(0, 79)}…` : node.name;
  return `${plural(steps, 'step')} recorded · ${branchLabel ?? 'branch'} step ${node.seq + 1}: ${name}`;
}
