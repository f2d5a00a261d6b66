/**
 * Line attribution: replays "lines [s, e] of a file were written by node N"
 * facts in write order and keeps, for every line, the last writer.
 */
export interface AttributionFact {
  startLine: number;
  endLine: number;
  nodeId: string;
  runId: string;
  at: number;
}

/** `facts` must be in write order (oldest first). Returns disjoint ranges sorted by line, adjacent same-writer ranges merged. */
export function latestWriterWins(facts: readonly AttributionFact[]): AttributionFact[] {
  let pieces: AttributionFact[] = [];
  for (const f of facts) {
    const next: AttributionFact[] = [];
    for (const p of pieces) {
      if (p.endLine < f.startLine || p.startLine > f.endLine) {
        next.push(p);
        continue;
      }
      if (p.startLine < f.startLine) next.push({ ...p, endLine: f.startLine - 1 });
      if (p.endLine > f.endLine) next.push({ ...p, startLine: f.endLine + 1 });
    }
    next.push({ ...f });
    pieces = next;
  }
  pieces.sort((a, b) => a.startLine - b.startLine);
  const out: AttributionFact[] = [];
  for (const p of pieces) {
    const last = out[out.length - 1];
    if (last && last.endLine + 1 === p.startLine && last.nodeId === p.nodeId && last.runId === p.runId && last.at === p.at) {
      last.endLine = p.endLine;
    } else out.push({ ...p });
  }
  return out;
}
