/**
 * The extension's side of the Replay protocol for one webview: answers the
 * ready handshake with the bootstrap state, validates every message the
 * webview posts, answers its requests (runs, node details, files changed,
 * memory, comparisons) and turns its commands into the extension's commands.
 * The webview never reaches anything else: every piece of data it shows
 * comes through here (src/protocol/replay.ts).
 */
import * as vscode from 'vscode';
import {
  PROTOCOL_VERSION,
  isWebviewMessage,
  type HostCapabilities,
  type HostMessage,
  type HostNotification,
  type ReplayBootstrap,
  type RequestResults,
  type WebviewCommand,
  type WebviewRequest,
} from '../../protocol/replay';
import { CHECK_SETUP_COMMAND, COMMANDS, REPLAY_VIEW_ID } from '../commands/ids';
import type { NcSettings } from '../config/settings';
import { openCompare, openStepChanges, openStepDiff } from '../diff/openSnapshotDiff';
import type { RunController } from '../run/runController';
import { lookupRunOfNode } from '../services/runLookup';
import type { Services } from '../services/services';
import type { StoreService } from '../services/storeService';
import { phoenixEndpointOf } from './phoenixLink';
import { changesAt, compareAt, memoryAt } from '../../core/replay/changes';
import { listRuns, nodeDetail, runDetail } from './replayData';

export interface ReplayHostDeps {
  store: StoreService;
  runs: RunController;
  settings(): NcSettings;
  workspaceName(): string | null;
  log: vscode.LogOutputChannel;
  /** The services the snapshot-backed answers and the diff commands use (set once activation is complete). */
  services(): Services | undefined;
}

/** The extension can do everything the protocol names. */
export const EXTENSION_CAPABILITIES: HostCapabilities = { restore: true, diff: true, workspace: true, fork: true, run: true };


export class ReplayHost {
  ready = false;
  selectedRunId: string | null = null;
  selectedNodeId: string | null = null;
  private readonly selection = new vscode.EventEmitter<{ runId: string | null; nodeId: string | null }>();
  /** The step the user is on in the Replay view (the playhead): the gutter follows it. */
  readonly onDidChangeSelection = this.selection.event;

  constructor(
    private readonly deps: ReplayHostDeps,
    private readonly post: (m: HostMessage) => void,
  ) {}

  notify(notification: HostNotification): void {
    if (this.ready) this.post({ kind: 'notify', notification });
  }

  async bootstrap(): Promise<ReplayBootstrap> {
    const live = this.deps.runs.current;
    const s = this.deps.settings();
    const data = await this.deps.store.query((st) => {
      const runs = listRuns(st, live);
      const runId = this.selectedRunId ?? live?.runId ?? runs[0]?.id ?? null;
      return { runs, detail: runId ? runDetail(st, live, runId) : null };
    });
    return {
      protocolVersion: PROTOCOL_VERSION,
      workspaceName: this.deps.workspaceName(),
      store: this.deps.store.status,
      runs: data?.runs ?? listRuns(undefined, live),
      detail: data?.detail ?? live?.detail() ?? null,
      active: live?.view() ?? null,
      narration: live ? [...live.narration] : [],
      gutterEnabled: s.gutterEnabled,
      modelPreset: s.modelPreset,
      capabilities: EXTENSION_CAPABILITIES,
      phoenixEndpoint: phoenixEndpointOf(s),
    };
  }

  async onMessage(m: unknown): Promise<void> {
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
        return;
      case 'command':
        try {
          await this.onCommand(m.command);
        } catch (err) {
          // Commands run through guarded() show their own errors; this catches what fails before them.
          this.deps.log.error(`Replay view: ${m.command.type} failed: ${err instanceof Error ? err.message : String(err)}`);
          void vscode.window.showErrorMessage(`NemoCognition: ${err instanceof Error ? err.message : String(err)}`);
        }
        return;
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
      case 'getChanges': {
        const s = this.deps.services();
        const found = s && (await lookupRunOfNode(s.store, s.runs, r.nodeId));
        if (!s || !found) return null;
        const { engine, paths } = await s.snapshots.get();
        return changesAt(engine, found.detail, r.nodeId, r.mode, paths.root);
      }
      case 'getCompare': {
        const s = this.deps.services();
        const found = s && (await lookupRunOfNode(s.store, s.runs, r.leftNodeId));
        if (!s || !found) return null;
        const { engine } = await s.snapshots.get();
        return compareAt(engine, found.detail, r.leftNodeId, r.rightNodeId);
      }
      case 'getMemory': {
        const s = this.deps.services();
        const found = s && (await lookupRunOfNode(s.store, s.runs, r.nodeId));
        if (!s || !found) return null;
        const { engine } = await s.snapshots.get();
        return memoryAt(engine, found.detail, r.nodeId);
      }
    }
  }

  private async onCommand(c: WebviewCommand): Promise<void> {
    const exec = (id: string, ...args: unknown[]) => vscode.commands.executeCommand(id, ...args);
    const s = this.deps.services();
    switch (c.type) {
      case 'selectRun':
        this.selectedRunId = c.runId;
        this.selectedNodeId = null;
        this.selection.fire({ runId: c.runId, nodeId: null });
        return;
      case 'selectNode':
        this.selectedNodeId = c.nodeId;
        this.selection.fire({ runId: this.selectedRunId, nodeId: c.nodeId });
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
        if (!s) return;
        // A file pick dismissed with Escape would leave focus in the editor: bring it back to the view, where the user was.
        if (!(await this.guard('Compare', () => openStepDiff(s, c.nodeId, c.path, c.mode ?? 'workspace')))) await exec(`${REPLAY_VIEW_ID}.focus`);
        return;
      case 'openChanges':
        if (s) await this.guard('Files changed', () => openStepChanges(s, c.nodeId, c.mode));
        return;
      case 'openCompare':
        if (s) await this.guard('Compare branches', () => openCompare(s, c.leftNodeId, c.rightNodeId, c.path));
        return;
      case 'fork':
        await exec(COMMANDS.forkFromNode, { nodeId: c.nodeId, instruction: c.instruction });
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
      case 'checkSetup':
        // NemoCognition: Check Setup (nemocog doctor) comes with the setup-check feature; until it is there, say where to look.
        if ((await vscode.commands.getCommands(true)).includes(CHECK_SETUP_COMMAND)) await exec(CHECK_SETUP_COMMAND);
        else {
          this.deps.log.warn('Check Setup is not available in this build; showing the output channel instead.');
          await exec(COMMANDS.showOutput);
        }
        return;
    }
  }

  /** Runs an action, showing its error to the user; false when it failed or opened nothing. */
  private async guard(what: string, fn: () => Promise<boolean | void>): Promise<boolean> {
    try {
      return (await fn()) !== false;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      this.deps.log.error(`${what}: ${msg}`);
      void vscode.window.showErrorMessage(`NemoCognition: ${msg}`);
      return false;
    }
  }

  dispose(): void {
    this.selection.dispose();
  }
}
