/**
 * The read-only run model the Replay view renders from (pure): branches laid
 * out as lanes, every step in playback order, and the queries the panes ask
 * (next step, previous denial, a branch's tool calls...). Built once per run
 * and extended in place as nodes stream in; no component computes these.
 *
 * Lanes: one per branch, parent first (a depth-first walk of the fork tree,
 * siblings by the time they opened), grouped by agent id when a run has
 * several agents. Playback order: every node by start time, ties by lane then
 * seq, so the playhead moves through the run as it happened.
 */
import type { Branch, Node } from '../../../src/core/model/types';
import type { RunDetail } from '../../../src/protocol/replay';

export interface Lane {
  branch: Branch;
  index: number;
  /** Fork depth: 0 for a root branch. */
  depth: number;
  agentId: string;
  /** The lane of the branch this one forked from. */
  parentLane: number | null;
  /** The node it forked from (in the parent lane). */
  forkNode: Node | null;
  /** Its nodes by seq. */
  nodes: Node[];
}

export type JumpTarget = 'denial' | 'failure' | 'recovery' | 'branchEnd';
export const JUMP_TARGETS: readonly JumpTarget[] = ['denial', 'failure', 'recovery', 'branchEnd'];

export function isDenial(n: Node): boolean {
  return n.kind === 'policy_decision' && (n.attributes['nemocognition.policy.decision'] === 'deny' || n.status === 'error');
}

export function isFailure(n: Node): boolean {
  return n.status === 'error' && !isDenial(n);
}

export function isFork(n: Node): boolean {
  return n.kind === 'recovery' && n.attributes['nemocognition.fork.instruction'] !== undefined;
}

export class RunModel {
  readonly runId: string;
  readonly lanes: Lane[];
  readonly laneOf = new Map<string, Lane>();
  readonly byId = new Map<string, Node>();
  /** Every node in playback order. */
  readonly order: Node[];
  readonly agents: string[];
  readonly start: number;
  readonly end: number;
  private readonly pos = new Map<string, number>();

  private constructor(
    readonly detail: RunDetail,
    prev?: { model: RunModel; added: Node[] },
  ) {
    this.runId = detail.run.id;
    for (const n of detail.nodes) this.byId.set(n.id, n);
    if (prev) {
      // Same branches, nodes appended or closed: reuse the lane layout and the order, insert what is new.
      const branchById = new Map(detail.branches.map((b) => [b.id, b]));
      const addedBy = new Map<string, Node[]>();
      for (const n of prev.added) addedBy.set(n.branchId, [...(addedBy.get(n.branchId) ?? []), n]);
      this.lanes = prev.model.lanes.map((l) => {
        const nodes = l.nodes.map((n) => this.byId.get(n.id) ?? n);
        for (const n of addedBy.get(l.branch.id) ?? []) insertSorted(nodes, n, (a, b) => a.seq - b.seq);
        const forkNode = l.forkNode ? (this.byId.get(l.forkNode.id) ?? l.forkNode) : null;
        return { ...l, branch: branchById.get(l.branch.id) ?? l.branch, nodes, forkNode };
      });
      for (const l of this.lanes) this.laneOf.set(l.branch.id, l);
      this.order = prev.model.order.map((n) => this.byId.get(n.id) ?? n);
      for (const n of prev.added) insertSorted(this.order, n, (a, b) => this.compare(a, b));
    } else {
      this.lanes = layoutLanes(detail.branches, detail.nodes, this.byId);
      for (const l of this.lanes) this.laneOf.set(l.branch.id, l);
      this.order = [...detail.nodes].sort((a, b) => this.compare(a, b));
    }
    this.agents = [...new Set(this.lanes.map((l) => l.agentId))];
    this.order.forEach((n, i) => this.pos.set(n.id, i));
    let start = Infinity;
    let end = -Infinity;
    for (const n of detail.nodes) {
      start = Math.min(start, n.startTime);
      end = Math.max(end, n.endTime ?? n.startTime);
    }
    // The run's clock starts at its first step (the axis and the step header count from it).
    for (const b of detail.branches) {
      if (detail.nodes.length === 0) start = Math.min(start, b.openedAt);
      end = Math.max(end, b.sealedAt ?? b.openedAt);
    }
    if (!Number.isFinite(start)) start = end = detail.run.startedAt;
    this.start = start;
    this.end = Math.max(end, start);
  }

