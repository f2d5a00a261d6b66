/**
 * What a replay asks of a recorded run that the store does not answer by
 * itself (pure, no `vscode`, no I/O): which snapshot shows the workspace as
 * it was at a node, what a step changed, and which memory update came before.
 * The Replay view's "files changed" modes, the diff commands, restore and
 * "fork from here" all use it, so they agree on what "the state at step N"
 * means.
 *
 *   const lineage = lineageOf(detail, nodeId);          // nodes up to N: its branch, then the fork parents'
 *   const { before, after } = stepSnapshots(detail, nodeId);
 *   engine.diff(before, after);                         // what step N changed
 *   engine.diffLive(after, workspace);                  // step N vs the workspace
 *
 * Rules. A branch's nodes are ordered by `seq` (recording order, which is
 * causal for everything that carries a snapshot). The state after a node is
 * the latest snapshot at or before it in its lineage: a tool call's
 * post-call snapshot (`nemocognition.snapshot.after`), or a node's own
 * `snapshotId` (checkpoints are pre-call snapshots), walking back through
 * the node a branch forked from, and finally the run's baseline. The state
 * before a node is the state after the node before it. Cost: O(nodes of the
 * lineage); callers pass what they already hold.
 */
import type { Branch, Node, Run } from '../model/types';

export interface RunNodes {
  run: Pick<Run, 'baselineSnapshotId'>;
  branches: readonly Pick<Branch, 'id' | 'parentNodeId'>[];
  nodes: readonly Node[];
}

/** The attribute a tool call's post-call snapshot id is recorded under (core/run/toolSupervision.ts). */
export const AFTER_SNAPSHOT_ATTR = 'nemocognition.snapshot.after';

/** The snapshot a node leaves the workspace in, if it records one itself. */
export function ownSnapshot(n: Node): string | null {
  const after = n.attributes[AFTER_SNAPSHOT_ATTR];
  if (typeof after === 'string' && after) return after;
  return n.snapshotId;
}

/**
 * Every node that happened before `nodeId` on its way from the run's start,
 * oldest first, ending with the node itself: its branch's nodes up to it (by
 * seq), preceded by the lineage of the node the branch forked from.
 */
export function lineageOf(r: RunNodes, nodeId: string): Node[] {
  const byId = new Map(r.nodes.map((n) => [n.id, n]));
  const branchById = new Map(r.branches.map((b) => [b.id, b]));
  const node = byId.get(nodeId);
  if (!node) return [];
  const parts: Node[][] = [];
  const seen = new Set<string>();
  let cur: Node | undefined = node;
  while (cur && !seen.has(cur.branchId)) {
    seen.add(cur.branchId);
    const upTo: number = cur.seq;
    const branchId: string = cur.branchId;
    parts.unshift(r.nodes.filter((n) => n.branchId === branchId && n.seq <= upTo).sort((a, b) => a.seq - b.seq));
    const parentId = branchById.get(branchId)?.parentNodeId;
    cur = parentId ? byId.get(parentId) : undefined;
  }
  return parts.flat();
}

function latestSnapshot(nodes: readonly Node[]): { snapshotId: string; nodeId: string } | null {
  for (let i = nodes.length - 1; i >= 0; i--) {
    const s = ownSnapshot(nodes[i]!);
    if (s) return { snapshotId: s, nodeId: nodes[i]!.id };
  }
  return null;
}

export interface StepSnapshots {
  /** The workspace just before the step (null: nothing recorded, not even a baseline). */
  before: string | null;
  /** The workspace just after the step. */
  after: string | null;
  /** The node whose snapshot `after` is (null: the run's baseline). */
  afterNodeId: string | null;
}

export function stepSnapshots(r: RunNodes, nodeId: string): StepSnapshots {
  const lineage = lineageOf(r, nodeId);
  if (lineage.length === 0) return { before: null, after: null, afterNodeId: null };
  const baseline = r.run.baselineSnapshotId;
  const prev = latestSnapshot(lineage.slice(0, -1));
  const at = latestSnapshot(lineage);
  return { before: prev?.snapshotId ?? baseline, after: at?.snapshotId ?? baseline, afterNodeId: at?.nodeId ?? null };
}

/** The last memory update strictly before `nodeId` in its lineage: what the Memory tab diffs against. */
export function previousMemoryUpdate(r: RunNodes, nodeId: string): Node | null {
  const lineage = lineageOf(r, nodeId).slice(0, -1);
  for (let i = lineage.length - 1; i >= 0; i--) if (lineage[i]!.kind === 'memory_update') return lineage[i]!;
  return null;
}

/** Paths a run marks as memory on its memory-update nodes (`nemocognition.memory.paths`). */
export function markedMemoryPaths(nodes: readonly Node[]): Set<string> {
  const out = new Set<string>();
  for (const n of nodes) {
    const v = n.attributes['nemocognition.memory.paths'];
    if (Array.isArray(v)) for (const p of v) if (typeof p === 'string') out.add(p);
  }
  return out;
}
