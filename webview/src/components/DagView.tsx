/**
 * The run's DAG in lanes: one lane per branch (parent first, grouped by agent
 * when there are several), fork edges drawn as a commit graph draws branches,
 * a glyph per step by kind and status, agent turns as bars, denials and failed
 * branches marked so they cannot be missed, and the playhead. Only the glyphs
 * in view are drawn (dagLayout.visibleGlyphs); d3-zoom pans (drag,
 * Shift+wheel) and zooms (Ctrl+wheel) the time axis only.
 */
import { select, zoom, zoomIdentity, type ZoomBehavior } from 'd3';
import type { Node } from '../../../src/core/model/types';
import { memo } from './memo';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { forkEdges, isNotable, lanesHeight, visibleGlyphs, type LaneRow, type LaneTrack } from '../model/dagLayout';
import { isDenial, isFailure, type RunModel } from '../model/runModel';
import type { TimeWarp, ZoomTransform } from '../model/timeAxis';
import { pixelScale } from '../model/timeAxis';
import { iconOf } from './KindIcon';

interface Props {
  model: RunModel;
  rows: LaneRow[];
  warp: TimeWarp;
  tracks: Map<string, LaneTrack>;
  labelWidth: number;
  plotWidth: number;
  transform: ZoomTransform;
  maxZoom: number;
  onTransform(t: ZoomTransform): void;
  selectedId: string | null;
  onSelect(nodeId: string): void;
}

const GLYPH_R = 7;

export function DagView(p: Props) {
  const { rows, labelWidth, plotWidth } = p;
  const height = lanesHeight(rows) + 4;
  const svgRef = useRef<SVGSVGElement>(null);
  const zoomRef = useRef<ZoomBehavior<SVGSVGElement, unknown> | null>(null);
  const onTransform = useRef(p.onTransform);
  onTransform.current = p.onTransform;

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const z = zoom<SVGSVGElement, unknown>()
      .scaleExtent([1, p.maxZoom])
      .extent([
        [0, 0],
        [plotWidth, height],
      ])
      .translateExtent([
        [0, 0],
        [plotWidth, height],
      ])
      // A plain wheel scrolls the side bar; Ctrl+wheel zooms, Shift+wheel pans, a drag pans.
      .filter((ev: Event) => (ev.type === 'wheel' ? (ev as WheelEvent).ctrlKey || (ev as WheelEvent).shiftKey : !(ev as MouseEvent).button))
      .wheelDelta((ev: WheelEvent) => (ev.shiftKey && !ev.ctrlKey ? 0 : -ev.deltaY * (ev.deltaMode === 1 ? 0.05 : ev.deltaMode ? 1 : 0.002)))
      .on('zoom', (ev: { transform: { k: number; x: number }; sourceEvent: Event | null }) => {
        if (ev.sourceEvent) onTransform.current({ k: ev.transform.k, x: ev.transform.x });
      });
    const sel = select(svg);
    sel.call(z).on('dblclick.zoom', null);
    // Shift+wheel pans horizontally.
    sel.on('wheel.pan', (ev: WheelEvent) => {
      if (!ev.shiftKey || ev.ctrlKey) return;
      ev.preventDefault();
      z.translateBy(sel, -(ev.deltaY || ev.deltaX) / 2, 0);
      const t = (svg as unknown as { __zoom: { k: number; x: number } }).__zoom;
      onTransform.current({ k: t.k, x: t.x });
    });
    zoomRef.current = z;
    return () => {
      sel.on('.zoom', null).on('wheel.pan', null);
    };
  }, [plotWidth, height, p.maxZoom]);

  // Programmatic moves (zoom buttons, following the playhead) reach d3's own state too.
  useEffect(() => {
    const svg = svgRef.current;
    const z = zoomRef.current;
    if (!svg || !z) return;
    const cur = (svg as unknown as { __zoom?: { k: number; x: number } }).__zoom;
    if (cur && Math.abs(cur.k - p.transform.k) < 1e-6 && Math.abs(cur.x - p.transform.x) < 0.5) return;
    select(svg).call(z.transform, zoomIdentity.translate(p.transform.x, 0).scale(p.transform.k));
  }, [p.transform.k, p.transform.x]);

  const x = useMemo(() => pixelScale(p.warp, plotWidth, p.transform), [p.warp, plotWidth, p.transform]);
  const description = useMemo(() => describeDag(rows), [rows]);
  const selected = p.selectedId ? p.model.byId.get(p.selectedId) : undefined;
  const selRow = selected ? rows.find((r) => r.lane.branch.id === selected.branchId) : undefined;
  const selX = selected ? x(p.warp.toDisplay(selected.startTime)) : null;

  return (
    <div class="nc-dag" style={{ height: `${height}px` }}>
      <ol class="nc-lane-labels" style={{ width: `${labelWidth}px` }} aria-label="Branches">
        {rows.map((r) => (
          <LaneLabel key={r.lane.branch.id} row={r} />
        ))}
      </ol>
      <svg
        ref={svgRef}
        class="nc-dag-svg"
        width={plotWidth}
        height={height}
        role="img"
        aria-label={description}
        data-lanes={rows.length}
      >
        <Lanes rows={rows} tracks={p.tracks} warp={p.warp} xKey={`${p.transform.k}:${p.transform.x}:${plotWidth}`} x={x} width={plotWidth} onSelect={p.onSelect} />
        {selected && selRow && selX !== null ? <Playhead node={selected} x={selX} y={selRow.y} height={height} endX={selected.kind === 'agent_turn' && selected.endTime !== null ? x(p.warp.toDisplay(selected.endTime)) : null} /> : null}
      </svg>
    </div>
  );
}

