/** A line diff for the Memory tab (pure): unchanged, removed and added lines, from a longest common subsequence; bounded. */
export type DiffLine = { kind: 'same' | 'add' | 'del'; text: string };

export const MAX_DIFF_LINES = 2000;

export function lineDiff(before: string, after: string): { lines: DiffLine[]; truncated: boolean } {
  const a = before.split('\n');
  const b = after.split('\n');
  const truncated = a.length > MAX_DIFF_LINES || b.length > MAX_DIFF_LINES;
  const x = a.slice(0, MAX_DIFF_LINES);
  const y = b.slice(0, MAX_DIFF_LINES);
  const m = x.length;
  const n = y.length;
  const L = new Uint16Array((m + 1) * (n + 1));
  const at = (i: number, j: number) => i * (n + 1) + j;
  for (let i = m - 1; i >= 0; i--) for (let j = n - 1; j >= 0; j--) L[at(i, j)] = x[i] === y[j] ? L[at(i + 1, j + 1)]! + 1 : Math.max(L[at(i + 1, j)]!, L[at(i, j + 1)]!);
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < m || j < n) {
    if (i < m && j < n && x[i] === y[j]) {
      lines.push({ kind: 'same', text: x[i]! });
      i++;
      j++;
    } else if (j >= n || (i < m && L[at(i + 1, j)]! >= L[at(i, j + 1)]!)) {
      lines.push({ kind: 'del', text: x[i]! });
      i++;
    } else {
      lines.push({ kind: 'add', text: y[j]! });
      j++;
    }
  }
  return { lines, truncated };
}
