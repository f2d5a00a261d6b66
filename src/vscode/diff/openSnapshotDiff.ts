/**
 * Opens VS Code's diff editor between the workspace file (left) and a step's
 * snapshot of it (right), so what the agent wrote in its sandbox reads as
 * additions over what the workspace has now. Without a path, asks which
 * changed file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileChange } from '../../core/snapshots/api';
import { lookupNode } from '../services/nodeLookup';
import type { Services } from '../services/services';
import { snapshotForNode } from '../views/replayData';
import { snapshotDiffTitle } from './diffTitle';
import { EMPTY_SNAPSHOT, toSnapshotUriParts } from './snapshotUri';

const KIND_TEXT: Record<FileChange['kind'], string> = {
  added: 'only in the workspace',
  deleted: 'only in the snapshot',
  modified: 'modified since',
  'type-changed': 'type changed',
};

export async function openSnapshotDiff(s: Services, nodeId: string, relPath?: string): Promise<void> {
  const ctx = await lookupNode(s.store, s.runs, nodeId);
  if (!ctx) throw new Error(`Step ${nodeId} is not in this workspace's store. Reopen the Replay view and pick the step again.`);
  const snap = snapshotForNode(ctx.nodesOfRun, ctx.node);
  if (!snap) throw new Error(`Step "${ctx.node.name}" has no snapshot before it in its branch, so there is nothing to compare. Pick a later step.`);
  await s.snapshots.ensure(snap.snapshotId, { trees: true });
  const { engine, paths } = await s.snapshots.get();
  let file = relPath;
  if (!file) {
    const changes = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'NemoCognition: comparing snapshot with workspace' }, () =>
      engine.diffLive(snap.snapshotId, paths.root),
    );
    const files = changes.filter((c) => (c.after ?? c.before)?.type !== 'dir');
    if (files.length === 0) {
      void vscode.window.showInformationMessage(`The workspace matches the snapshot of "${ctx.node.name}": nothing to compare.`);
      return;
    }
    const pick = files.length === 1 ? { path: files[0]!.path } : await vscode.window.showQuickPick(
      files.map((c) => ({ label: c.path, description: KIND_TEXT[c.kind], path: c.path })),
      { placeHolder: `Files that differ between the snapshot of "${ctx.node.name}" and the workspace` },
    );
    if (!pick) return;
    file = pick.path;
  }
  const live = vscode.Uri.file(path.join(paths.root, ...file.split('/')));
  const inSnapshot = engine.entryAt(snap.snapshotId, file) !== undefined;
  const left = fs.existsSync(live.fsPath) ? live : vscode.Uri.from(toSnapshotUriParts({ snapshotId: EMPTY_SNAPSHOT, path: file }));
  const right = vscode.Uri.from(toSnapshotUriParts({ snapshotId: inSnapshot ? snap.snapshotId : EMPTY_SNAPSHOT, path: file }));
  await vscode.commands.executeCommand('vscode.diff', left, right, snapshotDiffTitle(file, ctx.node.seq), { preview: true });
}
