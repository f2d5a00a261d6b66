/**
 * Brings a step's snapshot into the workspace: shows what will be written and
 * deleted, asks, restores (the engine takes a safety snapshot first), and
 * offers Undo, which restores that safety snapshot.
 */
import * as vscode from 'vscode';
import type { RestoreResult } from '../../core/snapshots/api';
import { CONTEXT_KEYS } from '../commands/ids';
import { lookupBranch, lookupNode } from '../services/nodeLookup';
import type { SnapshotService } from '../services/snapshotService';
import type { StoreService } from '../services/storeService';
import type { RunController } from '../run/runController';
import { lastSnapshotOfBranch, snapshotForNode } from '../views/replayData';
import { describePlan, summariseRestore } from './restorePlan';

const UNDO_KEY = 'nemocognition.lastRestoreUndo';

/** How the service asks before it writes the workspace: a modal in VS Code (the in-host tests answer it themselves). */
export interface RestorePrompts {
  /** Resolves to the chosen action, or undefined when the user dismissed the question. */
  confirm(message: string, detail: string | undefined, action: string): Thenable<string | undefined>;
}

export const modalPrompts: RestorePrompts = {
  confirm: (message, detail, action) => vscode.window.showWarningMessage(message, { modal: true, detail }, action),
};

interface UndoRecord {
  undoSnapshotId: string;
  label: string;
  at: number;
}

export class RestoreService {
  constructor(
    private readonly workspaceState: vscode.Memento,
    private readonly store: StoreService,
    private readonly runs: RunController,
    private readonly snapshots: SnapshotService,
    private readonly output: vscode.LogOutputChannel,
    private readonly prompts: RestorePrompts = modalPrompts,
  ) {
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.canUndoRestore, !!this.undoRecord());
  }

  /** Resolves to what was written, or undefined when nothing was (already equal, or the user said no). */
  async restoreNode(nodeId: string): Promise<RestoreResult | undefined> {
    const ctx = await lookupNode(this.store, this.runs, nodeId);
    if (!ctx) throw new Error(`Step ${nodeId} is not in this workspace's store. Reopen the Replay view and pick the step again.`);
    const snap = snapshotForNode(ctx.nodesOfRun, ctx.node);
    if (!snap) throw new Error(`Step "${ctx.node.name}" has no snapshot at or before it in its branch; pick a later step to restore.`);
    return this.restoreSnapshot(snap.snapshotId, `step ${ctx.node.seq + 1} "${ctx.node.name}"${ctx.branch ? ` of branch ${ctx.branch.label}` : ''}`);
  }

  async restoreBranch(branchId: string): Promise<RestoreResult | undefined> {
    const ctx = await lookupBranch(this.store, this.runs, branchId);
    if (!ctx) throw new Error(`Branch ${branchId} is not in this workspace's store.`);
    const last = lastSnapshotOfBranch(ctx.nodesOfRun, branchId);
    if (!last?.snapshotId) throw new Error(`Branch ${ctx.branch.label} recorded no snapshot, so it has no result to restore.`);
    if (ctx.branch.status !== 'completed') {
      const go = await this.prompts.confirm(
        `Branch ${ctx.branch.label} did not complete (${ctx.branch.status}). Restore its last snapshot anyway?`,
        ctx.branch.sealReason ?? undefined,
        'Restore Anyway',
      );
      if (go !== 'Restore Anyway') return undefined;
    }
    return this.restoreSnapshot(last.snapshotId, `the result of branch ${ctx.branch.label}`);
  }

  async undo(): Promise<RestoreResult | undefined> {
    const rec = this.undoRecord();
    if (!rec) {
      void vscode.window.showInformationMessage('There is no NemoCognition restore to undo in this workspace.');
      return undefined;
    }
    const { engine, paths } = await this.snapshots.get();
    const result = await engine.restore(rec.undoSnapshotId, paths.root);
    await this.setUndo(undefined);
    this.output.info(`Undid the restore of ${rec.label}: wrote ${result.written.length}, deleted ${result.deleted.length} file(s).`);
    void vscode.window.showInformationMessage(`Undid the restore of ${rec.label}: ${result.written.length} file(s) written back, ${result.deleted.length} removed.`);
    return result;
  }

  private async restoreSnapshot(snapshotId: string, label: string): Promise<RestoreResult | undefined> {
    const { engine, paths } = await this.snapshots.get();
    const changes = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'NemoCognition: comparing with workspace' }, () =>
      engine.diffLive(snapshotId, paths.root),
    );
    const plan = summariseRestore(changes);
    if (plan.write.length === 0 && plan.remove.length === 0) {
      void vscode.window.showInformationMessage(`The workspace already matches ${label}: nothing to restore.`);
      return undefined;
    }
    // Unsaved editors are not saved for the user: say which ones the restore changes on disk underneath them.
    const touched = new Set([...plan.write, ...plan.remove]);
    const dirty = vscode.workspace.textDocuments
      .filter((d) => d.isDirty && d.uri.scheme === 'file')
      .map((d) => vscode.workspace.asRelativePath(d.uri, false))
      .filter((p) => touched.has(p));
    const dirtyNote = dirty.length ? `\n\nUnsaved changes in ${dirty.join(', ')} are not part of the safety snapshot; save or discard them first.` : '';
    const ok = await this.prompts.confirm(
      `Restore ${label} into the workspace? ${plan.write.length} file(s) will be written and ${plan.remove.length} deleted.`,
      describePlan(plan) + dirtyNote,
      'Restore',
    );
    if (ok !== 'Restore') return undefined;
    const result: RestoreResult = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `NemoCognition: restoring ${label}` },
      () => engine.restore(snapshotId, paths.root),
    );
    await this.setUndo({ undoSnapshotId: result.undoSnapshotId, label, at: Date.now() });
    this.output.info(`Restored ${label}: wrote ${result.written.length}, deleted ${result.deleted.length} file(s); undo snapshot ${result.undoSnapshotId}.`);
    // Not awaited: the restore is done; the toast's buttons act whenever (if ever) the user clicks one.
    void vscode.window
      .showInformationMessage(`Restored ${label}: ${result.written.length} file(s) written, ${result.deleted.length} deleted.`, 'Undo', 'Show Output')
      .then((choice) => {
        if (choice === 'Undo') return this.undo();
        if (choice === 'Show Output') this.output.show(true);
      });
    return result;
  }

  private undoRecord(): UndoRecord | undefined {
    const r = this.workspaceState.get<UndoRecord>(UNDO_KEY);
    return r && typeof r.undoSnapshotId === 'string' ? r : undefined;
  }

  private async setUndo(r: UndoRecord | undefined): Promise<void> {
    await this.workspaceState.update(UNDO_KEY, r);
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.canUndoRestore, !!r);
  }
}
