/**
 * Which gutter markers show while a step is selected in the Replay view (the
 * playhead), pure: the lines written by the steps on the way to it (its
 * branch up to it, and the branches it forked from up to their fork points),
 * the playhead's own lines marked as current. With no playhead, every marker.
 */
import type { Branch, Node } from '../../core/model/types';
import { lineageOf } from '../../core/replay/stepState';
import { latestWriterWins, type AttributionFact } from '../../core/store/attribution';

export interface Playhead {
  nodeId: string;
  /** Ids of the nodes on the way to the playhead, itself included. */
  lineage: ReadonlySet<string>;
}

export function playheadOf(run: { baselineSnapshotId: string | null }, branches: readonly Branch[], nodes: readonly Node[], nodeId: string): Playhead | null {
  const lineage = lineageOf({ run, branches, nodes }, nodeId);
  return lineage.length ? { nodeId, lineage: new Set(lineage.map((n) => n.id)) } : null;
}

export function atPlayhead<T extends { nodeId: string }>(markers: readonly T[], playhead: Playhead | null): Array<T & { current: boolean }> {
  if (!playhead) return markers.map((m) => ({ ...m, current: false }));
  return markers.filter((m) => playhead.lineage.has(m.nodeId)).map((m) => ({ ...m, current: m.nodeId === playhead.nodeId }));
}

/** A file's writes (in write order) replayed up to the playhead: each line's last writer among the steps on the way to it. */
export function factsAtPlayhead(history: readonly AttributionFact[], playhead: Playhead): AttributionFact[] {
  return latestWriterWins(history.filter((f) => playhead.lineage.has(f.nodeId)));
}
