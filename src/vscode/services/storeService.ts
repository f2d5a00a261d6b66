/**
 * Opens the workspace's run store lazily, for reading, and lets go of it soon
 * after: the core Store has a single-writer lock, and the writer may be a
 * supervised run in this window or `nemocog` in a terminal. While a run of this
 * window writes, the service is suspended and the view is fed by the run's
 * listener instead. A watcher on the journal tells the views when someone
 * else appended events.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { Store, StoreLockedError } from '../../core/store/store';
import type { StoreStatus } from '../../protocol/replay';
import type { StoreReader } from './storeReader';
import type { WorkspacePaths } from './workspacePaths';

const IDLE_CLOSE_MS = 5_000;
const CHANGE_DEBOUNCE_MS = 300;

export class StoreService implements vscode.Disposable {
  private store: Store | undefined;
  private opening: Promise<Store | undefined> | undefined;
  private suspended = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;
  private _status: { status: StoreStatus; message: string | null } = { status: 'missing', message: null };
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly statusChanged = new vscode.EventEmitter<{ status: StoreStatus; message: string | null }>();
  /** The store's contents may have changed: re-query. */
  readonly onDidChange = this.changed.event;
  readonly onDidChangeStatus = this.statusChanged.event;

  constructor(
    private readonly paths: () => WorkspacePaths | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.rewatch();
  }

  get status(): { status: StoreStatus; message: string | null } {
    return this._status;
  }

  /** Runs `fn` against the store; undefined when there is no store (yet), it is busy, or it failed to open. */
  async query<T>(fn: (s: StoreReader) => T): Promise<T | undefined> {
    const store = await this.open();
    if (!store) return undefined;
    this.armIdleClose();
    return fn(store);
  }

  /** Closes the store and keeps it closed until the returned disposable is disposed (a run of this window is writing). */
  async suspend(): Promise<vscode.Disposable> {
    this.suspended++;
    await this.close();
    return new vscode.Disposable(() => {
      this.suspended = Math.max(0, this.suspended - 1);
      if (this.suspended === 0) this.fireChanged();
    });
  }

  /** The workspace or the store location changed. */
  async reset(): Promise<void> {
    await this.close();
    this.rewatch();
    this.fireChanged();
  }

  private rewatch(): void {
    this.watcher?.dispose();
    this.watcher = undefined;
    const p = this.paths();
    if (!p) {
      this.setStatus('no-workspace', null);
      return;
    }
    this.setStatus(fs.existsSync(p.storeDir) ? 'ready' : 'missing', null);
    void vscode.commands.executeCommand('setContext', 'nemocognition.hasStore', fs.existsSync(p.storeDir));
    // Another process (the CLI) appending to the journal; our own reads never write there.
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(p.base), 'store/journal/**'));
    const onFs = () => {
      if (this.suspended > 0 || this.store) return; // while we hold the lock, nobody else writes
      void vscode.commands.executeCommand('setContext', 'nemocognition.hasStore', true);
      this.fireChanged();
    };
    this.watcher.onDidChange(onFs);
    this.watcher.onDidCreate(onFs);
  }

  private fireChanged(): void {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.changeTimer = setTimeout(() => this.changed.fire(), CHANGE_DEBOUNCE_MS);
  }

  private setStatus(status: StoreStatus, message: string | null): void {
    if (this._status.status === status && this._status.message === message) return;
    this._status = { status, message };
    this.statusChanged.fire(this._status);
  }

  private open(): Promise<Store | undefined> {
    if (this.suspended > 0) return Promise.resolve(undefined);
    if (this.store) return Promise.resolve(this.store);
    if (this.opening) return this.opening;
    const p = this.paths();
    if (!p) {
      this.setStatus('no-workspace', null);
      return Promise.resolve(undefined);
    }
    // Never create the store just by looking at it: it appears with the first run.
    if (!fs.existsSync(p.storeDir)) {
      this.setStatus('missing', null);
      return Promise.resolve(undefined);
    }
    this.opening = Store.open(p.storeDir, {
      log: (level, msg) => (level === 'error' ? this.log.error(msg) : level === 'warn' ? this.log.warn(msg) : this.log.info(msg)),
    })
      .then((s) => {
        if (this.suspended > 0) {
          void s.close();
          return undefined;
        }
        this.store = s;
        this.setStatus('ready', null);
        return s;
      })
      .catch((err: unknown) => {
        const msg = err instanceof Error ? err.message : String(err);
        if (err instanceof StoreLockedError) {
          this.setStatus('error', `The run store is being written by another NemoCognition process; the replay refreshes when it finishes. (${msg})`);
        } else {
          this.log.error(`Could not open the run store: ${msg}`);
          this.setStatus('error', `Could not open the run store: ${msg} See the NemoCognition output for details.`);
        }
        return undefined;
      })
      .finally(() => {
        this.opening = undefined;
      });
    return this.opening;
  }

  private armIdleClose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.close(), IDLE_CLOSE_MS);
  }

  private async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.opening) await this.opening;
    const s = this.store;
    this.store = undefined;
    if (s) await s.close().catch((err: unknown) => this.log.warn(`Closing the run store: ${err instanceof Error ? err.message : String(err)}`));
  }

  dispose(): void {
    this.watcher?.dispose();
    if (this.changeTimer) clearTimeout(this.changeTimer);
    void this.close();
    this.changed.dispose();
    this.statusChanged.dispose();
  }
}
