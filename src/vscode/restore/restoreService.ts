/**
 * Brings a step's snapshot into the workspace: previews every file that will
 * be written or deleted (risky ones flagged, outside symlinks refused unless
 * allowed, unsaved editors saved first or nothing happens), restores with an
 * undo point, and undoes restores one at a time from the workspace's undo
 * stack (shared with `nemocog restore --undo`).
 */
import * as vscode from 'vscode';
import { describePreview, previewRestore, restoreWithUndo, undoLastRestore, undoStackOf, type RestoreTarget, type UndoEntry } from '../../core/restore';
import type { RestoreResult } from '../../core/snapshots/api';
import type { SnapshotEngine } from '../../core/snapshots/engine';
import { CONTEXT_KEYS } from '../commands/ids';
import { lookupBranch, lookupNode } from '../services/nodeLookup';
import type { SnapshotService } from '../services/snapshotService';
import type { StoreService } from '../services/storeService';
import { relativeInWorkspace, type WorkspacePaths } from '../services/workspacePaths';
import type { RunController } from '../run/runController';
import { lastSnapshotOfBranch, snapshotForNode } from '../views/replayData';
import { buildRestoreModal, interpretChoice } from './restoreModal';
import { deletedFiles, files } from './fileCounts';

/** The single undo record of earlier versions (before the undo stack). */
const LEGACY_UNDO_KEY = 'nemocognition.lastRestoreUndo';
const PREVIEW_SCHEME = 'nemocognition-restore-preview';

/** How the service asks before it writes the workspace: a modal in VS Code (the in-host tests answer it themselves). */
export interface RestorePrompts {
  /** Resolves to the chosen action (the first is the primary one), or undefined when the user dismissed the question. */
  confirm(message: string, detail: string | undefined, action: string, ...more: string[]): Thenable<string | undefined>;
}

export const modalPrompts: RestorePrompts = {
  confirm: (message, detail, ...actions) => vscode.window.showWarningMessage(message, { modal: true, detail }, ...actions),
};

