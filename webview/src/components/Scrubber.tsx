/**
 * The video-style scrubber under the DAG: a time axis with real durations
 * (idle gaps drawn short when compressed, marked ≈), denial marks, and the
 * playhead as a slider (←/→ step, Home/End, Space plays, [ and ] jump between
 * denials: see Player); controls to play and pause, change speed, step, jump
 * to the previous or next denial, failure, recovery or branch end, compress
 * gaps and zoom. Every control has a label and a visible focus ring.
 */
import { memo } from './memo';
import type { Node } from '../../../src/core/model/types';
import { SPEEDS } from '../../../src/protocol/replay';
import { JUMP_TARGETS, type JumpTarget } from '../model/runModel';
import { axisTicks, formatClock, formatOffset, type TimeWarp } from '../model/timeAxis';
import type { ScaleLinear } from 'd3';

const TARGET_WORDS: Record<JumpTarget, [string, string]> = {
  denial: ['denial', 'denials'],
  failure: ['failure', 'failures'],
  recovery: ['recovery', 'recoveries'],
  branchEnd: ['branch end', 'branch ends'],
};

export interface ScrubberProps {
  order: Node[];
  denials: Node[];
  index: number;
  selected: Node | null;
  warp: TimeWarp;
  x: ScaleLinear<number, number>;
  plotWidth: number;
  labelWidth: number;
  playing: boolean;
  speed: number;
  compress: boolean;
  target: JumpTarget;
  counts: Record<JumpTarget, number>;
  branchLabel: string | null;
  live: boolean;
  following: boolean;
  onKeyDown(e: KeyboardEvent): void;
  onScrub(nodeId: string): void;
  onPlay(): void;
  onStep(delta: number): void;
  onJump(dir: 1 | -1): void;
  onTarget(t: JumpTarget): void;
  onSpeed(s: number): void;
  onCompress(c: boolean): void;
  onZoom(factor: number | 'fit'): void;
  onFollow(): void;
}

const AXIS_H = 30;

function nearest(order: Node[], warp: TimeWarp, x: ScaleLinear<number, number>, px: number): Node | null {
  const d = x.invert(px);
  let best: Node | null = null;
  let bestDist = Infinity;
  // order is by start time, so display time is ascending: binary search then look at the neighbours.
  let lo = 0;
  let hi = order.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (warp.toDisplay(order[mid]!.startTime) < d) lo = mid + 1;
    else hi = mid;
  }
  for (const i of [lo - 1, lo, lo + 1]) {
    const n = order[i];
    if (!n) continue;
    const dist = Math.abs(warp.toDisplay(n.startTime) - d);
    if (dist < bestDist) {
      best = n;
      bestDist = dist;
    }
  }
  return best;
}

/** Break marks (≈) in view, never closer than 14 px: the longest gap of a cluster is the one marked. */
function visibleBreaks(warp: TimeWarp, x: ScaleLinear<number, number>, width: number): TimeWarp['breaks'] {
  const out: TimeWarp['breaks'] = [];
  for (const b of warp.breaks) {
    const bx = x(b.at);
    if (bx < 0 || bx > width) continue;
    const last = out[out.length - 1];
    if (last && bx - x(last.at) < 14) {
      if (b.realMs > last.realMs) out[out.length - 1] = b;
      continue;
    }
    out.push(b);
  }
  return out;
}