  static build(detail: RunDetail): RunModel {
    return new RunModel(detail);
  }

  /**
   * The model for an updated detail of the same run: when the branches are the
   * same and nodes were only appended or closed, the lanes and the order are
   * extended (O(new nodes × log n) plus copies), not laid out again: a live run
   * streams one node at a time.
   */
  static update(prev: RunModel | null, detail: RunDetail): RunModel {
    if (!prev || prev.runId !== detail.run.id || prev.detail.branches.length !== detail.branches.length) return new RunModel(detail);
    for (let i = 0; i < detail.branches.length; i++) {
      const a = prev.detail.branches[i]!;
      const b = detail.branches[i]!;
      if (a.id !== b.id || a.parentNodeId !== b.parentNodeId || a.agentId !== b.agentId) return new RunModel(detail);
    }
    const added: Node[] = [];
    for (const n of detail.nodes) {
      const old = prev.byId.get(n.id);
      if (!old) added.push(n);
      // A node whose place in the order changed (it should not) means a full layout.
      else if (old.startTime !== n.startTime || old.branchId !== n.branchId || old.seq !== n.seq) return new RunModel(detail);
    }
    if (detail.nodes.length !== prev.detail.nodes.length + added.length) return new RunModel(detail);
    return new RunModel(detail, { model: prev, added });
  }

  private compare(a: Node, b: Node): number {
    return a.startTime - b.startTime || (this.laneOf.get(a.branchId)?.index ?? 0) - (this.laneOf.get(b.branchId)?.index ?? 0) || a.seq - b.seq;
  }

  indexOf(nodeId: string | null): number {
    return nodeId === null ? -1 : (this.pos.get(nodeId) ?? -1);
  }

  /** Playback order restricted to the shown branches. */
  visibleOrder(hidden: ReadonlySet<string>): Node[] {
    return hidden.size === 0 ? this.order : this.order.filter((n) => !hidden.has(n.branchId));
  }

  /** The step `delta` away in playback order among shown branches (clamped). */
  step(nodeId: string | null, delta: number, hidden: ReadonlySet<string>): Node | null {
    const order = this.visibleOrder(hidden);
    if (order.length === 0) return null;
    const i = nodeId ? indexIn(order, this.indexOf(nodeId), (n) => this.indexOf(n.id)) : -1;
    if (i < 0) return delta >= 0 ? order[0]! : order[order.length - 1]!;
    return order[Math.max(0, Math.min(order.length - 1, i + delta))]!;
  }

  first(hidden: ReadonlySet<string>): Node | null {
    return this.visibleOrder(hidden)[0] ?? null;
  }

  last(hidden: ReadonlySet<string>): Node | null {
    const o = this.visibleOrder(hidden);
    return o[o.length - 1] ?? null;
  }

  matches(n: Node, target: JumpTarget): boolean {
    switch (target) {
      case 'denial':
        return isDenial(n);
      case 'failure':
        return isFailure(n);
      case 'recovery':
        return n.kind === 'recovery';
      case 'branchEnd': {
        const lane = this.laneOf.get(n.branchId);
        return !!lane && lane.branch.status !== 'open' && lane.nodes[lane.nodes.length - 1]?.id === n.id;
      }
    }
  }

  /** The previous (dir -1) or next (dir 1) step of a kind, from the playhead; null when there is none that way. */
  jump(nodeId: string | null, dir: 1 | -1, target: JumpTarget, hidden: ReadonlySet<string>): Node | null {
    const order = this.visibleOrder(hidden);
    const i = nodeId ? indexIn(order, this.indexOf(nodeId), (n) => this.indexOf(n.id)) : dir > 0 ? -1 : order.length;
    for (let j = i + dir; j >= 0 && j < order.length; j += dir) if (this.matches(order[j]!, target)) return order[j]!;
    return null;
  }