/**
 * The playhead over the lanes: a line, and the selected step drawn on top with its icon and a ring (so the
 * lanes, which fold crowded glyphs, need not be redrawn when the playhead moves: a scrub step stays cheap).
 */
function Playhead({ node, x, y, height, endX }: { node: Node; x: number; y: number; height: number; endX: number | null }) {
  const icon = iconOf(node);
  return (
    <g class="nc-playhead" aria-hidden="true">
      <line x1={x} x2={x} y1={0} y2={height} />
      {endX !== null ? <rect class="nc-turn-selected" x={x} y={y - 5} width={Math.max(2, endX - x)} height={10} rx={3} /> : null}
      <g class={`nc-selected-glyph nc-k-${node.kind}${isDenial(node) ? ' nc-denial' : ''}${isFailure(node) ? ' nc-failure' : ''}`} transform={`translate(${x.toFixed(1)},${y})`} data-selected-id={node.id}>
        <circle r={GLYPH_R} />
        <text class="nc-glyph-icon" text-anchor="middle" dy="0.35em">
          {icon.char}
        </text>
      </g>
      <circle class="nc-selected-ring" cx={x} cy={y} r={GLYPH_R + 3} />
    </g>
  );
}

function LaneLabel({ row }: { row: LaneRow }) {
  const b = row.lane.branch;
  const failed = b.status === 'failed' || b.status === 'error';
  return (
    <>
      {row.agentHeading ? (
        <li class="nc-agent-heading" aria-label={`Agent ${row.agentHeading}`}>
          <span class="codicon codicon-robot" aria-hidden="true" /> {row.agentHeading}
        </li>
      ) : null}
      <li class={`nc-lane-label nc-lane-${b.status}`} style={{ paddingLeft: `${4 + Math.min(row.lane.depth, 4) * 6}px` }} title={`${b.label} — ${b.status}${b.sealReason ? `: ${b.sealReason}` : ''}`} data-branch-id={b.id}>
        {failed ? <span class="codicon codicon-error nc-lane-failed-icon" role="img" aria-label={b.status} /> : b.status === 'open' ? <span class="codicon codicon-pulse" role="img" aria-label="running" /> : null}
        <span class="nc-lane-name">{b.label}</span>
      </li>
    </>
  );
}

function describeDag(rows: readonly LaneRow[]): string {
  const parts = rows.map((r) => {
    const b = r.lane.branch;
    const denials = r.lane.nodes.filter(isDenial).length;
    const from = r.lane.forkNode ? `, forked from step ${r.lane.forkNode.seq + 1}` : '';
    return `${b.label} (${b.status}, ${r.lane.nodes.length} steps${denials ? `, ${denials} denied` : ''}${from})`;
  });
  return `Run graph, ${rows.length} lane${rows.length === 1 ? '' : 's'}: ${parts.join('; ')}`;
}

