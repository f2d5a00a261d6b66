/**
 * Which lines of the new text were written by a change: the lines of the new
 * text that a line diff (Myers', after trimming the common prefix and suffix;
 * see currentLines.ts) does not match to the old text, as 1-based inclusive
 * ranges. Used to attribute edited lines to the tool call that wrote them
 * (gutter markers).
 */
import { matchLines, splitLines, type LineRange } from './currentLines';

export type { LineRange };

function toRanges(indexes: Iterable<number>): LineRange[] {
  const out: LineRange[] = [];
  for (const i of indexes) {
    const last = out[out.length - 1];
    if (last && last[1] === i) last[1] = i + 1;
    else out.push([i + 1, i + 1]);
  }
  return out;
}

/** Inserted/changed line ranges of `after` relative to `before`. */
export function changedLineRanges(before: string, after: string): LineRange[] {
  const b = splitLines(after);
  if (b.length === 0) return [];
  const map = matchLines(splitLines(before), b);
  const inserted: number[] = [];
  for (let j = 0; j < b.length; j++) if (map[j] === -1) inserted.push(j);
  return toRanges(inserted);
}
