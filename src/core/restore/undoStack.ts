import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PinStore } from '../snapshots/pins';

/**
 * The workspace's undo stack for restores, shared by the VS Code extension and
 * `nemocog restore`: one entry per restore, newest last, each naming the safety
 * snapshot taken just before it (pinned, so GC and the size budget never drop
 * it). Undo restores the top entry's safety snapshot and pops it, so a user
 * steps back through several restores. At most MAX_DEPTH entries: the oldest
 * falls off and is unpinned. Kept in `<snapshots>/undo-stack.json`, replaced
 * atomically.
 */

export const MAX_UNDO_DEPTH = 20;

/** What was restored: the branch (and, for a node, the step) whose state the workspace now holds. */
export interface RestoreTarget {
  runId?: string;
  branchId?: string;
  nodeId?: string;
  /** For a node: the workspace holds the branch's state before this step (its writes from earlier steps). */
  beforeSeq?: number;
}

export interface UndoEntry {
  /** Safety snapshot taken just before the restore: restoring it undoes the restore. */
  undoSnapshotId: string;
  /** The snapshot that was restored. */
  restoredSnapshotId: string;
  /** Human label: 'the result of branch recovery-1', 'step 7 "write: src/a.ts"'. */
  label: string;
  at: number;
  target?: RestoreTarget;
}

export class UndoStack {
  readonly file: string;

  constructor(snapshotsDir: string, private readonly pins: PinStore, private readonly maxDepth = MAX_UNDO_DEPTH) {
    this.file = path.join(snapshotsDir, 'undo-stack.json');
  }

  /** Entries, oldest first. A damaged file reads as empty (the pins stay: nothing is lost). */
  list(): UndoEntry[] {
    try {
      const data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as { entries?: unknown };
      return Array.isArray(data.entries) ? data.entries.filter(isEntry) : [];
    } catch {
      return [];
    }
  }

  peek(): UndoEntry | undefined {
    return this.list().at(-1);
  }

  /** The most recent restore that is still in effect (the top of the stack). */
  get current(): UndoEntry | undefined {
    return this.peek();
  }

  push(e: UndoEntry): void {
    this.pins.pin(e.undoSnapshotId, `undo point: before restoring ${e.label}`);
    const entries = [...this.list(), e];
    const dropped = entries.splice(0, Math.max(0, entries.length - this.maxDepth));
    this.write(entries);
    for (const d of dropped) this.pins.unpin(d.undoSnapshotId);
  }

  /** Removes the top entry once its undo has been applied, and unpins its safety snapshot. */
  pop(expected: UndoEntry): void {
    const entries = this.list();
    const top = entries.at(-1);
    if (!top || top.undoSnapshotId !== expected.undoSnapshotId) return; // someone else undid it meanwhile
    entries.pop();
    this.write(entries);
    this.pins.unpin(top.undoSnapshotId);
  }

  private write(entries: UndoEntry[]): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, JSON.stringify({ version: 1, entries }, null, 1));
    fs.renameSync(tmp, this.file);
  }
}

function isEntry(v: unknown): v is UndoEntry {
  const e = v as UndoEntry;
  return !!e && typeof e === 'object' && typeof e.undoSnapshotId === 'string' && typeof e.restoredSnapshotId === 'string' && typeof e.label === 'string' && typeof e.at === 'number';
}
