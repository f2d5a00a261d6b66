/**
 * Builds what the Replay view shows from the store and the live run (pure
 * over the StoreReader interface). The live run wins for the run it drives:
 * its listener events arrive before the read-only store catches up.
 */
import type { Branch, Node, Run } from '../../core/model/types';
import { ownSnapshot } from '../../core/replay/stepState';
import type { NodeDetail, RunDetail, SpanView } from '../../protocol/replay';
import type { LiveRun } from '../run/liveRun';
import type { StoreReader } from '../services/storeReader';

export const MAX_RUNS_LISTED = 200;

/** Newest first. */
export function listRuns(store: StoreReader | undefined, live: LiveRun | undefined): Run[] {
  const runs = store ? store.listRuns() : [];
  const liveRun = live?.detail()?.run;
  const merged = liveRun ? [liveRun, ...runs.filter((r) => r.id !== liveRun.id)] : runs;
  return merged.sort((a, b) => b.startedAt - a.startedAt).slice(0, MAX_RUNS_LISTED);
}

export function runDetail(store: StoreReader | undefined, live: LiveRun | undefined, runId: string): RunDetail | null {
  if (live && live.runId === runId) return live.detail();
  if (!store) return null;
  const run = store.getRun(runId);
  if (!run) return null;
  return { run, branches: store.branchesOf(runId), nodes: store.nodesOfRun(runId) };
}

export function findNode(store: StoreReader | undefined, live: LiveRun | undefined, nodeId: string): Node | undefined {
  return live?.getNode(nodeId) ?? store?.getNode(nodeId);
}

export function findBranch(store: StoreReader | undefined, live: LiveRun | undefined, branchId: string): Branch | undefined {
  return live?.getBranch(branchId) ?? store?.getBranch(branchId);
}

export function nodeDetail(store: StoreReader | undefined, live: LiveRun | undefined, nodeId: string): NodeDetail | null {
  const node = findNode(store, live, nodeId);
  if (!node) return null;
  const fromStore = store?.getNode(nodeId) ? store : undefined;
  const spans: SpanView[] = (fromStore?.spansOfNode(nodeId) ?? []).map((s) => ({
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    name: s.name,
    kind: String(s.kind),
    status: s.status,
    attributes: s.attributes,
  }));
  const snap = fromStore?.snapshotOfNode(nodeId);
  return { node, spans, snapshot: snap ?? (node.snapshotId ? { snapshotId: node.snapshotId, root: '' } : null) };
}

/**
 * The snapshot that shows the workspace as of `node`, as the Replay view's
 * "Files changed" shows it (core/replay/stepState): a tool call's post-call
 * snapshot, a node's own snapshot, or else the latest earlier one in its
 * branch (a step without a snapshot changed nothing on disk by itself).
 */
export function snapshotForNode(nodesOfRun: readonly Node[], node: Node): { snapshotId: string; fromNodeId: string } | undefined {
  const own = ownSnapshot(node);
  if (own) return { snapshotId: own, fromNodeId: node.id };
  const earlier = nodesOfRun.filter((n) => n.branchId === node.branchId && n.seq < node.seq && ownSnapshot(n)).sort((a, b) => b.seq - a.seq)[0];
  return earlier ? { snapshotId: ownSnapshot(earlier)!, fromNodeId: earlier.id } : undefined;
}

/** The result of a branch: its last snapshot. */
export function lastSnapshotOfBranch(nodesOfRun: readonly Node[], branchId: string): Node | undefined {
  return nodesOfRun.filter((n) => n.branchId === branchId && n.snapshotId).sort((a, b) => b.seq - a.seq)[0];
}
