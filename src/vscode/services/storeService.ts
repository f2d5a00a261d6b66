/**
 * The workspace's run store, opened read-only (no writer lock, nothing on disk
 * changed) so that a supervised run in this window or `nemocog` in a terminal
 * can write while the views read. New journal records are picked up with
 * refresh() when the journal changes (file watcher), and by polling while a
 * run of this window is going (watchers can coalesce or miss events).
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { Store } from '../../core/store/store';
import type { StoreStatus } from '../../protocol/replay';
import type { StoreReader } from './storeReader';
import type { WorkspacePaths } from './workspacePaths';

const CHANGE_DEBOUNCE_MS = 200;
const RUN_POLL_MS = 1_000;

export class StoreService implements vscode.Disposable {
  private store: Store | undefined;
  private storeDir: string | undefined;
  private opening: Promise<Store | undefined> | undefined;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  private tracking = 0;
  private watcher: vscode.FileSystemWatcher | undefined;
  private _status: { status: StoreStatus; message: string | null } = { status: 'missing', message: null };
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly statusChanged = new vscode.EventEmitter<{ status: StoreStatus; message: string | null }>();
  /** The store's contents changed: re-query. */
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

  /** Runs `fn` against the store; undefined when there is no store yet or it cannot be read. */
  async query<T>(fn: (s: StoreReader) => T): Promise<T | undefined> {
    const store = await this.open();
    return store ? fn(store) : undefined;
  }

  /** Polls the journal while a run of this window writes; disposing stops it and announces the final state. */
  trackRun(): vscode.Disposable {
    this.tracking++;
    this.poll ??= setInterval(() => this.pull(), RUN_POLL_MS);
    return new vscode.Disposable(() => {
      this.tracking = Math.max(0, this.tracking - 1);
      if (this.tracking === 0 && this.poll) {
        clearInterval(this.poll);
        this.poll = undefined;
      }
      this.pull(true);
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
    const exists = fs.existsSync(p.storeDir);
    this.setStatus(exists ? 'ready' : 'missing', null);
    void vscode.commands.executeCommand('setContext', 'nemocognition.hasStore', exists);
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(p.base), 'store/journal/**'));
    const onFs = () => this.pull();
    this.watcher.onDidChange(onFs);
    this.watcher.onDidCreate(onFs);
  }

  /** Applies new journal records (opening the store if it appeared) and tells listeners. */
  private pull(force = false): void {
    const s = this.store;
    if (!s) {
      const p = this.paths();
      if (p && fs.existsSync(p.storeDir)) {
        void vscode.commands.executeCommand('setContext', 'nemocognition.hasStore', true);
        this.fireChanged(); // listeners re-query, which opens it
      }
      return;
    }
    try {
      if (s.refresh() > 0 || force) this.fireChanged();
    } catch (err) {
      this.log.warn(`Reading new run records failed (will reopen the store): ${err instanceof Error ? err.message : String(err)}`);
      void this.close().then(() => this.fireChanged());
    }
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
    const p = this.paths();
    if (!p) {
      this.setStatus('no-workspace', null);
      return Promise.resolve(undefined);
    }
    if (this.store && this.storeDir === p.storeDir) return Promise.resolve(this.store);
    if (this.opening) return this.opening;
    // Never create the store by looking at it: it appears with the first run.
    if (!fs.existsSync(p.storeDir)) {
      this.setStatus('missing', null);
      return Promise.resolve(undefined);
    }
    const dir = p.storeDir;
    this.opening = (async () => {
      await this.close();
      try {
        const s = await Store.open(dir, {
          readOnly: true,
          log: (level, msg) => (level === 'error' ? this.log.error(msg) : level === 'warn' ? this.log.warn(msg) : this.log.info(msg)),
        });
        this.store = s;
        this.storeDir = dir;
        this.setStatus('ready', null);
        return s;
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        this.log.error(`Could not open the run store at ${dir}: ${msg}`);
        this.setStatus('error', `Could not read the run store: ${msg} See the NemoCognition output for details.`);
        return undefined;
      } finally {
        this.opening = undefined;
      }
    })();
    return this.opening;
  }

  private async close(): Promise<void> {
    const s = this.store;
    this.store = undefined;
    this.storeDir = undefined;
    if (s) await s.close().catch((err: unknown) => this.log.warn(`Closing the run store: ${err instanceof Error ? err.message : String(err)}`));
  }

  dispose(): void {
    this.watcher?.dispose();
    if (this.changeTimer) clearTimeout(this.changeTimer);
    if (this.poll) clearInterval(this.poll);
    void this.close();
    this.changed.dispose();
    this.statusChanged.dispose();
  }
}
