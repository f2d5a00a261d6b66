/**
 * Which snapshots the size budget may never collect. Protecting every snapshot a run refers to
 * would make the budget powerless within a long run (a checkpoint per tool call); protecting
 * none would lose the evidence. Kept: every run's baseline, the snapshot each branch started
 * from, and each branch's result or forensic snapshot (what users restore and inspect), plus the
 * newest `recent` snapshots the runs refer to (what a recovery forks from, what a tool call's
 * diff reads). Older intermediate checkpoints may go: their nodes stay in the journal and say
 * that their snapshot was collected.
 */
import type { Store } from '../store/store';

const EVIDENCE = new Set(['baseline', 'recovery-start', 'branch-end', 'forensic']);

export function protectedSnapshots(store: Store, recent = 50): Set<string> {
  const keep = new Set<string>();
  const referenced: Array<{ id: string; at: number }> = [];
  for (const run of store.listRuns()) {
    if (run.baselineSnapshotId) keep.add(run.baselineSnapshotId);
    for (const n of store.nodesOfRun(run.id)) {
      if (n.snapshotId) {
        if (n.kind === 'checkpoint' && EVIDENCE.has(String(n.attributes['nemocognition.checkpoint.reason']))) keep.add(n.snapshotId);
        referenced.push({ id: n.snapshotId, at: n.startTime });
      }
      const after = n.attributes['nemocognition.snapshot.after'];
      if (typeof after === 'string') referenced.push({ id: after, at: n.endTime ?? n.startTime });
    }
  }
  referenced.sort((a, b) => b.at - a.at);
  for (const r of referenced.slice(0, recent)) keep.add(r.id);
  return keep;
}
