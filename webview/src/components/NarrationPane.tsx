/**
 * The run's story: recorded decisions, recoveries and seals, plus the live
 * narration while it runs. It follows the playhead: the line at the selected
 * step is marked and scrolled into view; while a live run is followed, new
 * lines stream in at the bottom.
 */
import { memo } from './memo';
import { useEffect, useRef } from 'preact/hooks';
import type { NarrationLine } from '../../../src/protocol/replay';
import { formatTime } from '../model/format';

/** The index of the last line at or before `at` (the playhead's time), or -1. */
export function lineAt(lines: readonly NarrationLine[], at: number | null): number {
  if (at === null) return -1;
  let found = -1;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.at <= at) found = i;
    else break;
  }
  return found;
}

const Line = memo(
  ({ l, state }: { l: NarrationLine; state: 'current' | 'later' | 'past' }) => (
    <li class={state === 'current' ? 'nc-current' : state === 'later' ? 'nc-later' : ''} aria-current={state === 'current' ? 'step' : undefined}>
      <span class="nc-muted nc-time">{formatTime(l.at)}</span> {l.text}
    </li>
  ),
  (a, b) => a.l === b.l && a.state === b.state,
);

export function NarrationPane({ lines, at, streaming }: { lines: NarrationLine[]; at: number | null; streaming: boolean }) {
  const ref = useRef<HTMLOListElement>(null);
  const current = streaming ? lines.length - 1 : lineAt(lines, at);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (streaming) el.scrollTop = el.scrollHeight;
    else el.querySelector<HTMLElement>('.nc-current')?.scrollIntoView({ block: 'nearest' });
  }, [lines, current, streaming]);
  if (lines.length === 0) return <p class="nc-muted nc-pad">Nothing to narrate yet: policy decisions, recoveries and branch outcomes appear here as the run records them.</p>;
  return (
    <ol class="nc-narration" ref={ref} aria-live={streaming ? 'polite' : 'off'} aria-label="Narration">
      {lines.map((l, i) => (
        <Line key={i} l={l} state={i === current ? 'current' : i > current && !streaming && current >= 0 ? 'later' : 'past'} />
      ))}
    </ol>
  );
}
