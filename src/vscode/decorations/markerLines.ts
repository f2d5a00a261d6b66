/**
 * Which lines get a gutter marker (no `vscode` import: tested without VS Code).
 * Only one branch at a time: by default the branch most recently restored into
 * the workspace (the top of the undo stack; for a restored step, only the
 * steps before it), or the one `nemocognition.gutter.branch` names. Failed
 * branches and other runs never mix in. Within that branch, a line is marked
 * only where its current text (the editor's, unsaved edits included) is still
 * what the step wrote (core/attribution/currentLines.ts). How a marker looks
 * and what its hover says is the controller's business, not this module's.
 */
import { markersForText, ownersAfterSteps, type LineMarker, type LineOwners, type StepWrite } from '../../core/attribution/currentLines';
import type { Branch, Run } from '../../core/model/types';
import type { RestoreTarget } from '../../core/restore/undoStack';
import type { StoreReader } from '../services/storeReader';

/** `nemocognition.gutter.branch`: '' = the most recently restored branch, 'latest-result', or a branch id. */
export const LATEST_RESULT = 'latest-result';

export interface BranchChoice {
  branchId: string;
  /** Only steps before this seq count (a restored step: the workspace holds the state before it). */
  beforeSeq?: number;
  why: 'restored' | 'setting' | 'latest-result';
}

export interface MarkerReader {
  listRuns(): Run[];
  branchesOf(runId: string): Branch[];
  getBranch(id: string): Branch | undefined;
}

/** The branch whose markers are shown, or undefined for none. Pure. */
export function chooseBranch(setting: string, restored: RestoreTarget | undefined, store: MarkerReader): BranchChoice | undefined {
  const s = setting.trim();
  if (s === '' || s === 'restored') {
    if (!restored?.branchId || !store.getBranch(restored.branchId)) return undefined;
    return { branchId: restored.branchId, ...(restored.beforeSeq !== undefined ? { beforeSeq: restored.beforeSeq } : {}), why: 'restored' };
  }
  if (s === LATEST_RESULT) {
    const run = [...store.listRuns()].sort((a, b) => b.startedAt - a.startedAt)[0];
    const done = run ? store.branchesOf(run.id).filter((b) => b.status === 'completed').sort((a, b) => b.openedAt - a.openedAt)[0] : undefined;
    return done ? { branchId: done.id, why: 'latest-result' } : undefined;
  }
  return store.getBranch(s) ? { branchId: s, why: 'setting' } : undefined;
}

/** The steps of the chosen branch that wrote `rel`, each with the file's text right after it. */
export async function stepWritesFor(
  store: Pick<StoreReader, 'attributionStepsOf' | 'getNode'>,
  choice: BranchChoice,
  rel: string,
  readAfter: (snapshotId: string, rel: string) => Promise<string | undefined>,
): Promise<StepWrite[]> {
  const out: StepWrite[] = [];
  for (const step of store.attributionStepsOf(rel, choice.branchId)) {
    const node = store.getNode(step.nodeId);
    if (!node || (choice.beforeSeq !== undefined && node.seq >= choice.beforeSeq)) continue;
    const after = node.attributes['nemocognition.snapshot.after'];
    out.push({ nodeId: node.id, ranges: step.ranges, after: typeof after === 'string' ? await readAfter(after, rel) : undefined });
  }
  return out;
}

/** Ownership of `rel`'s lines at the end of the chosen branch's steps (the expensive part: cache it). */
export async function ownersFor(
  store: Pick<StoreReader, 'attributionStepsOf' | 'getNode'>,
  choice: BranchChoice,
  rel: string,
  readAfter: (snapshotId: string, rel: string) => Promise<string | undefined>,
): Promise<LineOwners> {
  return ownersAfterSteps(await stepWritesFor(store, choice, rel, readAfter));
}

/** The markers for the editor's current text. */
export function markersNow(owners: LineOwners, currentText: string): LineMarker[] {
  return owners.lines.length ? markersForText(owners, currentText) : [];
}
