/**
 * Writes a remote run's events into the local store as they stream in, so
 * the local store holds the same record (same ids, times and order: `nemocog
 * inspect --json` prints the same bytes on both sides).
 *
 * The remote side is a peer we started, but its events still pass the local
 * store's validation like any append (a sealed branch stays sealed, nodes
 * belong to known branches) and are scrubbed once more of the user's key,
 * which the remote side also scrubbed: with an honest peer nothing changes.
 * After the first failed append nothing more is written (no gaps), and the
 * failure is reported at close.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StoreEvent } from '../model/events';
import { Scrubber } from '../redact';
import { excludeFromGit, nemocogDir, storeDirFor } from '../store/paths';
import { Store } from '../store/store';

export interface ReplicaTarget {
  /** The local workspace whose store receives the run. */
  workspace: string;
  /** Store folder (default <workspace>/.nemocognition), as SupervisedRunOptions.storeDir. */
  storeDir?: string;
  /** Secrets that must not land in the local store, e.g. the user's model key. */
  secrets?: string[];
}

export interface ReplicaResult {
  /** Events appended to the local store. */
  appended: number;
  /** Highest remote journal seq seen, per source (for a later catch-up). */
  lastRemoteSeq: number;
  /** The first append that failed; nothing after it was written. */
  failure?: Error;
}

export function localStoreDir(target: Pick<ReplicaTarget, 'workspace' | 'storeDir'>): string {
  return target.storeDir ? join(target.storeDir, 'store') : storeDirFor(target.workspace);
}

export class ReplicaWriter {
  private chain: Promise<void> = Promise.resolve();
  private appended = 0;
  private lastRemoteSeq = 0;
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    readonly store: Store,
    private readonly scrubber: Scrubber,
  ) {}

  /** Opens the local store for writing (its writer lock is held until close). */
  static async open(target: ReplicaTarget): Promise<ReplicaWriter> {
    // The snapshot folder too: a diff of the replicated run caches fetched content there.
    mkdirSync(join(target.storeDir ?? nemocogDir(target.workspace), 'snapshots'), { recursive: true });
    excludeFromGit(target.workspace);
    const store = await Store.open(localStoreDir(target));
    const scrubber = new Scrubber({ patterns: [], secrets: (target.secrets ?? []).map((value) => ({ value, kind: 'model-api-key' })) });
    return new ReplicaWriter(store, scrubber);
  }

  /** Queues one remote event; appends happen in arrival order. */
  push(remoteSeq: number, event: StoreEvent): void {
    if (this.closed) return;
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        await this.store.append(this.scrub(event));
        this.appended++;
        this.lastRemoteSeq = Math.max(this.lastRemoteSeq, remoteSeq);
      } catch (e) {
        this.failure = e instanceof Error ? e : new Error(String(e));
      }
    });
  }

  /** Appends events that did not come from the stream (e.g. what the launcher records itself). */
  async appendLocal(events: StoreEvent[]): Promise<void> {
    await this.chain;
    if (this.failure || events.length === 0) return;
    try {
      await this.store.appendMany(events.map((e) => this.scrub(e)));
      this.appended += events.length;
    } catch (e) {
      this.failure = e instanceof Error ? e : new Error(String(e));
    }
  }

  /** Waits for every queued append. */
  async flush(): Promise<ReplicaResult> {
    await this.chain;
    return { appended: this.appended, lastRemoteSeq: this.lastRemoteSeq, ...(this.failure ? { failure: this.failure } : {}) };
  }

  async close(): Promise<ReplicaResult> {
    const r = await this.flush();
    this.closed = true;
    await this.store.close();
    return r;
  }

  private scrub(e: StoreEvent): StoreEvent {
    if (this.scrubber.knownCount === 0) return e;
    const text = JSON.stringify(e);
    const clean = this.scrubber.scrub(text);
    return clean === text ? e : (JSON.parse(clean) as StoreEvent);
  }
}
