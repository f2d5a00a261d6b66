/**
 * The Replay webview view: serves the bundled app under a strict CSP and
 * connects it to a ReplayHost (the protocol's extension side), pushing
 * notifications as the store or the live run changes.
 */
import * as vscode from 'vscode';
import type { HostNotification } from '../../protocol/replay';
import { REPLAY_VIEW_ID } from '../commands/ids';
import type { NcSettings } from '../config/settings';
import type { RunController } from '../run/runController';
import type { Services } from '../services/services';
import type { StoreService } from '../services/storeService';
import { makeNonce } from './csp';
import { listRuns, runDetail } from './replayData';
import { phoenixEndpointOf } from './phoenixLink';
import { ReplayHost } from './replayHost';
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
  private host: ReplayHost | undefined;
  private services: Services | undefined;
  private pendingReveal: { runId: string; nodeId: string } | undefined;
  private readonly subs: vscode.Disposable[] = [];
  private readonly selection = new vscode.EventEmitter<{ runId: string | null; nodeId: string | null }>();
  /** The step the user is on (the playhead); the gutter follows it. */
  readonly onDidChangeSelection = this.selection.event;

  constructor(private readonly deps: ReplayViewDeps) {
    const { store, runs } = deps;
    this.subs.push(
      this.selection,
      store.onDidChange(() => void this.refresh()),
      store.onDidChangeStatus((s) => this.notify({ type: 'storeStatus', status: s.status, message: s.message })),
      runs.onDidChangeActive((active) => this.notify({ type: 'activeRunChanged', active })),
      runs.onNarration((line) => this.notify({ type: 'narration', line })),
      runs.onNode((node) => this.notify({ type: 'nodeAppended', node })),
      runs.onRunDetail((detail) => this.notify({ type: 'runUpdated', detail })),
    );
  }

  /** What the user last selected in the view: the default target of the restore/diff commands. */
  get selectedRunId(): string | null {
    return this.host?.selectedRunId ?? null;
  }
  get selectedNodeId(): string | null {
    return this.host?.selectedNodeId ?? null;
  }

  /** Activation hands over the services once they all exist (they include this provider). */
  attach(services: Services): void {
    this.services = services;
  }

  resolveWebviewView(view: vscode.WebviewView): void {

    const dist = vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview');
    const media = vscode.Uri.joinPath(this.deps.extensionUri, 'media');
    view.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [dist, media] };
    const previous = this.host;
    const host = new ReplayHost({ ...this.deps, services: () => this.services }, (m) => void view.webview.postMessage(m));
    host.selectedRunId = previous?.selectedRunId ?? null;
    previous?.dispose();
    this.host = host;
    const asUri = (file: string) => view.webview.asWebviewUri(vscode.Uri.joinPath(dist, file)).toString();
    view.webview.html = renderReplayHtml({
      cspSource: view.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asUri('main.js'),
      styleUri: asUri('main.css'),
      codiconUri: asUri('codicon.css'),
    });
    const subs = [
      host.onDidChangeSelection((sel) => this.selection.fire(sel)),
      view.webview.onDidReceiveMessage(async (m: unknown) => {
        const wasReady = host.ready;
        await host.onMessage(m);
        if (!wasReady && host.ready) this.flushReveal();
      }),
      view.onDidDispose(() => {
        if (this.host === host) this.host = undefined;
        host.dispose();
        subs.forEach((d) => d.dispose());
      }),
    ];
  }

  /** Focuses the view and selects a step (from a gutter hover link or a command). */
  async reveal(runId: string, nodeId: string): Promise<void> {
    this.pendingReveal = { runId, nodeId };
    await vscode.commands.executeCommand(`${REPLAY_VIEW_ID}.focus`);
    if (this.host?.ready) this.flushReveal();
  }

  settingsChanged(): void {
    const s = this.deps.settings();
    this.notify({ type: 'settingsChanged', gutterEnabled: s.gutterEnabled, modelPreset: s.modelPreset, phoenixEndpoint: phoenixEndpointOf(s) });
  }

  private flushReveal(): void {
    const r = this.pendingReveal;
    const host = this.host;
    if (!r || !host) return;
    this.pendingReveal = undefined;
    host.selectedRunId = r.runId;
    host.selectedNodeId = r.nodeId;
    void this.sendRun(r.runId).then(() => this.notify({ type: 'revealNode', runId: r.runId, nodeId: r.nodeId }));
  }

  private notify(notification: HostNotification): void {
    this.host?.notify(notification);
  }

  private async refresh(): Promise<void> {
    if (!this.host?.ready) return;
    const live = this.deps.runs.current;
    const runs = await this.deps.store.query((s) => listRuns(s, live));
    this.notify({ type: 'runsChanged', runs: runs ?? listRuns(undefined, live) });
    const runId = this.host.selectedRunId ?? runs?.[0]?.id;
    if (runId) await this.sendRun(runId);
  }

  private async sendRun(runId: string): Promise<void> {
    const live = this.deps.runs.current;
    const detail = (await this.deps.store.query((s) => runDetail(s, live, runId))) ?? runDetail(undefined, live, runId);
    if (detail) this.notify({ type: 'runUpdated', detail });
  }

  dispose(): void {
    this.host?.dispose();
    this.subs.forEach((d) => d.dispose());
  }
}
