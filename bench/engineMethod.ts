/** NemoCognition's snapshot engine as a CheckpointMethod, with a chosen change source. */
import { join } from 'node:path';
import { digestLine, digestOf } from './fsUtil';
import type { CheckpointMethod } from './method';
import { SnapshotEngine, STORE_DIR_NAME, type ChangeSourceKind } from '../src/core/snapshots';

/** Notes that carry counts ("(in idle time, 10453 entries)") are grouped by their kind. */
function noteKind(note: string): string {
  return note.replace(/\d+/g, 'N');
}

export class EngineMethod implements CheckpointMethod {
  readonly storeDir: string;
  private engine: SnapshotEngine | undefined;
  /** How each timed checkpoint learnt what changed (a watcher can fall back to a full walk). */
  private readonly sources = new Map<string, number>();
  private readonly notes = new Map<string, number>();

  constructor(
    readonly label: string,
    readonly key: string,
    readonly workspace: string,
    private readonly changeSource: ChangeSourceKind,
  ) {
    // The store lives where the product puts it: inside the workspace, always ignored.
    this.storeDir = join(workspace, STORE_DIR_NAME, 'snapshots');
  }

  async init(): Promise<void> {
    this.engine = await SnapshotEngine.open(this.storeDir, { changeSource: this.changeSource });
  }

  private get eng(): SnapshotEngine {
    if (!this.engine) throw new Error('EngineMethod used before init()');
    return this.engine;
  }

  async checkpoint(label: string): Promise<{ ms: number; id: string }> {
    const t0 = performance.now();
    const rec = await this.eng.take(this.workspace, { reason: label });
    const ms = performance.now() - t0;
    this.sources.set(rec.changeSource, (this.sources.get(rec.changeSource) ?? 0) + 1);
    if (rec.note) this.notes.set(noteKind(rec.note), (this.notes.get(noteKind(rec.note)) ?? 0) + 1);
    this.phases = rec.stats.phases ? { ...rec.stats.phases, durable: Math.round((ms - rec.stats.ms) * 100) / 100 } : undefined;
    // Idle time between tool calls, untimed: the background verification walk (when one is due)
    // runs here rather than during another method's timing. Its cost is reported on its own.
    const ti = performance.now();
    await this.eng.idle();
    this.idleMs += performance.now() - ti;
    const size = this.eng.sizeOnDisk();
    this.added = this.size === undefined ? size : size - this.size;
    this.size = size;
    return { ms, id: rec.id };
  }

  private phases: Record<string, number> | undefined;
  /** Time spent in background work (verification walks) between checkpoints. */
  private idleMs = 0;
  private size: number | undefined;
  private added = 0;

  lastAddedBytes(): number {
    return this.added;
  }

  lastPhases(): Record<string, number> | undefined {
    return this.phases;
  }

  async restore(id: string): Promise<{ ms: number; note?: string; phases?: Record<string, number> }> {
    const t0 = performance.now();
    const r = await this.eng.restore(id, this.workspace);
    const ms = performance.now() - t0;
    // Untimed: the flush that runs after restore returns (its journal record stands until it is done).
    const flushed = await r.durable;
    if (flushed?.error) throw new Error(flushed.error);
    this.size = this.eng.sizeOnDisk();
    return {
      ms,
      note: `engine.restore (safety snapshot first): wrote ${r.written.length}, deleted ${r.deleted.length}, ${r.folders ?? '?'} folders and every written file flushed after it returned`,
      ...(r.phases ? { phases: { ...r.phases, ...(flushed ? { flushed_after: flushed.ms } : {}) } } : {}),
    };
  }

  /** The engine, for sections that build on this method's checkpoints (branch sandboxes). */
  get snapshotEngine(): SnapshotEngine {
    return this.eng;
  }

  /**
   * Reads every file of checkpoint `id` back from the store (each object re-hashed on read) and
   * compares it with the live workspace: proves the checkpoint captured the same content git did.
   */
  async verify(id: string, workspaceDigest: string): Promise<boolean> {
    const lines: string[] = [];
    const walk = (treeHash: string, rel: string): void => {
      for (const e of this.eng.readTree(treeHash)) {
        const p = rel === '' ? e.name : `${rel}/${e.name}`;
        if (e.type === 'dir') walk(e.hash, p);
        else lines.push(digestLine(p, e.type, (e.mode & 0o111) !== 0, this.eng.objects.read(e.hash, 'b')));
      }
    };
    const rec = this.eng.get(id);
    if (!rec) return false;
    walk(rec.root, '');
    return digestOf(lines) === workspaceDigest;
  }

  details(): Record<string, unknown> {
    return {
      change_sources: Object.fromEntries(this.sources),
      notes: Object.fromEntries(this.notes),
      size_on_disk_reported: this.engine?.sizeOnDisk(),
      background_verification_ms_total: Math.round(this.idleMs),
    };
  }

  async close(): Promise<void> {
    this.engine?.close();
  }
}
