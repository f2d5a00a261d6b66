/**
 * Keeps the Phoenix mirror running for this window's workspace while
 * `nemocognition.phoenix.enabled` is on: starts `nemocog mirror --follow` in a
 * child process (mirrorProcess.ts) with the Phoenix key and the model key to
 * scrub, restarts it when settings or keys change or when it dies (with
 * backoff), and shows what it reports in a status-bar item (off / live /
 * behind by N / failing with the reason). A run never waits on any of this.
 * TODO(nemocog): runs started with nemocognition.sandbox.remoteHost are recorded in the remote host's
 * store; this window does not mirror them (README: run `nemocog mirror --follow` on that host).
 */
import * as vscode from 'vscode';
import { phoenixBaseUrl } from '../../core/mirror/links';
import type { MirrorStatus } from '../../core/mirror/status';
import { COMMANDS } from '../commands/ids';
import type { NcSettings } from '../config/settings';
import type { ApiKeyStore } from '../secrets/apiKeyStore';
import type { PhoenixKeyStore } from '../secrets/phoenixKeyStore';
import type { WorkspacePaths } from '../services/workspacePaths';
import { MIRROR_BUSY_EXIT, MirrorProcess } from './mirrorProcess';
import { statusText, type MirrorView } from './statusText';

export interface MirrorServiceDeps {
  extensionUri: vscode.Uri;
  output: vscode.LogOutputChannel;
  settings(): NcSettings;
  paths(): WorkspacePaths | undefined;
  apiKey: ApiKeyStore;
  phoenixKey: PhoenixKeyStore;
}

const BUSY_RETRY_MS = 30_000;
const MAX_RESTART_MS = 60_000;

export class MirrorService implements vscode.Disposable {
  private proc: MirrorProcess | undefined;
  private _view: MirrorView = { kind: 'off' };
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private restartDelay = 1_000;
  private generation = 0;
  private lastStatus: MirrorStatus | undefined;
  private disposed = false;
  private readonly item: vscode.StatusBarItem;
  private readonly changed = new vscode.EventEmitter<MirrorView>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly deps: MirrorServiceDeps) {
    this.item = vscode.window.createStatusBarItem('nemocognition.phoenix', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'NemoCognition Phoenix mirror';
    this.item.command = COMMANDS.phoenixMirrorMenu;
    this.render();
  }

  get view(): MirrorView {
    return this._view;
  }

  /** The run of the latest span the mirror confirmed (for "Open Run in Phoenix"). */
  get lastRunId(): string | null {
    return this.lastStatus?.lastRunId ?? null;
  }

  get enabled(): boolean {
    return this.deps.settings().phoenixEnabled;
  }

  /** (Re)starts or stops the mirror to match the settings; call on activation and on every relevant change. */
  async restart(): Promise<void> {
    const gen = ++this.generation;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const old = this.proc;
    this.proc = undefined;
    await old?.stop();
    if (gen !== this.generation || this.disposed) return;
    const s = this.deps.settings();
    const paths = this.deps.paths();
    if (!s.phoenixEnabled || !paths) return this.setView({ kind: 'off' });
    let endpoint: string;
    try {
      endpoint = phoenixBaseUrl(s.phoenixEndpoint);
    } catch (err) {
      return this.setView({ kind: 'crashed', endpoint: s.phoenixEndpoint, reason: `${(err as Error).message} Fix nemocognition.phoenix.endpoint.` });
    }
    const [apiKey, modelKey] = await Promise.all([this.deps.phoenixKey.get(), this.deps.apiKey.get()]);
    if (gen !== this.generation || this.disposed) return;
    this.setView({ kind: 'starting', endpoint });
    this.deps.output.info(`Phoenix mirror: ${endpoint}, project ${s.phoenixProject}${apiKey ? ', with an API key' : ''}.`);
    this.proc = MirrorProcess.start(
      {
        cliPath: vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'cli.js').fsPath,
        execPath: process.execPath,
        workspace: paths.root,
        storeDir: paths.storeDir,
        endpoint,
        project: s.phoenixProject,
        ...(apiKey ? { apiKey } : {}),
        secrets: modelKey ? [modelKey] : [],
      },
      {
        status: (st) => {
          if (gen !== this.generation) return;
          this.restartDelay = 1_000;
          this.lastStatus = st;
          this.setView({ kind: 'status', status: st });
        },
        log: (level, msg) => this.deps.output[level](`Phoenix mirror: ${msg}`),
        exit: (code, signal, stderr) => {
          if (gen !== this.generation || this.disposed) return;
          this.proc = undefined;
          if (code === MIRROR_BUSY_EXIT) {
            this.setView({ kind: 'busy', endpoint });
            this.schedule(BUSY_RETRY_MS);
            return;
          }
          const reason = stderr.split('\n').filter(Boolean).pop() ?? `exit code ${code ?? signal}`;
          this.deps.output.error(`Phoenix mirror process stopped (${code ?? signal}): ${stderr || '(no output)'}`);
          this.setView({ kind: 'crashed', endpoint, reason });
          this.schedule(this.restartDelay);
          this.restartDelay = Math.min(MAX_RESTART_MS, this.restartDelay * 2);
        },
      },
    );
  }

  private schedule(ms: number): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => void this.restart(), ms);
  }

  /** "Retry now": wakes a waiting mirror, or starts one that is not running. */
  retryNow(): void {
    if (this.proc?.running) this.proc.retryNow();
    else void this.restart();
  }

  private setView(v: MirrorView): void {
    this._view = v;
    this.render();
    this.changed.fire(v);
  }

  private render(): void {
    const t = statusText(this._view);
    this.item.text = t.text;
    this.item.tooltip = t.tooltip.filter(Boolean).join('\n');
    this.item.backgroundColor =
      t.severity === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : t.severity === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: t.text.replace(/\$\([^)]*\)\s*/g, ''), role: 'button' };
    if (this.deps.paths()) this.item.show();
    else this.item.hide();
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    void this.proc?.stop();
    this.item.dispose();
    this.changed.dispose();
  }
}
