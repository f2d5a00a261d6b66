/**
 * Two branches side by side (pure): their steps aligned by order and kind
 * (a longest common subsequence over "kind + tool", so the same work lines up
 * and what only one branch did gets a gap on the other side), with the
 * points where they diverge marked. Bounded: long branches are compared on
 * their first MAX_ALIGNED steps.
 */
import type { Node } from '../../../src/core/model/types';

export const MAX_ALIGNED = 1500;

export interface AlignedRow {
  left: Node | null;
  right: Node | null;
  /** Both sides did the same kind of step (and tool): the branches agree here. */
  same: boolean;
  /** ...with the same name too (same command, same file). */
  sameName: boolean;
  /** The first row after which the branches stop doing the same thing. */
  divergence: boolean;
}

function key(n: Node): string {
  const tool = n.attributes['tool.name'];
  return `${n.kind}:${typeof tool === 'string' ? tool : ''}`;
}

export function alignBranches(leftNodes: readonly Node[], rightNodes: readonly Node[]): { rows: AlignedRow[]; truncated: boolean } {
  const a = [...leftNodes].sort((x, y) => x.seq - y.seq).slice(0, MAX_ALIGNED);
  const b = [...rightNodes].sort((x, y) => x.seq - y.seq).slice(0, MAX_ALIGNED);
  const truncated = leftNodes.length > MAX_ALIGNED || rightNodes.length > MAX_ALIGNED;
  const ka = a.map(key);
  const kb = b.map(key);
  // LCS table, one row at a time from the end (lengths only), then walk forward.
  const m = a.length;
  const n = b.length;
  const L = new Uint16Array((m + 1) * (n + 1));
  const at = (i: number, j: number) => i * (n + 1) + j;
  for (let i = m - 1; i >= 0; i--) {
    for (let j = n - 1; j >= 0; j--) {
      L[at(i, j)] = ka[i] === kb[j] ? L[at(i + 1, j + 1)]! + 1 : Math.max(L[at(i + 1, j)]!, L[at(i, j + 1)]!);
    }
  }
  const rows: AlignedRow[] = [];
  let i = 0;
  let j = 0;
  while (i < m || j < n) {
    if (i < m && j < n && ka[i] === kb[j]) {
      rows.push({ left: a[i]!, right: b[j]!, same: true, sameName: a[i]!.name === b[j]!.name, divergence: false });
      i++;
      j++;
    } else if (j >= n || (i < m && L[at(i + 1, j)]! >= L[at(i, j + 1)]!)) {
      rows.push({ left: a[i]!, right: null, same: false, sameName: false, divergence: false });
      i++;
    } else {
      rows.push({ left: null, right: b[j]!, same: false, sameName: false, divergence: false });
      j++;
    }
  }
  // A divergence: a row that is not the same, right after a row that was (or at the start).
  for (let r = 0; r < rows.length; r++) {
    if (!rows[r]!.same && (r === 0 || rows[r - 1]!.same)) rows[r]!.divergence = true;
  }
  return { rows, truncated };
}
