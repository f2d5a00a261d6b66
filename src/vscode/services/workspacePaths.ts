/**
 * Where NemoCognition keeps a workspace's data (pure). `base` is the
 * `nemocognition.store.location` folder (default `.nemocognition`), holding the
 * run store (`store/`, see core/store/paths.ts) and the snapshot objects
 * (`snapshots/`). The supervised run receives `base` as its storeDir.
 */
import * as path from 'node:path';

export interface WorkspacePaths {
  root: string;
  base: string;
  storeDir: string;
  snapshotsDir: string;
}

export function workspacePaths(root: string, storeLocation: string): WorkspacePaths {
  const base = path.resolve(root, storeLocation || '.nemocognition');
  return { root, base, storeDir: path.join(base, 'store'), snapshotsDir: path.join(base, 'snapshots') };
}

/** Workspace-relative '/'-separated path of `abs`, or undefined when it is outside the root or inside the store. */
export function relativeInWorkspace(paths: WorkspacePaths, abs: string): string | undefined {
  const rel = path.relative(paths.root, abs);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const inStore = path.relative(paths.base, abs);
  if (!inStore.startsWith('..') && !path.isAbsolute(inStore)) return undefined;
  return rel.split(path.sep).join('/');
}
