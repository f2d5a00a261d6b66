/**
 * Opens VS Code's diff editors on recorded snapshots, for the three ways the
 * Replay view compares:
 *  - "this step vs my workspace": the workspace file left, the state after the
 *    step right (what the agent wrote reads as additions);
 *  - "what this step changed": the state before the step left, after it right;
 *  - two steps side by side (e.g. a failed branch's tip and its recovery's).
 * One file opens `vscode.diff`; all of them open `vscode.changes`, the
 * multi-file diff editor. Without a path, asks which changed file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { stepSnapshots } from '../../core/replay/stepState';
import type { ChangesMode, ChangesView, RunDetail } from '../../protocol/replay';
import { lookupRunOfNode, type NodeInRun } from '../services/runLookup';
import type { Services } from '../services/services';
import { changesAt, compareAt } from '../../core/replay/changes';
import { changeDescription, changesTitle, compareChangesTitle, compareDiffTitle, stepDiffTitle, workspaceDiffTitle, type StepRef } from './diffTitle';
import { EMPTY_SNAPSHOT, toSnapshotUriParts } from './snapshotUri';

const MAX_MULTI_DIFF = 200;

/** A replicated remote run's snapshots: their trees fetched on first need (replica/remoteSnapshots.ts). */
async function ensureTrees(s: Services, ...ids: Array<string | null | undefined>): Promise<void> {
  for (const id of ids) if (id) await s.snapshots.ensure(id, { trees: true });
}

async function nodeInRun(s: Services, nodeId: string): Promise<NodeInRun> {
  const found = await lookupRunOfNode(s.store, s.runs, nodeId);
  if (!found) throw new Error(`Step ${nodeId} is not in this workspace's store. Reopen the Replay view and pick the step again.`);
  return found;
}

function refOf(detail: RunDetail, nodeId: string): StepRef {
  const n = detail.nodes.find((x) => x.id === nodeId)!;
  return { branch: detail.branches.find((b) => b.id === n.branchId)?.label ?? 'branch', seq: n.seq };
}

/** A file of a snapshot as a document URI; "no such file" is the empty document. */
function snapshotUri(engine: { readFile(id: string, p: string): Buffer | undefined }, snapshotId: string | null, file: string): vscode.Uri {
  const has = snapshotId !== null && engine.readFile(snapshotId, file) !== undefined;
  return vscode.Uri.from(toSnapshotUriParts({ snapshotId: has ? snapshotId! : EMPTY_SNAPSHOT, path: file }));
}

function workspaceUri(root: string, file: string): vscode.Uri {
  const live = vscode.Uri.file(path.join(root, ...file.split('/')));
  return fs.existsSync(live.fsPath) ? live : vscode.Uri.from(toSnapshotUriParts({ snapshotId: EMPTY_SNAPSHOT, path: file }));
}

async function pickFile(view: ChangesView, placeHolder: string): Promise<string | undefined> {
  if (view.files.length === 0) {
    void vscode.window.showInformationMessage(view.note ?? 'No file differs: nothing to compare.');
    return undefined;
  }
  if (view.files.length === 1) return view.files[0]!.path;
  const strip = (s: string) => s.replace(/^after /, '');
  const pick = await vscode.window.showQuickPick(
    view.files.map((f) => ({ label: f.path, description: changeDescription(f.kind, strip(view.left), strip(view.right)), path: f.path })),
    { placeHolder },
  );
  return pick?.path;
}