interface LanesProps {
  rows: LaneRow[];
  tracks: Map<string, LaneTrack>;
  warp: TimeWarp;
  x: (d: number) => number;
  /** Changes whenever x changes: the memo's key for the scale. */
  xKey: string;
  width: number;
  onSelect(nodeId: string): void;
}

/** Everything but the playhead: redrawn when the view moves, not when the selection does. */
const Lanes = memo(
  function Lanes({ rows, tracks, warp, x, width, onSelect }: LanesProps) {
    const d0 = (x as unknown as { invert(v: number): number }).invert(0);
    const d1 = (x as unknown as { invert(v: number): number }).invert(width);
    const edges = forkEdges(rows, tracks, warp, x);
    return (
      <g class="nc-lanes">
        {rows.map((r) => {
          const b = r.lane.branch;
          const first = tracks.get(b.id)?.d[0];
          const start = Math.max(0, x(first ?? warp.toDisplay(b.openedAt)));
          const end = Math.min(width, x(warp.toDisplay(b.sealedAt ?? warp.end)));
          return <line key={`l${b.id}`} class={`nc-lane-line nc-lane-line-${b.status}`} x1={start} x2={Math.max(start, end)} y1={r.y} y2={r.y} />;
        })}
        {edges.map((e) => (
          <path key={`e${e.branchId}`} class={`nc-fork-edge${e.failed ? ' nc-fork-edge-failed' : ''}`} d={e.path} data-branch-id={e.branchId} />
        ))}
        {rows.map((r) =>
          r.lane.nodes
            .filter((n) => n.kind === 'agent_turn' && n.endTime !== null)
            .map((n) => {
              const a = x(warp.toDisplay(n.startTime));
              const z = x(warp.toDisplay(n.endTime!));
              if (z < 0 || a > width) return null;
              return <rect key={`t${n.id}`} class={`nc-turn nc-turn-${n.status}`} x={a} y={r.y - 5} width={Math.max(2, z - a)} height={10} rx={3} onClick={() => onSelect(n.id)} />;
            }),
        )}
        {rows.map((r) => {
          const track = tracks.get(r.lane.branch.id);
          if (!track) return null;
          const spacing = 2 * GLYPH_R + 1;
          // Dots never overlap: closer ones fold into the one drawn (denials, failures and recoveries excepted).
          const glyphs = visibleGlyphs(track, r.y, d0, d1, x, 10, null);
          const showIcons = glyphs.length < 2 || glyphs.every((g, i) => i === 0 || g.x - glyphs[i - 1]!.x >= spacing - 2);
          return glyphs.map((g) => {
            const n = g.node;
            const icon = iconOf(n);
            const denied = isDenial(n);
            const cls = `nc-glyph nc-k-${n.kind} nc-s-${n.status}${denied ? ' nc-denial' : ''}${isFailure(n) ? ' nc-failure' : ''}${isNotable(n) ? ' nc-notable' : ''}${showIcons ? '' : ' nc-dot'}`;
            return (
              <g key={n.id} class={cls} transform={`translate(${g.x.toFixed(1)},${g.y})`} data-node-id={n.id} data-kind={n.kind} onClick={() => onSelect(n.id)}>
                {denied ? <line class="nc-denial-mark" x1={0} x2={0} y1={-LANE_MARK} y2={LANE_MARK} /> : null}
                <circle r={showIcons ? GLYPH_R : denied || isFailure(n) ? 5.5 : 4} />
                {showIcons ? (
                  <text class="nc-glyph-icon" text-anchor="middle" dy="0.35em">
                    {icon.char}
                  </text>
                ) : null}
                <title>{`${icon.label}${g.count > 1 ? ` (+${g.count - 1} nearby)` : ''}: ${n.name}`}</title>
              </g>
            );
          });
        })}
      </g>
    );
  },
  (a, b) => a.rows === b.rows && a.tracks === b.tracks && a.warp === b.warp && a.xKey === b.xKey && a.width === b.width && a.onSelect === b.onSelect,
);

const LANE_MARK = 12;

