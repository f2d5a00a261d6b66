/**
 * Flattens a run into the rows the branch list shows (pure). Each branch is a
 * header row followed by its own steps in recording order (`seq`), so a branch
 * reads top to bottom without times going backwards; the branches forked from
 * it (recoveries) follow its last step, one level deeper, each saying which
 * step it forked from. Failed branches are never hidden: they are the evidence.
 * An agent turn is recorded when it ends but started before the steps it
 * holds: it is listed where it started, with the steps that fall within it
 * nested under it, so times never go backwards down the list.
 */
import type { Branch, Node } from '../../../src/core/model/types';
import type { RunDetail } from '../../../src/protocol/replay';

/** The step a branch forked from, as the branch header names it ("forked from step #3: snapshot"). */
export interface ForkPoint {
  nodeId: string;
  /** 1-based step number within its branch (seq + 1), as the diff title counts. */
  step: number;
  name: string;
}

export type Row =
  | { type: 'branch'; key: string; branch: Branch; depth: number; nodeCount: number; collapsed: boolean; forkedFrom: ForkPoint | null }
  | { type: 'node'; key: string; node: Node; depth: number; forks: number };

export function buildRows(detail: RunDetail, collapsed: ReadonlySet<string>): Row[] {
  const nodesByBranch = new Map<string, Node[]>();
  const nodeById = new Map<string, Node>();
  for (const n of detail.nodes) {
    nodeById.set(n.id, n);
    const list = nodesByBranch.get(n.branchId) ?? [];
    list.push(n);
    nodesByBranch.set(n.branchId, list);
  }
  // seq is the recording order; start times are not (an agent turn starts first but is appended last).
  for (const list of nodesByBranch.values()) list.sort((a, b) => a.seq - b.seq);

  const forksOfNode = new Map<string, number>();
  const childrenOf = new Map<string, Branch[]>(); // by the branch holding the fork node
  const roots: Branch[] = [];
  for (const b of [...detail.branches].sort((a, b) => a.openedAt - b.openedAt)) {
    const forkNode = b.parentNodeId ? nodeById.get(b.parentNodeId) : undefined;
    // A branch whose fork node is unknown (not recorded yet) is shown at the top level rather than lost.
    if (forkNode && forkNode.branchId !== b.id) {
      forksOfNode.set(forkNode.id, (forksOfNode.get(forkNode.id) ?? 0) + 1);
      const list = childrenOf.get(forkNode.branchId) ?? [];
      list.push(b);
      childrenOf.set(forkNode.branchId, list);
    } else roots.push(b);
  }

  const rows: Row[] = [];
  const seen = new Set<string>();
  const emit = (branch: Branch, depth: number) => {
    if (seen.has(branch.id)) return; // defensive: a malformed store must not loop the view
    seen.add(branch.id);
    const nodes = nodesByBranch.get(branch.id) ?? [];
    const isCollapsed = collapsed.has(branch.id);
    const fork = branch.parentNodeId ? nodeById.get(branch.parentNodeId) : undefined;
    const forkedFrom = fork ? { nodeId: fork.id, step: fork.seq + 1, name: fork.name } : null;
    rows.push({ type: 'branch', key: `b:${branch.id}`, branch, depth, nodeCount: nodes.length, collapsed: isCollapsed, forkedFrom });
    if (!isCollapsed) {
      const byId = new Map(nodes.map((n) => [n.id, n]));
      for (const { node, inTurn } of withTurnsFirst(nodes)) {
        rows.push({ type: 'node', key: `n:${node.id}`, node, depth: depth + 1 + (inTurn ? 1 : 0) + nestingOf(node, byId), forks: forksOfNode.get(node.id) ?? 0 });
      }
    }
    // Folding a branch keeps its recoveries in view: they are where the run went on.
    for (const child of childrenOf.get(branch.id) ?? []) emit(child, depth + 1);
  };
  for (const r of roots) emit(r, 0);
  // Branches unreachable from a root (only possible in a malformed store) are still shown.
  for (const b of detail.branches) if (!seen.has(b.id)) emit(b, 0);
  return rows;
}

/** A branch's nodes by seq, each agent turn moved up to where it started, the steps within it marked. */
export function withTurnsFirst(bySeq: readonly Node[]): Array<{ node: Node; inTurn: boolean }> {
  const turns = bySeq.filter((n) => n.kind === 'agent_turn').sort((a, b) => a.startTime - b.startTime);
  if (turns.length === 0) return bySeq.map((node) => ({ node, inTurn: false }));
  const out: Array<{ node: Node; inTurn: boolean }> = [];
  let t = 0;
  let open: Node | null = null; // the latest turn listed
  for (const n of bySeq) {
    if (n.kind === 'agent_turn') continue;
    // A turn goes in just before the first step that starts within or after it; never before the branch's
    // starting snapshot, but first in a branch that has none (a pair's later turns start with a model call).
    while (t < turns.length && turns[t]!.startTime <= n.startTime && (out.length > 0 || n.kind !== 'checkpoint')) {
      open = turns[t++]!;
      out.push({ node: open, inTurn: false });
    }
    const within = !!open && open.startTime <= n.startTime && (open.endTime === null || n.startTime <= open.endTime);
    out.push({ node: n, inTurn: within });
  }
  while (t < turns.length) out.push({ node: turns[t++]!, inTurn: false });
  return out;
}

/** How deep a node sits under other nodes of its branch (a policy decision under its tool call). */
function nestingOf(node: Node, byId: Map<string, Node>): number {
  let depth = 0;
  let cur = node.parentNodeId ? byId.get(node.parentNodeId) : undefined;
  while (cur && depth < 4) {
    depth++;
    cur = cur.parentNodeId ? byId.get(cur.parentNodeId) : undefined;
  }
  return depth;
}

export type NavKey = 'ArrowDown' | 'ArrowUp' | 'Home' | 'End' | 'PageDown' | 'PageUp';
export const NAV_KEYS: readonly string[] = ['ArrowDown', 'ArrowUp', 'Home', 'End', 'PageDown', 'PageUp'];

/** The node selected after a navigation key, moving over node rows only. */
export function moveSelection(rows: readonly Row[], currentNodeId: string | null, key: NavKey, page = 10): string | null {
  const ids = rows.flatMap((r) => (r.type === 'node' ? [r.node.id] : []));
  if (ids.length === 0) return null;
  const i = currentNodeId ? ids.indexOf(currentNodeId) : -1;
  const last = ids.length - 1;
  let j: number;
  switch (key) {
    case 'ArrowDown':
      j = i < 0 ? 0 : Math.min(last, i + 1);
      break;
    case 'ArrowUp':
      j = i < 0 ? last : Math.max(0, i - 1);
      break;
    case 'Home':
      j = 0;
      break;
    case 'End':
      j = last;
      break;
    case 'PageDown':
      j = i < 0 ? 0 : Math.min(last, i + page);
      break;
    case 'PageUp':
      j = i < 0 ? 0 : Math.max(0, i - page);
      break;
  }
  return ids[j] ?? null;
}
