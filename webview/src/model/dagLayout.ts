/**
 * Where the DAG draws things (pure): lane rows, the glyphs visible in the
 * viewport (virtualised: only nodes whose x falls in view are returned, and
 * nodes closer than a few pixels to the previous one are folded into it,
 * except denials, failures and recoveries, which are never hidden), fork
 * edges drawn as a commit graph draws branches, and the minimap's bins.
 *
 * Each lane's nodes are sorted by x once (display time is monotonic in start
 * time), so finding the visible slice is a binary search: the cost of a frame
 * is O(lanes × log n + glyphs drawn), not O(n).
 */
import type { Node } from '../../../src/core/model/types';
import { isDenial, isFailure, type Lane } from './runModel';
import type { TimeWarp } from './timeAxis';

export const LANE_HEIGHT = 26;
export const AGENT_HEADER = 16;

export interface LaneRow {
  lane: Lane;
  /** Vertical centre of the lane, px from the top of the lanes area. */
  y: number;
  /** The agent heading drawn above this lane (when a run has several agents). */
  agentHeading: string | null;
}

export function laneRows(lanes: readonly Lane[], hidden: ReadonlySet<string>, multiAgent: boolean): LaneRow[] {
  const rows: LaneRow[] = [];
  let y = 0;
  let agent: string | null = null;
  for (const lane of lanes) {
    if (hidden.has(lane.branch.id)) continue;
    const heading = multiAgent && lane.agentId !== agent ? lane.agentId : null;
    if (heading) y += AGENT_HEADER;
    agent = lane.agentId;
    rows.push({ lane, y: y + LANE_HEIGHT / 2, agentHeading: heading });
    y += LANE_HEIGHT;
  }
  return rows;
}

export function lanesHeight(rows: readonly LaneRow[]): number {
  return rows.length ? rows[rows.length - 1]!.y + LANE_HEIGHT / 2 : LANE_HEIGHT;
}

/** A lane's nodes in x order with their display times: computed once per run and warp. */
export interface LaneTrack {
  branchId: string;
  nodes: Node[];
  /** Display time of each node, ascending. */
  d: Float64Array;
}

export function laneTracks(lanes: readonly Lane[], warp: TimeWarp): Map<string, LaneTrack> {
  const out = new Map<string, LaneTrack>();
  for (const lane of lanes) {
    const nodes = [...lane.nodes].sort((a, b) => a.startTime - b.startTime || a.seq - b.seq);
    const d = new Float64Array(nodes.length);
    nodes.forEach((n, i) => (d[i] = warp.toDisplay(n.startTime)));
    out.set(lane.branch.id, { branchId: lane.branch.id, nodes, d });
  }
  return out;
}

function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function isNotable(n: Node): boolean {
  return isDenial(n) || isFailure(n) || n.kind === 'recovery';
}

export interface Glyph {
  node: Node;
  x: number;
  y: number;
  /** How many nodes this glyph stands for (folded neighbours included). */
  count: number;
}

/**
 * The glyphs to draw for one lane between display times [d0, d1], given the
 * x of a display time. Nodes within `minPx` of the last drawn glyph fold into
 * it, unless notable or `keep` (the selected node).
 */
export function visibleGlyphs(track: LaneTrack, y: number, d0: number, d1: number, x: (d: number) => number, minPx: number, keep: string | null): Glyph[] {
  const from = Math.max(0, lowerBound(track.d, d0) - 1);
  const to = Math.min(track.nodes.length, lowerBound(track.d, d1) + 1);
  const out: Glyph[] = [];
  let last: Glyph | null = null;
  for (let i = from; i < to; i++) {
    const n = track.nodes[i]!;
    const px = x(track.d[i]!);
    const important = isNotable(n) || n.id === keep;
    if (last && px - last.x < minPx && !important) {
      last.count++;
      continue;
    }
    last = { node: n, x: px, y, count: 1 };
    out.push(last);
  }
  return out;
}

export interface ForkEdge {
  /** The child branch. */
  branchId: string;
  path: string;
  failed: boolean;
}

/**
 * Fork edges: from the node a branch forked from, down to the child lane, then
 * along it to its first node (the commit-graph shape: a curve out of the parent
 * line). Both lanes must be shown.
 */
export function forkEdges(rows: readonly LaneRow[], tracks: Map<string, LaneTrack>, warp: TimeWarp, x: (d: number) => number): ForkEdge[] {
  const yOf = new Map(rows.map((r) => [r.lane.branch.id, r.y]));
  const out: ForkEdge[] = [];
  for (const r of rows) {
    const fork = r.lane.forkNode;
    if (!fork) continue;
    const y0 = yOf.get(fork.branchId);
    if (y0 === undefined) continue;
    const x0 = x(warp.toDisplay(fork.startTime));
    const first = tracks.get(r.lane.branch.id)?.d[0];
    const x1 = Math.max(x0 + 12, x(first ?? warp.toDisplay(r.lane.branch.openedAt)));
    const y1 = r.y;
    const bend = Math.min(16, Math.abs(y1 - y0) / 2);
    const path = `M${x0.toFixed(1)},${y0.toFixed(1)} C${(x0 + bend).toFixed(1)},${y0.toFixed(1)} ${x0.toFixed(1)},${y1.toFixed(1)} ${(x0 + bend).toFixed(1)},${y1.toFixed(1)} L${x1.toFixed(1)},${y1.toFixed(1)}`;
    out.push({ branchId: r.lane.branch.id, path, failed: r.lane.branch.status === 'failed' || r.lane.branch.status === 'error' });
  }
  return out;
}

export type BinState = 0 | 1 | 2 | 3; // empty, steps, failure, denial
export interface MinimapLane {
  branchId: string;
  bins: Uint8Array;
}

/** Per lane, `bins` buckets over the whole run: 0 empty, 1 steps, 2 a failure, 3 a denial (the worst wins). */
export function minimapBins(rows: readonly LaneRow[], tracks: Map<string, LaneTrack>, length: number, bins: number): MinimapLane[] {
  return rows.map((r) => {
    const out = new Uint8Array(bins);
    const t = tracks.get(r.lane.branch.id);
    if (t) {
      for (let i = 0; i < t.nodes.length; i++) {
        const b = Math.min(bins - 1, Math.floor((t.d[i]! / Math.max(1, length)) * bins));
        const n = t.nodes[i]!;
        const s: BinState = isDenial(n) ? 3 : isFailure(n) ? 2 : 1;
        if (s > out[b]!) out[b] = s;
      }
    }
    return { branchId: r.lane.branch.id, bins: out };
  });
}
