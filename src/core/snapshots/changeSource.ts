/**
 * How a checkpoint learns what changed since the previous one:
 *  - `full-scan`: lstat walk of everything with the stat cache; always correct, O(workspace).
 *  - `watcher`:   fs.watch events, flushed with a barrier before each checkpoint, verified by a
 *                 periodic full walk; O(changed). The default when the folder can be watched.
 *  - `hints`:     only the paths the caller names (the supervisor knows what a tool touched).
 *                 Hints given with another source are an addition to it, never a replacement.
 *  - `auto`:      `watcher` when the folder is watchable, `full-scan` otherwise.
 * A branch sandbox backed by an overlay mount uses its upper layer instead (overlaySource.ts),
 * whatever is asked, unless `full-scan` is asked explicitly.
 */
export type ChangeSourceKind = 'auto' | 'watcher' | 'full-scan' | 'hints';

/** What a source reports before a checkpoint. */
export interface ChangeSet {
  /** Walk everything (a watcher that may have lost events, or a full-scan source). */
  full: boolean;
  /** Root-relative paths to re-examine (a directory is re-examined recursively). */
  paths: Iterable<string>;
  events: number;
  /** Why a walk is needed, for the snapshot's note. */
  note?: string;
  /** Changed paths in ignored folders the source saw (listed on the checkpoint, never stored). */
  ignored?: string[];
}

export interface ChangeSource {
  readonly kind: 'watcher' | 'full-scan' | 'hints' | 'overlay';
  /** What to re-examine for the next checkpoint; consumes what it returns. */
  collect(): Promise<ChangeSet>;
}

export class FullScanSource implements ChangeSource {
  readonly kind = 'full-scan' as const;
  constructor(private readonly note?: string) {}
  async collect(): Promise<ChangeSet> {
    return { full: true, paths: [], events: 0, ...(this.note ? { note: this.note } : {}) };
  }
}

export class HintsSource implements ChangeSource {
  readonly kind = 'hints' as const;
  constructor(private readonly paths: Iterable<string>) {}
  async collect(): Promise<ChangeSet> {
    return { full: false, paths: this.paths, events: 0 };
  }
}
