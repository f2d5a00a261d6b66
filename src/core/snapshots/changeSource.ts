/**
 * How a checkpoint learns what changed since the previous one (see the engine's header):
 *  - `full-scan`: lstat walk of everything with the stat cache; always correct, O(workspace).
 *  - `watcher`:   fs.watch events, flushed with a barrier before each checkpoint, verified by a
 *                 periodic full walk; O(changed). The default when the folder can be watched.
 *  - `hints`:     only the paths the caller names (the supervisor knows what a tool touched).
 *                 Hints given with another source are an addition to it, never a replacement.
 *  - `auto`:      `watcher` when the folder is watchable, `full-scan` otherwise.
 */
export type ChangeSourceKind = 'auto' | 'watcher' | 'full-scan' | 'hints';

/** What a source reports before a checkpoint. */
export interface ChangeSet {
  /** Walk everything (first checkpoint, a watcher failure, a requested full scan). */
  full: boolean;
  /** Root-relative paths to re-examine (a directory is re-examined recursively). */
  paths: Iterable<string>;
  events: number;
  note?: string;
}