export class RestoreService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<UndoEntry | undefined>();
  /** A restore or an undo changed what the workspace holds (the gutter follows the top of the stack). */
  readonly onDidChangeRestored = this.changed.event;
  private readonly previews = new Map<string, string>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly workspaceState: vscode.Memento,
    private readonly store: StoreService,
    private readonly runs: RunController,
    private readonly snapshots: SnapshotService,
    private readonly output: vscode.LogOutputChannel,
    private readonly prompts: RestorePrompts = modalPrompts,
  ) {
    this.subs.push(
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, { provideTextDocumentContent: (uri) => this.previews.get(uri.path) }),
    );
    void this.refreshContext();
  }

  /** Resolves to what was written, or undefined when nothing was (already equal, or the user said no). */
  async restoreNode(nodeId: string): Promise<RestoreResult | undefined> {
    const ctx = await lookupNode(this.store, this.runs, nodeId);
    if (!ctx) throw new Error(`Step ${nodeId} is not in this workspace's store. Reopen the Replay view and pick the step again.`);
    const snap = snapshotForNode(ctx.nodesOfRun, ctx.node);
    if (!snap) throw new Error(`Step "${ctx.node.name}" has no snapshot at or before it in its branch; pick a later step to restore.`);
    const target: RestoreTarget = { runId: ctx.node.runId, branchId: ctx.node.branchId, nodeId: ctx.node.id, beforeSeq: ctx.node.seq };
    return this.restoreSnapshot(snap.snapshotId, `step ${ctx.node.seq + 1} "${ctx.node.name}"${ctx.branch ? ` of branch ${ctx.branch.label}` : ''}`, target);
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
    return this.restoreSnapshot(last.snapshotId, `the result of branch ${ctx.branch.label}`, { runId: ctx.branch.runId, branchId });
  }

  /** The restore currently in effect (top of the undo stack), for the gutter. */
  async current(): Promise<UndoEntry | undefined> {
    try {
      const { engine } = await this.snapshots.get();
      return undoStackOf(engine).current;
    } catch {
      return undefined;
    }
  }

  async undo(): Promise<RestoreResult | undefined> {
    const { engine, paths } = await this.snapshots.get();
    this.importLegacyUndo(engine);
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'NemoCognition: undoing the last restore' }, () => undoLastRestore(engine, paths.root));
    if (!r) {
      void vscode.window.showInformationMessage('There is no NemoCognition restore to undo in this workspace.');
      await this.refreshContext(engine);
      return undefined;
    }
    const left = undoStackOf(engine).list().length;
    const removed = deletedFiles(r.deleted).length;
    this.output.info(`Undid the restore of ${r.undone.label}: wrote ${files(r.written.length)}, deleted ${files(removed)}. Undo points left: ${left}.`);
    void vscode.window.showInformationMessage(
      `Undid the restore of ${r.undone.label}: ${files(r.written.length)} written back, ${removed} removed.${left ? ` ${left} earlier restore(s) can still be undone.` : ''}`,
    );
    await this.refreshContext(engine);
    this.changed.fire(undoStackOf(engine).current);
    return r;
  }

  private async restoreSnapshot(snapshotId: string, label: string, target: RestoreTarget): Promise<RestoreResult | undefined> {
    await this.snapshots.ensure(snapshotId, { restore: true });
    const { engine, paths } = await this.snapshots.get();
    this.importLegacyUndo(engine);
    const preview = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'NemoCognition: comparing with workspace' }, () =>
      previewRestore(engine, snapshotId, paths.root),
    );
    if (preview.write.length === 0 && preview.delete.length === 0) {
      void vscode.window.showInformationMessage(`The workspace already matches ${label}: nothing to restore.`);
      return undefined;
    }
    let choice = interpretChoice(undefined);
    for (let asked = 0; asked < 20; asked++) {
      const modal = buildRestoreModal(preview, label, this.dirtyPaths(paths));
      choice = interpretChoice(await this.prompts.confirm(modal.message, modal.detail, modal.buttons[0]!, ...modal.buttons.slice(1)));
      if (!choice.showAll) break;
      await this.showFullList(snapshotId, describePreview(preview));
    }
    if (!choice.restore) return undefined;
    if (choice.saveFirst && !(await this.saveDirty(paths, new Set([...preview.write, ...preview.delete].map((f) => f.path))))) return undefined;
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `NemoCognition: restoring ${label}` }, () =>
      restoreWithUndo(engine, snapshotId, paths.root, { label, target, allowOutsideSymlinks: choice.allowOutsideSymlinks }),
    );
    const removed = deletedFiles(result.deleted).length;
    this.output.info(`Restored ${label}: wrote ${files(result.written.length)}, deleted ${files(removed)}; undo point ${result.undoSnapshotId}.`);
    await this.refreshContext(engine);
    this.changed.fire(result.entry);
    // Not awaited: the restore is done; the toast's buttons act whenever (if ever) the user clicks one.
    void vscode.window.showInformationMessage(`Restored ${label}: ${files(result.written.length)} written, ${removed} deleted.`, 'Undo', 'Show Output').then((pick) => {
      if (pick === 'Undo') return this.undo();
      if (pick === 'Show Output') this.output.show(true);
    });
    const { entry: _entry, ...written } = result;
    return written;
  }

  /** Workspace-relative paths of file editors with unsaved changes. */
  private dirtyPaths(paths: WorkspacePaths): string[] {
    return vscode.workspace.textDocuments
      .filter((d) => d.isDirty && d.uri.scheme === 'file')
      .map((d) => relativeInWorkspace(paths, d.uri.fsPath))
      .filter((p): p is string => p !== undefined);
  }

  /** Saves the dirty editors the restore touches; false (and says why) when one could not be saved. */
  private async saveDirty(paths: WorkspacePaths, touched: Set<string>): Promise<boolean> {
    for (const d of vscode.workspace.textDocuments) {
      if (!d.isDirty || d.uri.scheme !== 'file') continue;
      const rel = relativeInWorkspace(paths, d.uri.fsPath);
      if (!rel || !touched.has(rel)) continue;
      if (!(await d.save()) || d.isDirty) {
        void vscode.window.showErrorMessage(`Could not save ${rel}, so the restore did not run (it would overwrite your unsaved changes). Save or discard them, then restore again.`);
        return false;
      }
    }
    return true;
  }

  private async showFullList(snapshotId: string, text: string): Promise<void> {
    const key = `/restore-${snapshotId}.txt`;
    this.previews.set(key, text);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: key }));
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: false });
  }

  /** An undo record from before the undo stack becomes its first entry (if its snapshot still exists). */
  private importLegacyUndo(engine: SnapshotEngine): void {
    const legacy = this.workspaceState.get<{ undoSnapshotId?: unknown; label?: unknown; at?: unknown }>(LEGACY_UNDO_KEY);
    if (!legacy) return;
    void this.workspaceState.update(LEGACY_UNDO_KEY, undefined);
    const stack = undoStackOf(engine);
    if (typeof legacy.undoSnapshotId === 'string' && engine.get(legacy.undoSnapshotId) && stack.list().length === 0) {
      stack.push({ undoSnapshotId: legacy.undoSnapshotId, restoredSnapshotId: '', label: String(legacy.label ?? 'an earlier restore'), at: Number(legacy.at) || Date.now() });
    }
  }

  private async refreshContext(engine?: SnapshotEngine): Promise<void> {
    let can = false;
    try {
      const e = engine ?? (await this.snapshots.get()).engine;
      can = undoStackOf(e).list().length > 0;
    } catch {
      can = false;
    }
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.canUndoRestore, can);
  }

  dispose(): void {
    this.subs.forEach((d) => d.dispose());
  }
}
