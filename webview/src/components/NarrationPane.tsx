/** The run's story: recorded decisions, recoveries and seals, plus live narration while it runs; sticks to the bottom unless the user scrolled up. */
import { useEffect, useRef } from 'preact/hooks';
import type { NarrationLine } from '../../../src/protocol/replay';
import { formatTime } from '../model/format';

export function NarrationPane({ lines }: { lines: NarrationLine[] }) {
  const ref = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lines]);
  if (lines.length === 0) return <p class="nc-muted nc-pad">Nothing to narrate yet: policy decisions, recoveries and branch outcomes appear here as the run records them.</p>;
  return (
    <ol
      class="nc-narration"
      ref={ref}
      aria-live="polite"
      aria-label="Narration"
      onScroll={(e) => {
        const el = e.currentTarget as HTMLElement;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {lines.map((l, i) => (
        <li key={i}>
          <span class="nc-muted">{formatTime(l.at)}</span> {l.text}
        </li>
      ))}
    </ol>
  );
}
