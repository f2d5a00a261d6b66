/**
 * The player: the DAG, its minimap and the scrubber over one shared time
 * scale, the keyboard (←/→ step, Shift for 10, Home/End, Space plays, [ and ]
 * jump between denials) and playback. It owns the view (zoom, pan) and moves
 * only the selection; every pane re-renders from the model and the selection.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Node } from '../../../src/core/model/types';
import { laneRows, laneTracks } from '../model/dagLayout';
import type { JumpTarget, RunModel } from '../model/runModel';
import { JUMP_TARGETS, isDenial } from '../model/runModel';
import { buildTimeWarp, clampTransform, IDENTITY, keepInView, pixelScale, type ZoomTransform } from '../model/timeAxis';
import { useElementWidth } from '../hooks/useElementWidth';
import { usePlayback } from '../hooks/usePlayback';
import { DagView } from './DagView';
import { Minimap } from './Minimap';
import { Scrubber } from './Scrubber';

interface Props {
  model: RunModel;
  hidden: ReadonlySet<string>;
  selectedId: string | null;
  speed: number;
  compress: boolean;
  live: boolean;
  following: boolean;
  onSelect(nodeId: string, opts?: { follow?: boolean }): void;
  onSpeed(s: number): void;
  onCompress(c: boolean): void;
  onFollow(): void;
}

export function Player(p: Props) {
  const [ref, width] = useElementWidth<HTMLDivElement>(300);
  const [transform, setTransform] = useState<ZoomTransform>(IDENTITY);
  const [target, setTarget] = useState<JumpTarget>('denial');
  const { model, hidden } = p;

  const warp = useMemo(() => {
    const times: number[] = [];
    for (const n of model.order) times.push(n.startTime);
    return buildTimeWarp(times, { compress: p.compress });
  }, [model, p.compress]);
  const tracks = useMemo(() => laneTracks(model.lanes, warp), [model, warp]);
  const rows = useMemo(() => laneRows(model.lanes, hidden, model.agents.length > 1), [model, hidden]);
  const order = useMemo(() => model.visibleOrder(hidden), [model, hidden]);
  const labelWidth = Math.round(Math.min(120, Math.max(64, width * 0.28)));
  const plotWidth = Math.max(40, width - labelWidth);
  const maxZoom = Math.max(4, order.length / 3);
  const x = useMemo(() => pixelScale(warp, plotWidth, transform), [warp, plotWidth, transform]);

  const selected = p.selectedId ? (model.byId.get(p.selectedId) ?? null) : null;
  const indexOf = useMemo(() => new Map(order.map((n, i) => [n.id, i])), [order]);
  const index = selected ? (indexOf.get(selected.id) ?? -1) : -1;
  const denials = useMemo(() => order.filter(isDenial), [order]);

  const select = useCallback((n: Node | null, follow = false) => n && p.onSelect(n.id, { follow }), [p.onSelect]);
  const next = useCallback((n: Node | null) => (n ? model.step(n.id, 1, hidden) : model.first(hidden)), [model, hidden]);
  const playback = usePlayback({ current: selected, next, select: (n) => select(n), warp, speed: p.speed });
  // Stable, so the drawn lanes (memoised) do not redraw when only the selection changes.
  const latest = useRef({ stop: playback.stop, onSelect: p.onSelect });
  latest.current = { stop: playback.stop, onSelect: p.onSelect };
  const onGlyph = useCallback((id: string) => {
    latest.current.stop();
    latest.current.onSelect(id);
  }, []);

  // The view follows the playhead: a step moved out of view pans it back in.
  useEffect(() => {
    if (!selected) return;
    const px = x(warp.toDisplay(selected.startTime));
    const t = keepInView(transform, px, plotWidth);
    if (t !== transform) setTransform(clampTransform(t, plotWidth, maxZoom));
  }, [selected?.id, plotWidth]);

  const counts = useMemo(() => Object.fromEntries(JUMP_TARGETS.map((t) => [t, model.count(t, hidden)])) as Record<JumpTarget, number>, [model, hidden]);
  const onStep = (delta: number) => {
    playback.stop();
    select(model.step(p.selectedId, delta, hidden));
  };
  const onJump = (dir: 1 | -1, t: JumpTarget = target) => {
    playback.stop();
    select(model.jump(p.selectedId, dir, t, hidden));
  };
  const onZoom = (f: number | 'fit') => {
    if (f === 'fit') return setTransform(IDENTITY);
    // Zoom around the playhead (or the middle).
    const cx = selected ? x(warp.toDisplay(selected.startTime)) : plotWidth / 2;
    const k = Math.min(maxZoom, Math.max(1, transform.k * f));
    setTransform(clampTransform({ k, x: cx - ((cx - transform.x) * k) / transform.k }, plotWidth, maxZoom));
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const el = e.target as HTMLElement;
    const inControl = /^(BUTTON|SELECT|INPUT|TEXTAREA)$/.test(el.tagName);
    if (e.altKey || e.metaKey || e.ctrlKey) return;
    switch (e.key) {
      case 'ArrowRight':
      case 'ArrowLeft':
        if (el.tagName === 'SELECT' || el.tagName === 'INPUT') return;
        onStep((e.key === 'ArrowRight' ? 1 : -1) * (e.shiftKey ? 10 : 1));
        break;
      case 'Home':
        playback.stop();
        select(model.first(hidden));
        break;
      case 'End':
        playback.stop();
        select(model.last(hidden), p.live);
        break;
      case ' ':
        if (inControl) return; // a focused button handles Space itself
        playback.toggle();
        break;
      case '[':
        onJump(-1, 'denial');
        break;
      case ']':
        onJump(1, 'denial');
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const moveView = (t: ZoomTransform) => setTransform(clampTransform(t, plotWidth, maxZoom));
  const lane = selected ? model.laneOf.get(selected.branchId) : undefined;
  const showMinimap = transform.k > 1.01 || order.length > 80;
  return (
    <section class="nc-player" ref={ref} aria-label="Replay: the run's steps over time">
      <DagView
        model={model}
        rows={rows}
        warp={warp}
        tracks={tracks}
        labelWidth={labelWidth}
        plotWidth={plotWidth}
        transform={transform}
        maxZoom={maxZoom}
        onTransform={moveView}
        selectedId={p.selectedId}
        onSelect={onGlyph}
      />
      {showMinimap ? (
        <div class="nc-minimap-row" style={{ marginLeft: `${labelWidth}px` }}>
          <Minimap rows={rows} tracks={tracks} warp={warp} width={plotWidth} transform={transform} onTransform={moveView} />
        </div>
      ) : null}
      <Scrubber
        order={order}
        denials={denials}
        index={index}
        selected={selected}
        warp={warp}
        x={x}
        plotWidth={plotWidth}
        labelWidth={labelWidth}
        playing={playback.playing}
        speed={p.speed}
        compress={p.compress}
        target={target}
        counts={counts}
        branchLabel={lane?.branch.label ?? null}
        live={p.live}
        following={p.following}
        onKeyDown={onKeyDown}
        onScrub={onGlyph}
        onPlay={playback.toggle}
        onStep={onStep}
        onJump={onJump}
        onTarget={setTarget}
        onSpeed={p.onSpeed}
        onCompress={p.onCompress}
        onZoom={onZoom}
        onFollow={p.onFollow}
      />
    </section>
  );
}
