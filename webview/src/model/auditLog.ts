/**
 * The Audit log tab's rows (pure): every tool call of a branch with its
 * arguments, result, duration and status (a denial names its rule), filtered
 * by free text over the tool, arguments, result and status.
 */
import type { Node } from '../../../src/core/model/types';
import { prettyJson } from './conversation';
import { decisionOf } from './policyView';

export type AuditStatus = 'ok' | 'failed' | 'denied' | 'running';

export interface AuditRow {
  node: Node;
  step: number;
  tool: string;
  args: string;
  result: string;
  durationMs: number | null;
  status: AuditStatus;
  /** "kernel: kernel.fs.permission_denied" for a denial. */
  denial: string | null;
}

const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

export function auditRows(calls: ReadonlyArray<{ call: Node; decisions: Node[] }>): AuditRow[] {
  return calls.map(({ call, decisions }) => {
    const a = call.attributes;
    const deny = decisions.map(decisionOf).find((d) => d.decision === 'deny');
    const status: AuditStatus = deny ? 'denied' : call.endTime === null ? 'running' : call.status === 'error' ? 'failed' : 'ok';
    const recorded = a['nemocognition.tool.duration_ms'];
    return {
      node: call,
      step: call.seq + 1,
      tool: text(a['tool.name']) || call.name.split(':')[0]!,
      args: prettyJson(text(a['tool.parameters'] ?? a['input.value'])),
      result: text(a['output.value'] ?? a['exception.message']),
      durationMs: typeof recorded === 'number' ? recorded : call.endTime !== null ? call.endTime - call.startTime : null,
      status,
      denial: deny ? [deny.source, deny.rule].filter(Boolean).join(': ') || 'denied' : null,
    };
  });
}

export function filterAudit(rows: readonly AuditRow[], query: string): AuditRow[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...rows];
  return rows.filter((r) => [r.tool, r.args, r.result, r.status, r.denial ?? '', r.node.name].some((f) => f.toLowerCase().includes(q)));
}
