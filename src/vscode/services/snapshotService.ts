/**
 * The workspace's snapshot engine, opened lazily with the user's ignore globs
 * (restore must ignore exactly what the snapshots ignored, or it would delete
 * ignored files). Opened on the first diff or restore; from then on a watcher
 * keeps its picture current, so a restore's safety snapshot and the diffs
 * cost what changed, not a walk of the workspace (the first use walks it once).
 */
import * as fs from 'node:fs';
import type * as vscode from 'vscode';
import { SnapshotEngine } from '../../core/snapshots';
import { storeIgnore } from '../../core/run/storeIgnore';
import type { WorkspacePaths } from './workspacePaths';

export class SnapshotService implements vscode.Disposable {
  private engine: Promise<SnapshotEngine> | undefined;
  private key = '';

  constructor(
    private readonly paths: () => WorkspacePaths | undefined,
    private readonly ignore: () => string[],
    /** Told when opening the store completed (or could not complete) a restore that a crash interrupted. */
    private readonly onRepair?: (message: string, completed: boolean) => void,
  ) {}

  /** The engine for the current workspace; throws with a user-facing message when there is none. */
  async get(): Promise<{ engine: SnapshotEngine; paths: WorkspacePaths }> {
    const paths = this.paths();
    if (!paths) throw new Error('No workspace folder is open. Open the folder the agent worked on, then try again.');
    if (!fs.existsSync(paths.snapshotsDir)) {
      throw new Error(`This workspace has no NemoCognition snapshots yet (${paths.snapshotsDir}). Run a supervised agent first.`);
    }
    // The run's engine also ignores a store folder configured inside the workspace: so must restore.
    const ignore = [...this.ignore(), ...storeIgnore(paths.root, paths.base)];
    const key = JSON.stringify([paths.snapshotsDir, ignore]);
    if (!this.engine || key !== this.key) {
      this.close();
      this.key = key;
      this.engine = SnapshotEngine.open(paths.snapshotsDir, { ignore });
      this.engine.then((e) => e.repairs.forEach((r) => this.onRepair?.(r.message, r.completed)), () => (this.engine = undefined));
    }
    return { engine: await this.engine, paths };
  }

  private close(): void {
    const e = this.engine;
    this.engine = undefined;
    void e?.then((x) => x.close(), () => undefined);
  }

  dispose(): void {
    this.close();
  }
}
