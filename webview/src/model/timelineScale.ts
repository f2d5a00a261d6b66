/**
 * Time-to-pixel maths for the Timeline (pure, d3-scale). The later replay
 * issue's scrubber builds on these.
 */
import { scaleLinear } from 'd3';
import type { Node } from '../../../src/core/model/types';

export interface Tick {
  id: string;
  x: number;
  kind: Node['kind'];
  status: Node['status'];
}

export function tickPositions(nodes: readonly Node[], width: number, padding = 8): Tick[] {
  if (nodes.length === 0) return [];
  const start = Math.min(...nodes.map((n) => n.startTime));
  const end = Math.max(...nodes.map((n) => n.endTime ?? n.startTime));
  const x = scaleLinear()
    .domain([start, end > start ? end : start + 1])
    .range([padding, Math.max(padding, width - padding)])
    .clamp(true);
  return nodes.map((n) => ({ id: n.id, x: x(n.startTime), kind: n.kind, status: n.status }));
}
