/**
 * Which lines of the new text were written by a change: Myers' O((N+M)·D)
 * diff over lines, returning the inserted line ranges of the new text
 * (1-based, inclusive). Used to attribute edited lines to the tool call that
 * wrote them (gutter markers).
 */

export type LineRange = [number, number];

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Indexes (0-based) of lines of `b` that are not matched to lines of `a`. */
function insertedIndexes(a: string[], b: string[], maxD: number): Set<number> | null {
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

function backtrack(trace: Int32Array[], offset: number, n: number, m: number, dEnd: number): Set<number> {
  const inserted = new Set<number>();
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
    x = prevX;
    y = prevY;
  }
  return inserted;
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
  const inserted = insertedIndexes(a, b, maxEdits);
  if (!inserted) return [[1, b.length]];
  return toRanges(inserted);
}
