/**
 * Which lines of the new text were written by a change: Myers' O((N+M)·D)
 * diff over lines, returning the inserted line ranges of the new text
 * (1-based, inclusive). Used to attribute edited lines to the tool call that
 * wrote them (gutter markers). `lineEdits` gives the whole edit script (kept,
 * inserted and deleted lines) from the same trace, for diff excerpts.
 */

export type LineRange = [number, number];

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

interface Unmatched {
  /** Indexes (0-based) of lines of `b` not matched to lines of `a`. */
  inserted: Set<number>;
  /** Indexes (0-based) of lines of `a` not matched to lines of `b`. */
  deleted: Set<number>;
}

/** Myers' shortest edit script between `a` and `b`, or null beyond `maxD` edits. */
function unmatchedLines(a: string[], b: string[], maxD: number): Unmatched | null {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxD);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)) x = v[offset + k + 1]!;
      else x = v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, offset, n, m, d);
    }
  }
  return null;
}

function backtrack(trace: Int32Array[], offset: number, n: number, m: number, dEnd: number): Unmatched {
  const inserted = new Set<number>();
  const deleted = new Set<number>();
  let x = n;
  let y = m;
  for (let d = dEnd; d > 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = v[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
    }
    if (prevK === k + 1) inserted.add(prevY); // a step down: line prevY of b was inserted
    else deleted.add(prevX); // a step right: line prevX of a was deleted
    x = prevX;
    y = prevY;
  }
  return { inserted, deleted };
}

function toRanges(indexes: Iterable<number>): LineRange[] {
  const sorted = [...indexes].sort((p, q) => p - q);
  const out: LineRange[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && last[1] === i) last[1] = i + 1;
    else out.push([i + 1, i + 1]);
  }
  return out;
}

/**
 * Inserted/changed line ranges of `after` relative to `before`. When the
 * edit distance is huge (> maxEdits) the whole new file is attributed.
 */
export function changedLineRanges(before: string, after: string, maxEdits = 20000): LineRange[] {
  const a = splitLines(before);
  const b = splitLines(after);
  if (b.length === 0) return [];
  const unmatched = unmatchedLines(a, b, maxEdits);
  if (!unmatched) return [[1, b.length]];
  return toRanges(unmatched.inserted);
}

/** One line of an edit script: kept (`=`), inserted (`+`) or deleted (`-`); line numbers are 1-based. */
export type LineEdit =
  | { op: '='; text: string; oldLine: number; newLine: number }
  | { op: '+'; text: string; newLine: number }
  | { op: '-'; text: string; oldLine: number };

/**
 * The edit script turning `before` into `after`, deletions before insertions
 * at each change. Beyond `maxEdits` edits, every old line is deleted and every
 * new line inserted (still a correct script, just not the shortest).
 */
export function lineEdits(before: string, after: string, maxEdits = 20000): LineEdit[] {
  const a = splitLines(before);
  const b = splitLines(after);
  const u = unmatchedLines(a, b, maxEdits) ?? { deleted: new Set(a.keys()), inserted: new Set(b.keys()) };
  const out: LineEdit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && u.deleted.has(i)) {
      out.push({ op: '-', text: a[i]!, oldLine: i + 1 });
      i++;
    } else if (j < b.length && u.inserted.has(j)) {
      out.push({ op: '+', text: b[j]!, newLine: j + 1 });
      j++;
    } else {
      out.push({ op: '=', text: b[j]!, oldLine: i + 1, newLine: j + 1 });
      i++;
      j++;
    }
  }
  return out;
}
