/**
 * Opens what the exports read from a workspace: the store (read-only) and the
 * snapshot engine, and picks the run (the newest one unless an id is given).
 * Used by the CLI; the extension passes its own open services instead.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Branch, Node, Run } from '../model/types';
import type { SpanRecord } from '../model/spans';
import { SnapshotEngine } from '../snapshots/engine';
import { nemocogDir } from '../store/paths';
import { Store } from '../store/store';
import { StoryboardError } from './read';

export interface RecordedRun {
  run: Run;
  branches: Branch[];
  nodes: Node[];
  spansOfNode(nodeId: string): SpanRecord[];
  /** Null when the workspace has no snapshot store (the run is still readable). */
  snapshots: SnapshotEngine | null;
  close(): Promise<void>;
}

export async function openRecordedRun(workspace: string, opts: { runId?: string; storeBase?: string } = {}): Promise<RecordedRun> {
  const base = opts.storeBase ?? nemocogDir(workspace);
  const storeDir = join(base, 'store');
  if (!existsSync(storeDir)) {
    throw new StoryboardError(`No NemoCognition store in ${workspace}.`, 'Run `nemocog run` or `npm run demo -- --headless --workspace <dir>` there first.');
  }
  const store = await Store.open(storeDir, { readOnly: true });
  try {
    const run = opts.runId ? store.getRun(opts.runId) : store.listRuns()[0];
    if (!run) {
      throw new StoryboardError(
        opts.runId ? `No run ${opts.runId} in ${workspace}.` : `No recorded run in ${workspace}.`,
        opts.runId ? 'List the runs with `nemocog inspect <workspace>`.' : 'Run an agent there first (`nemocog run` or `nemocog demo`).',
      );
    }
    const snapshotsDir = join(base, 'snapshots');
    const snapshots = existsSync(snapshotsDir) ? await SnapshotEngine.open(snapshotsDir, { changeSource: 'full-scan' }) : null;
    return {
      run,
      branches: store.branchesOf(run.id),
      nodes: store.nodesOfRun(run.id),
      spansOfNode: (id) => store.spansOfNode(id),
      snapshots,
      async close() {
        snapshots?.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
