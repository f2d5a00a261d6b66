/**
 * Picks a step when a command runs without one: the Replay view's selection
 * if any, else a QuickPick of the latest run's steps that have a snapshot.
 */
import * as vscode from 'vscode';
import type { Node } from '../../core/model/types';
import type { Services } from '../services/services';

export async function pickNodeWithSnapshot(s: Services, placeHolder: string): Promise<string | undefined> {
  if (s.replay.selectedNodeId) return s.replay.selectedNodeId;
  const live = s.runs.current?.detail();
  const data =
    live ??
    (await s.store.query((st) => {
      const run = st.listRuns().sort((a, b) => b.startedAt - a.startedAt)[0];
      return run ? { run, branches: st.branchesOf(run.id), nodes: st.nodesOfRun(run.id) } : undefined;
    }));
  if (!data) {
    void vscode.window.showInformationMessage('There are no recorded runs in this workspace yet. Run "NemoCognition: Run Supervised Agent" first.');
    return undefined;
  }
  const label = new Map(data.branches.map((b) => [b.id, `${b.label} (${b.status})`]));
  const items = data.nodes
    .filter((n: Node) => n.snapshotId)
    .sort((a, b) => b.startTime - a.startTime)
    .map((n) => ({ label: n.name, description: `${label.get(n.branchId) ?? n.branchId} · step ${n.seq + 1}`, detail: new Date(n.startTime).toLocaleString(), nodeId: n.id }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('The latest run has no snapshots to use.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
  return pick?.nodeId;
}
