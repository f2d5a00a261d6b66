/**
 * Time-to-pixel maths for the DAG and the scrubber (pure).
 *
 * A run's time has long idle stretches (the agent starting up, model latency)
 * between bursts of steps a few milliseconds apart. The time warp maps real
 * time to "display time": piecewise linear through every event time, each
 * gap kept as it is, or, with compression on, any gap longer than `maxGapMs`
 * drawn as `maxGapMs` (and listed, so the axis can mark the break) and any
 * gap shorter than `minGapMs` drawn that long, so steps a millisecond apart
 * do not sit on top of each other. A d3
 * linear scale then maps display time to pixels, under the zoom's transform.
 *
 *   const warp = buildTimeWarp(times, { compress: true });
 *   const x = pixelScale(warp, width, { k: 2, x: -100 });
 *   x(warp.toDisplay(node.startTime));      // where a node sits
 *   warp.toTime(x.invert(px));              // what time a pixel is
 */
import { scaleLinear, type ScaleLinear } from 'd3';

export interface TimeWarp {
  /** Real ms -> display ms from the first event (monotonic). */
  toDisplay(t: number): number;
  /** Display ms -> real ms. */
  toTime(d: number): number;
  /** Display length of the whole run, ms. */
  length: number;
  start: number;
  end: number;
  /** The gaps drawn shorter than they were: display position, and real duration. */
  breaks: Array<{ at: number; realMs: number }>;
}

export const DEFAULT_MAX_GAP_MS = 1500;
export const DEFAULT_MIN_GAP_MS = 400;

export function buildTimeWarp(times: readonly number[], opts: { compress: boolean; maxGapMs?: number; minGapMs?: number }): TimeWarp {
  const maxGap = opts.maxGapMs ?? DEFAULT_MAX_GAP_MS;
  const minGap = opts.compress ? Math.min(maxGap, opts.minGapMs ?? DEFAULT_MIN_GAP_MS) : 0;
  const sorted = [...new Set(times.filter((t) => Number.isFinite(t)))].sort((a, b) => a - b);
  if (sorted.length === 0) sorted.push(0);
  const real: number[] = [sorted[0]!];
  const disp: number[] = [0];
  const breaks: TimeWarp['breaks'] = [];
  for (let i = 1; i < sorted.length; i++) {
    const gap = sorted[i]! - sorted[i - 1]!;
    const shown = opts.compress ? Math.max(minGap, Math.min(maxGap, gap)) : gap;
    if (shown < gap && gap > maxGap) breaks.push({ at: disp[disp.length - 1]! + shown / 2, realMs: gap });
    real.push(sorted[i]!);
    disp.push(disp[disp.length - 1]! + shown);
  }
  const interp = (xs: number[], ys: number[], v: number): number => {
    if (v <= xs[0]!) return ys[0]! + (v - xs[0]!);
    const last = xs.length - 1;
    if (v >= xs[last]!) return ys[last]! + (v - xs[last]!);
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (xs[mid]! <= v) lo = mid;
      else hi = mid;
    }
    const x0 = xs[lo]!;
    const x1 = xs[hi]!;
    return x1 === x0 ? ys[lo]! : ys[lo]! + ((v - x0) / (x1 - x0)) * (ys[hi]! - ys[lo]!);
  };
  return {
    toDisplay: (t) => interp(real, disp, t),
    toTime: (d) => interp(disp, real, d),
    length: disp[disp.length - 1]!,
    start: real[0]!,
    end: real[real.length - 1]!,
    breaks,
  };
}

export interface ZoomTransform {
  /** Scale factor (1 = the whole run fits the width). */
  k: number;
  /** Horizontal offset in pixels. */
  x: number;
}

export const IDENTITY: ZoomTransform = { k: 1, x: 0 };

/** Display ms -> pixels for a viewport `width` wide, with `pad` pixels kept free at both ends. */
export function pixelScale(warp: Pick<TimeWarp, 'length'>, width: number, t: ZoomTransform = IDENTITY, pad = 10): ScaleLinear<number, number> {
  const inner = Math.max(1, width - 2 * pad);
  return scaleLinear()
    .domain([0, Math.max(1, warp.length)])
    .range([pad * t.k + t.x, pad * t.k + t.x + inner * t.k]);
}

/** The transform that keeps pixel `px` (at display time) inside [margin, width - margin], moving as little as possible. */
export function keepInView(t: ZoomTransform, px: number, width: number, margin = 24): ZoomTransform {
  if (px < margin) return { ...t, x: t.x + (margin - px) };
  if (px > width - margin) return { ...t, x: t.x - (px - (width - margin)) };
  return t;
}

/** Clamps a transform so the run never leaves the viewport entirely (pan stops at its ends). */
export function clampTransform(t: ZoomTransform, width: number, maxK: number): ZoomTransform {
  const k = Math.min(maxK, Math.max(1, t.k));
  const minX = width - width * k;
  return { k, x: Math.min(0, Math.max(minX, t.x)) };
}

/** "0:37.4": a time since the run started, to a tenth of a second (the step header, the readout). */
export function formatClock(ms: number): string {
  const t = Math.max(0, ms) / 1000;
  const m = Math.floor(t / 60);
  const s = t - m * 60;
  return `${m}:${s < 10 ? '0' : ''}${s.toFixed(1)}`;
}

/** "0:35", "1:02:03", "850 ms": a time since the run started. */
export function formatOffset(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

/**
 * Axis ticks in real time (seconds since the run started), placed through the
 * warp: about one every `spacingPx`, never two closer than half of it.
 */
export function axisTicks(warp: TimeWarp, x: ScaleLinear<number, number>, width: number, spacingPx = 70): Array<{ px: number; label: string }> {
  const [d0, d1] = [x.invert(0), x.invert(width)];
  const n = Math.max(2, Math.floor(width / spacingPx));
  const ticks: Array<{ px: number; label: string }> = [];
  let lastPx = -Infinity;
  for (let i = 0; i <= n; i++) {
    const d = d0 + ((d1 - d0) * i) / n;
    if (d < 0 || d > warp.length) continue;
    const px = x(d);
    if (px - lastPx < spacingPx / 2) continue;
    const label = formatOffset(warp.toTime(d) - warp.start);
    // Inside a compressed gap two ticks can name the same second: one label is enough.
    if (ticks.length && ticks[ticks.length - 1]!.label === label) continue;
    lastPx = px;
    ticks.push({ px, label });
  }
  return ticks;
}
