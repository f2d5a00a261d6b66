/**
 * The snapshot contract (implemented in this folder; no `vscode` import).
 * Content-addressed blobs + Merkle trees of directories; a checkpoint is a root
 * tree hash. Taking one costs O(changed files) given a change source that knows
 * what changed (a watcher, an overlay's upper dir, the supervisor); a full walk
 * with a stat cache is the always-correct fallback.
 */

export type EntryType = 'file' | 'symlink' | 'dir';

export interface TreeEntry {
  name: string;
  type: EntryType;
  /** Permission bits (0o755 / 0o644 ...) for files; 0 for symlinks and dirs. */
  mode: number;
  size: number;
  /** Blob hash (file content or symlink target) or tree hash (dir). */
  hash: string;
}

export interface SnapshotInfo {
  id: string;
  /** Root tree hash. */
  root: string;
  parentId: string | null;
  createdAt: number;
  fileCount: number;
  /** Paths whose entry differs from the parent snapshot. */
  changedCount: number;
  /** Bytes of new objects written by this snapshot. */
  bytesWritten: number;
  reason: string;
}

export type ChangeKind = 'added' | 'modified' | 'deleted' | 'type-changed';
export interface FileChange {
  path: string; // root-relative, '/'-separated
  kind: ChangeKind;
  before?: TreeEntry;
  after?: TreeEntry;
}

export interface RestoreResult {
  written: string[];
  deleted: string[];
  /** The safety snapshot taken before writing anything: restore it to undo. */
  undoSnapshotId: string;
  /**
   * Where the time went (ms): the safety snapshot, the plan (Merkle diff and path checks),
   * reading and verifying the blobs, recording the intent, writing, flushing folders.
   */
  phases?: { safety: number; plan: number; read: number; journal: number; write: number; durable: number; ms: number };
  /** Folders written into (each flushed once). */
  folders?: number;
  /**
   * Resolves when the written files are durable (flushed after restore returns, unless the engine's
   * `restoreDurability` is `inline`); never rejects. Until then the restore's journal record stays,
   * so a crash is completed by the next open. The engine's next operation waits for it anyway.
   */
  durable?: Promise<{ ms: number; error?: string }>;
}

/** Raised for any path that would land outside the root or pass through a symlink. */
export class PathEscapeError extends Error {
  constructor(public readonly path: string, why: string) {
    super(`Refused path "${path}": ${why}. NemoCognition only writes inside the workspace folder and never follows symlinks out of it.`);
    this.name = 'PathEscapeError';
  }
}
