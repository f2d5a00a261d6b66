/**
 * Seals what a killed supervisor left open. The journal kept every event it
 * acknowledged; what it could not do is end its branches. The next process
 * that opens the store for writing (a new run, the extension) does it, with
 * an error node saying what happened, so nothing stays "running" forever.
 */
import type { StoreEvent } from '../model/events';
import { newId } from '../model/ids';
import type { Branch, Node, Run } from '../model/types';
import { ownerAlive, type RunOwner } from './owner';

export interface OrphanStore {
  listRuns(): Run[];
  branchesOf(runId: string): Branch[];
  nodesOfBranch(branchId: string): Node[];
  append(e: StoreEvent): Promise<number>;
}

export const ORPHAN_MESSAGE =
  'The process supervising this run stopped, or could no longer record, before the branch ended (the editor or CLI was killed, or the disk was full). Everything recorded up to then is kept; the agent was stopped with it.';

export function ownerOf(run: Run): RunOwner | null {
  const pid = Number(run.meta['nemocognition.owner.pid']);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { pid, start: Number(run.meta['nemocognition.owner.start'] ?? 0) };
}

/** Seals the open branches of every orphaned run and ends the run; returns the runs it sealed. */
export async function sealOrphanedRuns(store: OrphanStore, isAlive: (o: RunOwner) => boolean = ownerAlive): Promise<string[]> {
  const sealed: string[] = [];
  for (const run of store.listRuns()) {
    if (run.status !== 'running') continue;
    const owner = ownerOf(run);
    if (owner && isAlive(owner)) continue;
    const now = Date.now();
    for (const b of store.branchesOf(run.id)) {
      if (b.status !== 'open') continue;
      const nodes = store.nodesOfBranch(b.id);
      for (const n of nodes) {
        if (n.endTime === null) await store.append({ type: 'node.closed', nodeId: n.id, endTime: now, status: 'error', attributes: { 'nemocognition.closed_by': 'orphan-recovery' } });
      }
      await store.append({
        type: 'node.appended',
        nodeId: newId('nd'),
        runId: run.id,
        branchId: b.id,
        kind: 'error',
        name: 'supervisor stopped',
        parentNodeId: null,
        startTime: now,
        endTime: now,
        status: 'error',
        snapshotId: null,
        attributes: { 'exception.type': 'orphaned', 'exception.message': ORPHAN_MESSAGE, 'nemocognition.owner.pid': owner?.pid ?? -1 },
      });
      await store.append({ type: 'branch.sealed', branchId: b.id, status: 'error', reason: ORPHAN_MESSAGE, at: now });
    }
    await store.append({ type: 'run.ended', runId: run.id, status: 'error', at: now });
    sealed.push(run.id);
  }
  return sealed;
}
