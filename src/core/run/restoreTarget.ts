/**
 * What "restore this node / this branch" means: a node restores the state its
 * snapshot holds (a tool call: the state just before it ran); a branch
 * restores its last snapshot (its result, or for a failed branch the
 * forensic state).
 */
import type { Node } from '../model/types';

export interface TargetStore {
  getNode(id: string): Node | undefined;
  nodesOfBranch(branchId: string): Node[];
}

export function restoreTarget(store: TargetStore, which: { nodeId?: string; branchId?: string }): { snapshotId: string; nodeId: string } | null {
  if (which.nodeId) {
    const n = store.getNode(which.nodeId);
    return n?.snapshotId ? { snapshotId: n.snapshotId, nodeId: n.id } : null;
  }
  if (which.branchId) {
    const withSnap = store.nodesOfBranch(which.branchId).filter((n) => n.kind === 'checkpoint' && n.snapshotId);
    const last = withSnap[withSnap.length - 1];
    return last ? { snapshotId: last.snapshotId!, nodeId: last.id } : null;
  }
  return null;
}