export function Scrubber(p: ScrubberProps) {
  const total = p.order.length;
  const selX = p.selected ? p.x(p.warp.toDisplay(p.selected.startTime)) : null;
  const sinceStart = p.selected ? formatClock(p.selected.startTime - p.warp.start) : '—';
  const valueText = p.selected ? `Step ${p.index + 1} of ${total}, ${sinceStart}: ${p.selected.name}${p.branchLabel ? ` (${p.branchLabel})` : ''}` : 'No step selected';
  const words = TARGET_WORDS[p.target];
  const scrub = (e: PointerEvent) => {
    const rect = (e.currentTarget as Element).getBoundingClientRect();
    const n = nearest(p.order, p.warp, p.x, e.clientX - rect.left);
    if (n) p.onScrub(n.id);
  };
  return (
    <div class="nc-scrubber">
      <div
        class="nc-axis"
        style={{ marginLeft: `${p.labelWidth}px`, width: `${p.plotWidth}px` }}
        role="slider"
        tabIndex={0}
        aria-label="Playhead: the selected step"
        aria-valuemin={total ? 1 : 0}
        aria-valuemax={total}
        aria-valuenow={p.index + 1}
        aria-valuetext={valueText}
        aria-keyshortcuts="ArrowLeft ArrowRight Home End Space [ ]"
        onKeyDown={p.onKeyDown}
        onPointerDown={(e) => {
          (e.currentTarget as Element).setPointerCapture(e.pointerId);
          scrub(e);
        }}
        onPointerMove={(e) => (e.buttons & 1 ? scrub(e) : undefined)}
      >
        <svg width={p.plotWidth} height={AXIS_H} aria-hidden="true">
          <AxisMarks warp={p.warp} x={p.x} width={p.plotWidth} compress={p.compress} denials={p.denials} />
          {selX !== null ? (
            <g class="nc-axis-playhead" transform={`translate(${selX.toFixed(1)},0)`}>
              <line y1={0} y2={20} />
              <path d="M-6,0 L6,0 L0,8 Z" />
            </g>
          ) : null}
        </svg>
      </div>
      <div class="nc-controls" role="toolbar" aria-label="Playback" onKeyDown={p.onKeyDown}>
        <IconButton icon="debug-reverse-continue" label={`Previous ${words[0]}`} disabled={!p.counts[p.target]} onClick={() => p.onJump(-1)} />
        <IconButton icon="debug-step-back" label="Step back (←)" onClick={() => p.onStep(-1)} />
        <IconButton icon={p.playing ? 'debug-pause' : 'play'} label={p.playing ? 'Pause (Space)' : 'Play (Space)'} onClick={p.onPlay} primary />
        <IconButton icon="debug-step-over" label="Step forward (→)" onClick={() => p.onStep(1)} />
        <IconButton icon="debug-continue" label={`Next ${words[0]}`} disabled={!p.counts[p.target]} onClick={() => p.onJump(1)} />
        <select class="nc-select" aria-label="Jump to" value={p.target} onChange={(e) => p.onTarget((e.currentTarget as HTMLSelectElement).value as JumpTarget)}>
          {JUMP_TARGETS.map((t) => (
            <option key={t} value={t}>{`${TARGET_WORDS[t][1]} (${p.counts[t]})`}</option>
          ))}
        </select>
        <select class="nc-select" aria-label="Playback speed" value={String(p.speed)} onChange={(e) => p.onSpeed(Number((e.currentTarget as HTMLSelectElement).value))}>
          {SPEEDS.map((s) => (
            <option key={s} value={String(s)}>{`${s}×`}</option>
          ))}
        </select>
        <IconButton icon={p.compress ? 'fold' : 'unfold'} label={p.compress ? 'Idle gaps drawn short: show real durations' : 'Real durations: draw idle gaps short'} pressed={p.compress} onClick={() => p.onCompress(!p.compress)} />
        <IconButton icon="zoom-out" label="Zoom out" onClick={() => p.onZoom(0.5)} />
        <IconButton icon="zoom-in" label="Zoom in (Ctrl+wheel on the graph)" onClick={() => p.onZoom(2)} />
        <IconButton icon="screen-normal" label="Fit the whole run" onClick={() => p.onZoom('fit')} />
        {p.live ? <IconButton icon="pin" label={p.following ? 'Following the newest step' : 'Follow the newest step'} pressed={p.following} onClick={p.onFollow} /> : null}
        <span class="nc-readout" aria-hidden="true">
          {total ? `${p.index + 1} / ${total}` : '0 / 0'} · {sinceStart}
        </span>
      </div>
    </div>
  );
}

interface AxisMarksProps {
  warp: TimeWarp;
  x: ScaleLinear<number, number>;
  width: number;
  compress: boolean;
  denials: Node[];
}

/** The axis's ticks, gap breaks and denial marks: redrawn when the view moves, not when the playhead does. */
const AxisMarks = memo(
  function AxisMarks({ warp, x, width, compress, denials }: AxisMarksProps) {
    const ticks = axisTicks(warp, x, width);
    const breaks = compress ? visibleBreaks(warp, x, width) : [];
    return (
      <g>
        <line class="nc-axis-line" x1={0} x2={width} y1={10} y2={10} />
        {ticks.map((t) => (
          <g key={t.px} transform={`translate(${t.px.toFixed(1)},0)`}>
            <line class="nc-axis-tick" y1={6} y2={14} />
            <text class="nc-axis-label" y={26} text-anchor="middle">
              {t.label}
            </text>
          </g>
        ))}
        {breaks.map((b) => (
          <text key={b.at} class="nc-axis-break" x={x(b.at)} y={14} text-anchor="middle">
            <title>{`${formatOffset(b.realMs)} idle, drawn short`}</title>≈
          </text>
        ))}
        {denials.map((n) => {
          const dx = x(warp.toDisplay(n.startTime));
          return dx < 0 || dx > width ? null : <rect key={n.id} class="nc-axis-denial" x={dx - 1.5} y={2} width={3} height={16} />;
        })}
      </g>
    );
  },
  (a, b) => a.warp === b.warp && a.x === b.x && a.width === b.width && a.compress === b.compress && a.denials === b.denials,
);

export function IconButton(p: { icon: string; label: string; onClick(): void; disabled?: boolean; pressed?: boolean; primary?: boolean }) {
  return (
    <button
      type="button"
      class={`nc-icon-btn${p.primary ? ' nc-primary' : ''}`}
      aria-label={p.label}
      title={p.label}
      disabled={p.disabled}
      aria-pressed={p.pressed === undefined ? undefined : p.pressed}
      onClick={p.onClick}
    >
      <span class={`codicon codicon-${p.icon}`} aria-hidden="true" />
    </button>
  );
}
