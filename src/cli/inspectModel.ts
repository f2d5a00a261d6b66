/** The JSON shape `nemocog inspect --json` prints, built from the store's queries. */
import type { Branch, Node, Run } from '../core/model/types';

export interface InspectStore {
  listRuns(): Run[];
  getRun(id: string): Run | undefined;
  branchesOf(runId: string): Branch[];
  nodesOfBranch(branchId: string): Node[];
}

export interface InspectedRun {
  id: string;
  task: string;
  status: string;
  driver: string;
  startedAt: string;
  baselineSnapshotId: string | null;
  branches: Array<{
    id: string;
    label: string;
    agentId: string;
    status: string;
    parentNodeId: string | null;
    parentBranchId: string | null;
    sealReason: string | null;
    nodes: Array<{ id: string; seq: number; kind: string; name: string; status: string; snapshotId: string | null }>;
  }>;
  counts: { denials: number; recoveries: number; snapshots: number; toolCalls: number };
}

export function describeRuns(store: InspectStore, runId?: string): InspectedRun[] {
  const runs = runId ? [store.getRun(runId)].filter((r): r is Run => !!r) : store.listRuns();
  return runs.map((run) => {
    const branches = store.branchesOf(run.id).map((b) => ({ branch: b, nodes: store.nodesOfBranch(b.id) }));
    const all = branches.flatMap((b) => b.nodes);
    return {
      id: run.id,
      task: run.task,
      status: run.status,
      driver: run.driver,
      startedAt: new Date(run.startedAt).toISOString(),
      baselineSnapshotId: run.baselineSnapshotId,
      branches: branches.map(({ branch: b, nodes }) => ({
        id: b.id,
        label: b.label,
        agentId: b.agentId,
        status: b.status,
        parentNodeId: b.parentNodeId,
        parentBranchId: b.parentBranchId,
        sealReason: b.sealReason,
        nodes: nodes.map((n) => ({ id: n.id, seq: n.seq, kind: n.kind, name: n.name, status: n.status, snapshotId: n.snapshotId })),
      })),
      counts: {
        denials: all.filter((n) => n.kind === 'policy_decision' && n.attributes['nemocognition.policy.decision'] === 'deny').length,
        recoveries: all.filter((n) => n.kind === 'recovery').length,
        snapshots: all.filter((n) => n.snapshotId !== null).length,
        toolCalls: all.filter((n) => n.kind === 'tool_call').length,
      },
    };
  });
}

export function formatRunSummary(r: InspectedRun): string {
  const lines = [`run ${r.id} [${r.status}] ${r.startedAt} driver=${r.driver}`, `  task: ${r.task}`];
  for (const b of r.branches) {
    lines.push(`  branch ${b.label} [${b.status}]${b.parentNodeId ? ` forked from ${b.parentNodeId}` : ''}: ${b.nodes.length} nodes${b.sealReason ? ` — ${b.sealReason}` : ''}`);
  }
  const c = r.counts;
  lines.push(`  ${r.branches.length} branches, ${c.toolCalls} tool calls, ${c.snapshots} snapshots, ${c.denials} denials, ${c.recoveries} recoveries`);
  return lines.join('\n');
}
