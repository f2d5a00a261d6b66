/**
 * Which lines of the new text were written by a change: the lines of the new
 * text that a line diff (Myers', after trimming the common prefix and suffix;
 * see currentLines.ts) does not match to the old text, as 1-based inclusive
 * ranges. Used to attribute edited lines to the tool call that wrote them
 * (gutter markers). `lineEdits` gives the whole edit script (kept, inserted
 * and deleted lines) from the same matching, for diff excerpts.
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

/** One line of an edit script: kept (`=`), inserted (`+`) or deleted (`-`); line numbers are 1-based. */
export type LineEdit =
  | { op: '='; text: string; oldLine: number; newLine: number }
  | { op: '+'; text: string; newLine: number }
  | { op: '-'; text: string; oldLine: number };

/** The edit script turning `before` into `after` (the same line matching as above), deletions before insertions at each change. */
export function lineEdits(before: string, after: string): LineEdit[] {
  const a = splitLines(before);
  const b = splitLines(after);
  const map = matchLines(a, b);
  // For each line of `after`, the old line the next kept line matches (a.length when none follows).
  const nextKept = new Int32Array(b.length + 1).fill(a.length);
  for (let j = b.length - 1; j >= 0; j--) nextKept[j] = map[j]! === -1 ? nextKept[j + 1]! : map[j]!;
  const out: LineEdit[] = [];
  let i = 0;
  for (let j = 0; j < b.length; j++) {
    for (; i < nextKept[j]!; i++) out.push({ op: '-', text: a[i]!, oldLine: i + 1 });
    const m = map[j]!;
    if (m === -1) out.push({ op: '+', text: b[j]!, newLine: j + 1 });
    else {
      out.push({ op: '=', text: b[j]!, oldLine: m + 1, newLine: j + 1 });
      i = m + 1;
    }
  }
  for (; i < a.length; i++) out.push({ op: '-', text: a[i]!, oldLine: i + 1 });
  return out;
}
