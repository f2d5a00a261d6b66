/**
 * Seals what a killed supervisor left open. The journal kept every event it
 * acknowledged; what it could not do is end its branches. The next process
 * that opens the store for writing (a new run, the extension) does it, with
 * an error node saying what happened, so nothing stays "running" forever.
 *
 * The end is dated at the last moment anything of the run was recorded, not
 * when the next writer happened to look (hours later, in real use), and every
 * node and seal written here says that the end is inferred. A run killed
 * before its first branch opened gets a branch that says so, like a run that
 * failed during set-up (failures.ts): a run never ends with zero branches and
 * no reason. Then the killed run's leftovers (sandbox copies, agent state,
 * socket folder, private tmp folders) are removed (leftovers.ts).
 */
import type { StoreEvent } from '../model/events';
import { newId } from '../model/ids';
import type { Branch, Node, Run } from '../model/types';
import { removeRunLeftovers, type LeftoverOptions } from './leftovers';
import { ownerAlive, type RunOwner } from './owner';

export interface OrphanStore {
  listRuns(): Run[];
  branchesOf(runId: string): Branch[];
  nodesOfBranch(branchId: string): Node[];
  append(e: StoreEvent): Promise<number>;
}

export const ORPHAN_MESSAGE =
  'The process supervising this run stopped, or could no longer record, before the branch ended (the editor or CLI was killed, or the disk was full). Everything recorded up to then is kept; the agent was stopped with it. The end time is inferred: it is the last time anything of this run was recorded.';

export const ORPHAN_BEFORE_FIRST_BRANCH =
  'The process supervising this run stopped before the agent started (it was killed, or could no longer record, while preparing the baseline snapshot, the model gateway or the sandbox). Nothing ran in a sandbox. The end time is inferred: it is the last time anything of this run was recorded.';

/** Attributes on everything written for an orphan: its end is an inference, not an observation. */
const INFERRED = { 'nemocognition.closed_by': 'orphan-recovery', 'nemocognition.end_inferred': true, 'nemocognition.end_inferred_from': 'last recorded event' } as const;

export function ownerOf(run: Run): RunOwner | null {
  const pid = Number(run.meta['nemocognition.owner.pid']);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { pid, start: Number(run.meta['nemocognition.owner.start'] ?? 0) };
}

/** The last moment anything of the run was recorded (its start, a branch opening or seal, a node starting or ending). */
export function lastRecordedTime(store: OrphanStore, run: Run): number {
  let last = run.startedAt;
  for (const b of store.branchesOf(run.id)) {
    last = Math.max(last, b.openedAt, b.sealedAt ?? 0);
    for (const n of store.nodesOfBranch(b.id)) last = Math.max(last, n.startTime, n.endTime ?? 0);
  }
  return last;
}

/** Seals the open branches of every orphaned run and ends the run; returns the runs it sealed. */
export async function sealOrphanedRuns(store: OrphanStore, isAlive: (o: RunOwner) => boolean = ownerAlive): Promise<string[]> {
  const sealed: string[] = [];
  for (const run of store.listRuns()) {
    if (run.status !== 'running') continue;
    const owner = ownerOf(run);
    if (owner && isAlive(owner)) continue;
    const at = lastRecordedTime(store, run);
    const ownerPid = owner?.pid ?? -1;
    const branches = store.branchesOf(run.id);
    if (branches.length === 0) {
      const branchId = newId('br');
      await store.append({ type: 'branch.opened', branchId, runId: run.id, parentNodeId: null, parentBranchId: null, agentId: 'main', label: 'main', sandbox: `${run.driver}:not started`, at });
      await sealBranch(store, run.id, branchId, [], at, ORPHAN_BEFORE_FIRST_BRANCH, ownerPid);
    }
    for (const b of branches) {
      if (b.status !== 'open') continue;
      await sealBranch(store, run.id, b.id, store.nodesOfBranch(b.id), at, ORPHAN_MESSAGE, ownerPid);
    }
    await store.append({ type: 'run.ended', runId: run.id, status: 'error', at });
    sealed.push(run.id);
  }
  return sealed;
}

async function sealBranch(store: OrphanStore, runId: string, branchId: string, nodes: Node[], at: number, message: string, ownerPid: number): Promise<void> {
  for (const n of nodes) {
    if (n.endTime === null) await store.append({ type: 'node.closed', nodeId: n.id, endTime: Math.max(at, n.startTime), status: 'error', attributes: { ...INFERRED } });
  }
  await store.append({
    type: 'node.appended',
    nodeId: newId('nd'),
    runId,
    branchId,
    kind: 'error',
    name: 'supervisor stopped',
    parentNodeId: null,
    startTime: at,
    endTime: at,
    status: 'error',
    snapshotId: null,
    attributes: { 'exception.type': 'orphaned', 'exception.message': message, 'nemocognition.owner.pid': ownerPid, ...INFERRED },
  });
  await store.append({ type: 'branch.sealed', branchId, status: 'error', reason: message, at });
}

/** What the next writer does: seal the orphans, then remove what their killed supervisor left on disk. */
export async function sealOrphansAndCleanUp(store: OrphanStore, nc: string, isAlive: (o: RunOwner) => boolean = ownerAlive, opts: LeftoverOptions = {}): Promise<{ sealed: string[]; removed: string[] }> {
  const sealed = await sealOrphanedRuns(store, isAlive);
  const removed = sealed.flatMap((runId) => removeRunLeftovers(nc, runId, opts));
  return { sealed, removed };
}
