/**
 * The workspace's snapshot engine, opened lazily with the user's ignore globs
 * (restore must ignore exactly what the snapshots ignored, or it would delete
 * ignored files). Opened on the first diff or restore; from then on a watcher
 * keeps its picture current, so a restore's safety snapshot and the diffs
 * cost what changed, not a walk of the workspace (the first use walks it once).
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { SnapshotRecorded } from '../../core/model/events';
import { RemoteSnapshots } from '../../core/replica/remoteSnapshots';
import { SnapshotEngine } from '../../core/snapshots';
import { storeIgnore } from '../../core/run/storeIgnore';
import type { WorkspacePaths } from './workspacePaths';

/** What a diff or a restore of a step is about to read from its snapshot. */
export type SnapshotNeed = { trees: true } | { file: string } | { restore: true };

export class SnapshotService implements vscode.Disposable {
  private engine: Promise<SnapshotEngine> | undefined;
  private key = '';

  constructor(
    private readonly paths: () => WorkspacePaths | undefined,
    private readonly ignore: () => string[],
    /** The store's record of a snapshot (which run, which root tree), for runs replicated from elsewhere. */
    private readonly recordOf: (snapshotId: string) => Promise<SnapshotRecorded | undefined> = async () => undefined,
    /** Told when opening the store completed (or could not complete) a restore that a crash interrupted. */
    private readonly onRepair?: (message: string, completed: boolean) => void,
  ) {}

  /**
   * A run replicated from an SSH host or a NemoClaw sandbox keeps its snapshot
   * content there: fetch what `need` reads (over SSH, verified, cached in this
   * workspace's snapshot store) before the engine is asked. Nothing happens
   * for a snapshot taken on this machine.
   */
  async ensure(snapshotId: string, need: SnapshotNeed): Promise<void> {
    const { engine, paths } = await this.get();
    const ref = engine.get(snapshotId);
    if (ref && !ref.rootPath.startsWith('replica:')) return;
    const rec = await this.recordOf(snapshotId);
    if (!rec) return;
    const remote = new RemoteSnapshots(engine, { snapshot: (id) => (id === snapshotId ? rec : undefined) });
    if (!ref && !remote.isRemote(snapshotId)) return;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'NemoCognition: fetching snapshot content of a remote run' }, async () => {
        if ('file' in need) await remote.ensureFile(snapshotId, need.file);
        else if ('restore' in need) await remote.ensureForRestore(snapshotId, paths.root);
        else await remote.ensureTrees(snapshotId);
      });
    } finally {
      await remote.close();
    }
  }

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
