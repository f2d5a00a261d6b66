/**
 * The whole run at a glance under the DAG: each lane a thin strip of bins
 * (steps, failures, denials), the part shown above framed. Clicking or
 * dragging moves the view there. The keyboard moves the playhead instead
 * (the scrubber), which the view follows.
 */
import { memo } from './memo';
import { useMemo, useRef } from 'preact/hooks';
import { minimapBins, type LaneRow, type LaneTrack } from '../model/dagLayout';
import type { TimeWarp, ZoomTransform } from '../model/timeAxis';

const STRIP = 4;
const GAP = 1;

interface Props {
  rows: LaneRow[];
  tracks: Map<string, LaneTrack>;
  warp: TimeWarp;
  width: number;
  transform: ZoomTransform;
  onTransform(t: ZoomTransform): void;
}

/** Memoised: moving the playhead does not redraw the run's overview. */
export const Minimap = memo(MinimapView, (a, b) => a.rows === b.rows && a.tracks === b.tracks && a.warp === b.warp && a.width === b.width && a.transform === b.transform);

function MinimapView({ rows, tracks, warp, width, transform, onTransform }: Props) {
  const bins = Math.max(20, Math.floor(width / 2));
  const data = useMemo(() => minimapBins(rows, tracks, warp.length, bins), [rows, tracks, warp, bins]);
  const height = Math.max(8, rows.length * (STRIP + GAP) + 2);
  const binW = width / bins;
  // The viewport in minimap pixels: the plot shows [0, width] of a run drawn k times wider.
  const vx = -transform.x / transform.k;
  const vw = width / transform.k;
  const dragging = useRef(false);
  const moveTo = (clientX: number, el: Element) => {
    const rect = el.getBoundingClientRect();
    const centre = ((clientX - rect.left) / rect.width) * width;
    const x = -(centre - vw / 2) * transform.k;
    onTransform({ k: transform.k, x: Math.min(0, Math.max(width - width * transform.k, x)) });
  };
  return (
    <svg
      class="nc-minimap"
      width={width}
      height={height}
      role="img"
      aria-label="Overview of the whole run; the frame is the part shown above"
      onPointerDown={(e) => {
        dragging.current = true;
        (e.currentTarget as Element).setPointerCapture(e.pointerId);
        moveTo(e.clientX, e.currentTarget as Element);
      }}
      onPointerMove={(e) => dragging.current && moveTo(e.clientX, e.currentTarget as Element)}
      onPointerUp={() => (dragging.current = false)}
    >
      {data.map((lane, li) => {
        const y = 1 + li * (STRIP + GAP);
        const cells = [];
        for (let i = 0; i < lane.bins.length; i++) {
          const v = lane.bins[i]!;
          if (v) cells.push(<rect key={i} class={`nc-mm-${v}`} x={i * binW} y={y} width={Math.max(1, binW)} height={STRIP} />);
        }
        return <g key={lane.branchId}>{cells}</g>;
      })}
      <rect class="nc-mm-view" x={Math.max(0, vx) + 0.5} y={0.5} width={Math.max(4, Math.min(width, vw) - 1)} height={height - 1} />
    </svg>
  );
}