  count(target: JumpTarget, hidden: ReadonlySet<string>): number {
    return this.visibleOrder(hidden).filter((n) => this.matches(n, target)).length;
  }

  /** The tool calls of a branch, by seq, each with the policy decisions recorded under it. */
  toolCalls(branchId: string): Array<{ call: Node; decisions: Node[] }> {
    const lane = this.laneOf.get(branchId);
    if (!lane) return [];
    const decisions = new Map<string, Node[]>();
    for (const n of lane.nodes) {
      if (n.kind !== 'policy_decision' || !n.parentNodeId) continue;
      const list = decisions.get(n.parentNodeId) ?? [];
      list.push(n);
      decisions.set(n.parentNodeId, list);
    }
    return lane.nodes.filter((n) => n.kind === 'tool_call').map((call) => ({ call, decisions: decisions.get(call.id) ?? [] }));
  }

  /** The node a lane's branch ends on (its last by seq). */
  tip(branchId: string): Node | null {
    const lane = this.laneOf.get(branchId);
    return lane?.nodes[lane.nodes.length - 1] ?? null;
  }
}

function insertSorted<T>(list: T[], item: T, cmp: (a: T, b: T) => number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmp(list[mid]!, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, item);
}

/** Binary search for a node of `order` (sorted by global position) with global position `p`. */
function indexIn(order: readonly Node[], p: number, posOf: (n: Node) => number): number {
  let lo = 0;
  let hi = order.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const q = posOf(order[mid]!);
    if (q === p) return mid;
    if (q < p) lo = mid + 1;
    else hi = mid - 1;
  }
  // Not shown (hidden branch): the nearest shown step before it.
  return Math.max(-1, hi);
}

export function layoutLanes(branches: readonly Branch[], nodes: readonly Node[], byId: Map<string, Node>): Lane[] {
  const nodesOf = new Map<string, Node[]>();
  for (const n of nodes) {
    const list = nodesOf.get(n.branchId) ?? [];
    list.push(n);
    nodesOf.set(n.branchId, list);
  }
  for (const list of nodesOf.values()) list.sort((a, b) => a.seq - b.seq);
  const children = new Map<string, Branch[]>();
  const roots: Branch[] = [];
  const sorted = [...branches].sort((a, b) => a.openedAt - b.openedAt || a.id.localeCompare(b.id));
  for (const b of sorted) {
    const fork = b.parentNodeId ? byId.get(b.parentNodeId) : undefined;
    if (fork && fork.branchId !== b.id) {
      const list = children.get(fork.branchId) ?? [];
      list.push(b);
      children.set(fork.branchId, list);
    } else roots.push(b);
  }
  // Grouped by agent, in the order agents first appear; within a group, parent first.
  const agents = [...new Set(sorted.map((b) => b.agentId))];
  const lanes: Lane[] = [];
  const seen = new Set<string>();
  const visit = (b: Branch, depth: number, parentLane: number | null) => {
    if (seen.has(b.id)) return;
    seen.add(b.id);
    const lane: Lane = {
      branch: b,
      index: -1,
      depth,
      agentId: b.agentId,
      parentLane,
      forkNode: b.parentNodeId ? (byId.get(b.parentNodeId) ?? null) : null,
      nodes: nodesOf.get(b.id) ?? [],
    };
    lanes.push(lane);
    const me = lanes.length - 1;
    for (const c of children.get(b.id) ?? []) visit(c, depth + 1, me);
  };
  for (const r of roots) visit(r, 0, null);
  for (const b of sorted) visit(b, 0, null); // unreachable in a malformed store: still shown
  const ordered = agents.length > 1 ? agents.flatMap((a) => lanes.filter((l) => l.agentId === a)) : lanes;
  // Re-index after grouping; parent lanes are found again by branch.
  const indexOfBranch = new Map(ordered.map((l, i) => [l.branch.id, i]));
  return ordered.map((l, i) => {
    const parentBranch = l.parentLane !== null ? lanes[l.parentLane]!.branch.id : null;
    return { ...l, index: i, parentLane: parentBranch ? (indexOfBranch.get(parentBranch) ?? null) : null };
  });
}
