/**
 * `nemocog-snapshot:` URIs name one file inside one snapshot (pure helpers).
 * The path part is the workspace-relative file path, so editors show a
 * sensible title and language; the snapshot id travels in the query.
 */
export const SNAPSHOT_SCHEME = 'nemocog-snapshot';

export interface SnapshotFileRef {
  snapshotId: string;
  /** Workspace-relative, '/'-separated. */
  path: string;
}

export function toSnapshotUriParts(ref: SnapshotFileRef): { scheme: string; path: string; query: string } {
  return { scheme: SNAPSHOT_SCHEME, path: '/' + ref.path, query: new URLSearchParams({ snapshot: ref.snapshotId }).toString() };
}

export function fromSnapshotUriParts(parts: { scheme: string; path: string; query: string }): SnapshotFileRef {
  if (parts.scheme !== SNAPSHOT_SCHEME) throw new Error(`Not a NemoCognition snapshot URI (scheme ${parts.scheme}).`);
  const snapshotId = new URLSearchParams(parts.query).get('snapshot');
  if (!snapshotId) throw new Error('Snapshot URI has no snapshot id; reopen the diff from the Replay view.');
  const path = parts.path.replace(/^\/+/, '');
  if (!path || path.split('/').some((s) => s === '..' || s === '.' || s === '')) throw new Error(`Snapshot URI has an invalid path "${parts.path}".`);
  return { snapshotId, path };
}

/** Stands for "no such file" on one side of a diff (an added or deleted file). */
export const EMPTY_SNAPSHOT = 'empty';