/** One file of a step, in either mode (the editor title button and "Compare with workspace" use mode "workspace"); false when nothing opened. */
export async function openStepDiff(s: Services, nodeId: string, relPath: string | undefined, mode: ChangesMode): Promise<boolean> {
  const { detail } = await nodeInRun(s, nodeId);
  const { engine, paths } = await s.snapshots.get();
  const ref = refOf(detail, nodeId);
  const { before, after } = stepSnapshots(detail, nodeId);
  if (!after) throw new Error(`${ref.branch} step ${ref.seq + 1} has no snapshot at or before it, so there is nothing to compare. Pick a later step.`);
  await ensureTrees(s, before, after);
  let file = relPath;
  if (!file) {
    const changes = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'NemoCognition: comparing' }, () =>
      changesAt(engine, detail, nodeId, mode, paths.root),
    );
    file = changes ? await pickFile(changes, mode === 'workspace' ? `Files that differ between your workspace and ${ref.branch} step ${ref.seq + 1}` : `Files ${ref.branch} step ${ref.seq + 1} changed`) : undefined;
    if (!file) return false;
  }
  if (mode === 'workspace') {
    await vscode.commands.executeCommand('vscode.diff', workspaceUri(paths.root, file), snapshotUri(engine, after, file), workspaceDiffTitle(file, ref), { preview: true });
  } else {
    await vscode.commands.executeCommand('vscode.diff', snapshotUri(engine, before, file), snapshotUri(engine, after, file), stepDiffTitle(file, ref), { preview: true });
  }
  return true;
}

/** Every changed file of a step at once, in the multi-file diff editor. */
export async function openStepChanges(s: Services, nodeId: string, mode: ChangesMode): Promise<void> {
  const { detail } = await nodeInRun(s, nodeId);
  const { engine, paths } = await s.snapshots.get();
  const ref = refOf(detail, nodeId);
  const { before, after } = stepSnapshots(detail, nodeId);
  await ensureTrees(s, before, after);
  const view = await changesAt(engine, detail, nodeId, mode, paths.root);
  if (!view || view.files.length === 0) {
    void vscode.window.showInformationMessage(view?.note ?? 'No file differs: nothing to compare.');
    return;
  }
  const resources = view.files.slice(0, MAX_MULTI_DIFF).map((f) => {
    const label = vscode.Uri.file(path.join(paths.root, ...f.path.split('/')));
    return mode === 'workspace'
      ? [label, workspaceUri(paths.root, f.path), snapshotUri(engine, after, f.path)]
      : [label, snapshotUri(engine, before, f.path), snapshotUri(engine, after, f.path)];
  });
  await vscode.commands.executeCommand('vscode.changes', changesTitle(mode, ref), resources);
}

/** Two steps (of any branches of one run) side by side: one file, or all of them. */
export async function openCompare(s: Services, leftNodeId: string, rightNodeId: string, relPath?: string): Promise<void> {
  const { detail } = await nodeInRun(s, leftNodeId);
  if (!detail.nodes.some((n) => n.id === rightNodeId)) throw new Error('The two steps belong to different runs; compare steps of one run.');
  const { engine, paths } = await s.snapshots.get();
  const l = refOf(detail, leftNodeId);
  const r = refOf(detail, rightNodeId);
  const a = stepSnapshots(detail, leftNodeId).after;
  const b = stepSnapshots(detail, rightNodeId).after;
  await ensureTrees(s, a, b);
  if (relPath) {
    await vscode.commands.executeCommand('vscode.diff', snapshotUri(engine, a, relPath), snapshotUri(engine, b, relPath), compareDiffTitle(relPath, l, r), { preview: true });
    return;
  }
  const view = compareAt(engine, detail, leftNodeId, rightNodeId);
  if (!view || view.files.length === 0) {
    void vscode.window.showInformationMessage(view?.note ?? 'The two steps hold the same files.');
    return;
  }
  const resources = view.files.slice(0, MAX_MULTI_DIFF).map((f) => [vscode.Uri.file(path.join(paths.root, ...f.path.split('/'))), snapshotUri(engine, a, f.path), snapshotUri(engine, b, f.path)]);
  await vscode.commands.executeCommand('vscode.changes', compareChangesTitle(l, r), resources);
}

/** The "Compare Snapshot with Workspace" command's action (workspace left, the step right). */
export async function openSnapshotDiff(s: Services, nodeId: string, relPath?: string): Promise<void> {
  await openStepDiff(s, nodeId, relPath, 'workspace');
}
