/**
 * The Replay webview view: serves the bundled app under a strict CSP, answers
 * its ready handshake with the bootstrap state, validates every message it
 * posts, and pushes notifications as the store or the live run changes.
 */
import * as vscode from 'vscode';
import {
  PROTOCOL_VERSION,
  isWebviewMessage,
  type HostMessage,
  type HostNotification,
  type ReplayBootstrap,
  type RequestResults,
  type WebviewCommand,
  type WebviewRequest,
} from '../../protocol/replay';
import { COMMANDS, REPLAY_VIEW_ID } from '../commands/ids';
import type { NcSettings } from '../config/settings';
import type { RunController } from '../run/runController';
import type { StoreService } from '../services/storeService';
import { makeNonce } from './csp';
import { listRuns, nodeDetail, runDetail } from './replayData';
import { renderReplayHtml } from './replayHtml';

export interface ReplayViewDeps {
  extensionUri: vscode.Uri;
  store: StoreService;
  runs: RunController;
  settings(): NcSettings;
  workspaceName(): string | null;
  log: vscode.LogOutputChannel;
}

export class ReplayViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = REPLAY_VIEW_ID;
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private pendingReveal: { runId: string; nodeId: string } | undefined;
  private readonly subs: vscode.Disposable[] = [];
  /** What the user last selected in the view: the default target of the restore/diff commands. */
  selectedRunId: string | null = null;
  selectedNodeId: string | null = null;

  constructor(private readonly deps: ReplayViewDeps) {
    const { store, runs } = deps;
    this.subs.push(
      store.onDidChange(() => void this.refresh()),
      store.onDidChangeStatus((s) => this.notify({ type: 'storeStatus', status: s.status, message: s.message })),
      runs.onDidChangeActive((active) => this.notify({ type: 'activeRunChanged', active })),
      runs.onNarration((line) => this.notify({ type: 'narration', line })),
      runs.onNode((node) => this.notify({ type: 'nodeAppended', node })),
      runs.onRunDetail((detail) => {
        this.notify({ type: 'runUpdated', detail });
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const dist = vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview');
    const media = vscode.Uri.joinPath(this.deps.extensionUri, 'media');
    view.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [dist, media] };
    view.webview.html = renderReplayHtml({
      cspSource: view.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'main.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'main.css')).toString(),
    });
    const subs = [
      view.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      view.onDidDispose(() => {
        this.view = undefined;
        this.ready = false;
        subs.forEach((d) => d.dispose());
      }),
    ];
  }

  /** Focuses the view and selects a step (from a gutter hover link or a command). */
  async reveal(runId: string, nodeId: string): Promise<void> {
    this.pendingReveal = { runId, nodeId };
    await vscode.commands.executeCommand(`${REPLAY_VIEW_ID}.focus`);
    if (this.ready) this.flushReveal();
  }

  settingsChanged(): void {
    const s = this.deps.settings();
    this.notify({ type: 'settingsChanged', gutterEnabled: s.gutterEnabled, modelPreset: s.modelPreset });
  }

  private flushReveal(): void {
    const r = this.pendingReveal;
    if (!r) return;
    this.pendingReveal = undefined;
    this.selectedRunId = r.runId;
    this.selectedNodeId = r.nodeId;
    void this.sendRun(r.runId).then(() => this.notify({ type: 'revealNode', runId: r.runId, nodeId: r.nodeId }));
  }

  private post(m: HostMessage): void {
    void this.view?.webview.postMessage(m);
  }

  private notify(notification: HostNotification): void {
    if (this.ready) this.post({ kind: 'notify', notification });
  }

  private async refresh(): Promise<void> {
    if (!this.ready) return;
    const live = this.deps.runs.current;
    const runs = await this.deps.store.query((s) => listRuns(s, live));
    this.notify({ type: 'runsChanged', runs: runs ?? listRuns(undefined, live) });
    const runId = this.selectedRunId ?? runs?.[0]?.id;
    if (runId) await this.sendRun(runId);
  }

  private async sendRun(runId: string): Promise<void> {
    const live = this.deps.runs.current;
    const detail = (await this.deps.store.query((s) => runDetail(s, live, runId))) ?? runDetail(undefined, live, runId);
    if (detail) this.notify({ type: 'runUpdated', detail });
  }

  private async bootstrap(): Promise<ReplayBootstrap> {
    const live = this.deps.runs.current;
    const s = this.deps.settings();
    const data = await this.deps.store.query((st) => {
      const runs = listRuns(st, live);
      const runId = this.selectedRunId ?? live?.runId ?? runs[0]?.id ?? null;
      return { runs, detail: runId ? runDetail(st, live, runId) : null };
    });
    const runs = data?.runs ?? listRuns(undefined, live);
    return {
      protocolVersion: PROTOCOL_VERSION,
      workspaceName: this.deps.workspaceName(),
      store: this.deps.store.status,
      runs,
      detail: data?.detail ?? live?.detail() ?? null,
      active: live?.view() ?? null,
      narration: live ? [...live.narration] : [],
      gutterEnabled: s.gutterEnabled,
      modelPreset: s.modelPreset,
    };
  }

  private async onMessage(m: unknown): Promise<void> {
    if (!isWebviewMessage(m)) {
      this.deps.log.warn('Replay view: ignored a message of unexpected shape.');
      return;
    }
    switch (m.kind) {
      case 'ready':
        if (m.protocolVersion !== PROTOCOL_VERSION) {
          this.deps.log.warn(`Replay view speaks protocol ${m.protocolVersion}, the extension ${PROTOCOL_VERSION}; reload the window.`);
        }
        this.post({ kind: 'bootstrap', state: await this.bootstrap() });
        this.ready = true;
        this.flushReveal();
        return;
      case 'command':
        return this.onCommand(m.command);
      case 'request':
        try {
          const result = await this.answer(m.request);
          this.post({ kind: 'reply', id: m.id, ok: true, result });
        } catch (err) {
          this.post({ kind: 'reply', id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) });
        }
        return;
    }
  }

  private async answer(r: WebviewRequest): Promise<RequestResults[WebviewRequest['method']]> {
    const live = this.deps.runs.current;
    switch (r.method) {
      case 'getRun':
        this.selectedRunId = r.runId;
        return (await this.deps.store.query((s) => runDetail(s, live, r.runId))) ?? runDetail(undefined, live, r.runId);
      case 'getNodeDetail':
        return (await this.deps.store.query((s) => nodeDetail(s, live, r.nodeId))) ?? nodeDetail(undefined, live, r.nodeId);
    }
  }

  private async onCommand(c: WebviewCommand): Promise<void> {
    const exec = (id: string, ...args: unknown[]) => vscode.commands.executeCommand(id, ...args);
    switch (c.type) {
      case 'selectRun':
        this.selectedRunId = c.runId;
        this.selectedNodeId = null;
        return;
      case 'selectNode':
        this.selectedNodeId = c.nodeId;
        return;
      case 'toggleBranch':
        return;
      case 'restoreNode':
        await exec(COMMANDS.restoreNode, c.nodeId);
        return;
      case 'restoreBranch':
        await exec(COMMANDS.restoreBranch, c.branchId);
        return;
      case 'openDiff':
        await exec(COMMANDS.openSnapshotDiff, { nodeId: c.nodeId, path: c.path });
        return;
      case 'runAgent':
        await exec(COMMANDS.runSupervisedAgent);
        return;
      case 'cancelRun':
        await exec(COMMANDS.cancelRun);
        return;
      case 'setApiKey':
        await exec(COMMANDS.setApiKey);
        return;
      case 'showOutput':
        await exec(COMMANDS.showOutput);
        return;
      case 'openSettings':
        await exec('workbench.action.openSettings', '@ext:nemocognition.nemocognition');
        return;
    }
  }

  dispose(): void {
    this.subs.forEach((d) => d.dispose());
  }
}
