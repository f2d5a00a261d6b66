/**
 * PLACEHOLDER for the replay issue's d3 DAG / scrubber: a single SVG row of
 * ticks, one per step, positioned by time (see model/timelineScale.ts).
 * Clicking a tick selects the step. The later issue replaces the row with the
 * branch DAG and adds playback (play, speed, step, scrub) that only moves the
 * selection.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Node } from '../../../src/core/model/types';
import { tickPositions } from '../model/timelineScale';

interface Props {
  nodes: Node[];
  selectedNodeId: string | null;
  onSelect(nodeId: string): void;
}

const HEIGHT = 22;

export function Timeline({ nodes, selectedNodeId, onSelect }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(300);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth || 300));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const ticks = tickPositions(nodes, width);
  return (
    <div class="nc-timeline" ref={ref} aria-hidden="true">
      <svg width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`}>
        <line class="nc-timeline-axis" x1={0} x2={width} y1={HEIGHT / 2} y2={HEIGHT / 2} />
        {ticks.map((t) => (
          <rect
            key={t.id}
            class={`nc-tick nc-tick-${t.kind} nc-tick-${t.status}${t.id === selectedNodeId ? ' nc-tick-selected' : ''}`}
            x={t.x - 1.5}
            y={4}
            width={3}
            height={HEIGHT - 8}
            onClick={() => onSelect(t.id)}
          />
        ))}
      </svg>
    </div>
  );
}
