/**
 * One way of taking checkpoints of a workspace (NemoCognition's engine with a
 * given change source, or a shadow git repository), driven identically by the
 * harness.
 */
export interface CheckpointMethod {
  /** Column label, e.g. "NemoCognition (watcher)". */
  readonly label: string;
  /** Key prefix in results.json, e.g. "checkpoint", "full_scan", "shadow_git". */
  readonly key: string;
  /** The workspace this method checkpoints (its own identical copy). */
  readonly workspace: string;
  /** Where its checkpoint data lives (measured for bytes on disk). */
  readonly storeDir: string;
  /** Prepares the store. Not timed. */
  init(): Promise<void>;
  /** Takes one checkpoint; `ms` is the wall time of exactly the checkpoint operation. */
  checkpoint(label: string): Promise<{ ms: number; id: string }>;
  /** Brings the workspace back to checkpoint `id`; `ms` is the wall time of the operation; `phases` where it went. */
  restore(id: string): Promise<{ ms: number; note?: string; phases?: Record<string, number> }>;
  /** Bytes the last checkpoint added to the store (untimed; for bytes added per checkpoint). */
  lastAddedBytes?(): number;
  /** Where the last checkpoint's time went (ms by phase). */
  lastPhases?(): Record<string, number> | undefined;
  /** Optional: a step after all timing (e.g. git gc) whose effect on disk is reported separately. */
  compact?(): Promise<void>;
  /**
   * Checks that checkpoint `id` holds exactly the workspace's current files (after the last
   * checkpoint); `workspaceDigest` is fsUtil.treeDigest of the workspace. Not timed.
   */
  verify(id: string, workspaceDigest: string): Promise<boolean>;
  /** Method-specific facts for results.json (e.g. which change source each checkpoint used). */
  details?(): Record<string, unknown>;
  /** Releases watchers and handles. */
  close(): Promise<void>;
}
