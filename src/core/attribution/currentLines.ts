/**
 * Which lines of a file's *current* text are still what an agent step wrote
 * (pure). The store records "node N wrote lines s..e" in the coordinates of
 * the file right after N; later steps and the user move and change lines. So
 * ownership is carried forward like a blame: through each step's version of
 * the file (lines a later version keeps unchanged keep their writer; lines a
 * step wrote get it), then from the last version to the text in the editor.
 * A line keeps a marker only if it is matched unchanged all the way, so a
 * marker never sits on a line whose text the step did not write.
 *
 * Line matching is a Myers diff (common prefix and suffix trimmed first);
 * when the remaining edit distance is too large for its budget, only lines
 * unique on both sides are matched (in order): fewer markers, never a wrong one.
 */

export type LineRange = [number, number];

export interface StepWrite {
  nodeId: string;
  /** 1-based inclusive ranges the step wrote, in the coordinates of `after`. */
  ranges: readonly LineRange[];
  /** The file's text right after the step; undefined when it is gone or unreadable (ownership resets). */
  after: string | undefined;
}

export interface LineOwners {
  lines: string[];
  owners: Array<string | null>;
}

export interface LineMarker {
  startLine: number;
  endLine: number;
  nodeId: string;
}

export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** Myers' work budget: (n + m) * D cells of trace. */
const MAX_TRACE_CELLS = 40_000_000;

/** For each line of `b`, the index of the equal line of `a` it is matched to, or -1. Matches are in order. */
export function matchLines(a: readonly string[], b: readonly string[]): Int32Array {
  const map = new Int32Array(b.length).fill(-1);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) {
    map[pre] = pre;
    pre++;
  }
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) {
    map[b.length - 1 - suf] = a.length - 1 - suf;
    suf++;
  }
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  if (am.length === 0 || bm.length === 0) return map;
  const pairs = myers(am, bm) ?? uniqueAnchors(am, bm);
  for (const [i, j] of pairs) map[pre + j] = pre + i;
  return map;
}

function myers(a: readonly string[], b: readonly string[]): Array<[number, number]> | null {
  const n = a.length;
  const m = b.length;
  const maxD = Math.min(n + m, Math.floor(MAX_TRACE_CELLS / (2 * (n + m) + 3)));
  const offset = maxD + 1;
  const v = new Int32Array(2 * maxD + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= maxD; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
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

function backtrack(trace: Int32Array[], offset: number, n: number, m: number, dEnd: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  let x = n;
  let y = m;
  for (let d = dEnd; d > 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = v[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) pairs.push([--x, --y]);
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) pairs.push([--x, --y]);
  return pairs;
}

/** Lines occurring exactly once on each side, matched in increasing order of both (longest such chain). */
function uniqueAnchors(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  const count = (xs: readonly string[]) => {
    const c = new Map<string, number>();
    xs.forEach((x, i) => c.set(x, c.has(x) ? -1 : i));
    return c;
  };
  const ca = count(a);
  const cb = count(b);
  const cand: Array<[number, number]> = [];
  for (const [line, j] of cb) {
    const i = ca.get(line);
    if (j >= 0 && i !== undefined && i >= 0) cand.push([i, j]);
  }
  cand.sort((p, q) => p[1] - q[1]);
  // Longest increasing subsequence by `i` (patience sorting).
  const tails: number[] = [];
  const prev = new Int32Array(cand.length).fill(-1);
  for (let c = 0; c < cand.length; c++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cand[tails[mid]!]![0] < cand[c]![0]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[c] = tails[lo - 1]!;
    tails[lo] = c;
  }
  const out: Array<[number, number]> = [];
  for (let c = tails.length ? tails[tails.length - 1]! : -1; c >= 0; c = prev[c]!) out.push(cand[c]!);
  return out;
}

/** Carries line ownership through the steps' versions of one file, in write order. */
export function ownersAfterSteps(writes: readonly StepWrite[]): LineOwners {
  let lines: string[] = [];
  let owners: Array<string | null> = [];
  for (const w of writes) {
    if (w.after === undefined) {
      lines = [];
      owners = [];
      continue;
    }
    const next = splitLines(w.after);
    const map = matchLines(lines, next);
    const nextOwners = next.map((_, j) => (map[j]! >= 0 ? owners[map[j]!]! : null));
    for (const [s, e] of w.ranges) for (let l = Math.max(1, s); l <= e && l <= next.length; l++) nextOwners[l - 1] = w.nodeId;
    lines = next;
    owners = nextOwners;
  }
  return { lines, owners };
}

/** Markers on the lines of `current` that are unchanged from what their step wrote. */
export function markersForText(o: LineOwners, current: string): LineMarker[] {
  const cur = splitLines(current);
  const map = matchLines(o.lines, cur);
  const out: LineMarker[] = [];
  for (let j = 0; j < cur.length; j++) {
    const owner = map[j]! >= 0 ? o.owners[map[j]!]! : null;
    if (!owner) continue;
    const last = out[out.length - 1];
    if (last && last.nodeId === owner && last.endLine === j) last.endLine = j + 1;
    else out.push({ startLine: j + 1, endLine: j + 1, nodeId: owner });
  }
  return out;
}
