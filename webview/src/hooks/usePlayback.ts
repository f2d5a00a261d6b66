/**
 * Playback (play, pause, speed): a small hook that only moves the selection.
 * While playing, after each step it waits the step's gap as drawn on the axis
 * (so compressing idle gaps also shortens their wait), divided by the speed
 * and clamped, then selects the next step; at the last step it stops.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Node } from '../../../src/core/model/types';
import type { TimeWarp } from '../model/timeAxis';

export const MIN_STEP_MS = 60;
export const MAX_STEP_MS = 2500;

/** How long the playhead stays on `cur` before moving to `next` (pure). */
export function stepDelay(cur: Node, next: Node, warp: Pick<TimeWarp, 'toDisplay'>, speed: number): number {
  const gap = Math.max(0, warp.toDisplay(next.startTime) - warp.toDisplay(cur.startTime));
  return Math.min(MAX_STEP_MS, Math.max(MIN_STEP_MS * 4, gap)) / Math.max(0.25, speed);
}

export interface Playback {
  playing: boolean;
  toggle(): void;
  stop(): void;
}

export function usePlayback(opts: { current: Node | null; next: (n: Node | null) => Node | null; select(n: Node): void; warp: TimeWarp; speed: number }): Playback {
  const [playing, setPlaying] = useState(false);
  const o = useRef(opts);
  o.current = opts;
  useEffect(() => {
    if (!playing) return;
    const { current, next, warp, speed } = o.current;
    const target = next(current);
    if (!target || target.id === current?.id) {
      setPlaying(false);
      return;
    }
    const t = setTimeout(() => o.current.select(target), current ? stepDelay(current, target, warp, speed) : 0);
    return () => clearTimeout(t);
  }, [playing, opts.current?.id, opts.speed]);
  return {
    playing,
    toggle: () => {
      // Play from the start when the playhead is at the end.
      if (!playing && opts.current && opts.next(opts.current)?.id === opts.current.id) {
        const first = opts.next(null);
        if (first) opts.select(first);
      }
      setPlaying((p) => !p);
    },
    stop: () => setPlaying(false),
  };
}
