import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { syncDir, syncDirSync } from './durability';

/**
 * What makes an interrupted restore repairable: before its first write into the workspace, a
 * restore records its intent durably in `<storeDir>/restoring/<hash of root>.json` (which root,
 * from which tree to which); it removes the record, durably, only once every write and folder
 * flush is done. A record found by the next `SnapshotEngine.open` means a restore was killed or
 * lost power half-way: the engine takes a fresh safety snapshot of what is there and completes
 * the restore (every step of a plan can be run twice), then removes the record.
 */

export interface RestoreIntent {
  v: 1;
  rootPath: string;
  /** Snapshot being restored, and its root tree. */
  target: string;
  targetRoot: string;
  /** The safety snapshot taken just before (the undo point), and its root tree (the plan's "from"). */
  safety: string;
  fromRoot: string;
  startedAt: number;
  pid: number;
}

export class RestoreJournal {
  readonly dir: string;

  constructor(storeDir: string, private readonly fsync: boolean) {
    this.dir = path.join(storeDir, 'restoring');
  }

  private fileFor(rootPath: string): string {
    return path.join(this.dir, `${createHash('sha256').update(rootPath).digest('hex').slice(0, 24)}.json`);
  }

  /** Records the intent; durable when the promise resolves. Call while holding the store lock. */
  async begin(intent: RestoreIntent): Promise<string> {
    fs.mkdirSync(this.dir, { recursive: true });
    const file = this.fileFor(intent.rootPath);
    const tmp = `${file}.tmp-${randomBytes(4).toString('hex')}`;
    const fd = fs.openSync(tmp, 'wx', 0o644);
    try {
      fs.writeSync(fd, JSON.stringify(intent));
      fs.renameSync(tmp, file);
      // Data and folder flushed together: until both are done nothing is written to the
      // workspace, so a record a power loss left empty stands for a restore that did nothing.
      if (this.fsync) await Promise.all([new Promise<void>((res, rej) => fs.fdatasync(fd, (e) => (e ? rej(e) : res()))), syncDir(this.dir)]);
    } finally {
      fs.closeSync(fd);
    }
    return file;
  }

  /** Removes the record; durable when the promise resolves. */
  async end(file: string): Promise<void> {
    fs.rmSync(file, { force: true });
    if (this.fsync) await syncDir(this.dir);
  }

  /** The same, synchronously (engine close). */
  endSync(file: string): void {
    fs.rmSync(file, { force: true });
    if (this.fsync) syncDirSync(this.dir);
  }

  /** Records left by restores that did not finish (call while holding the store lock). */
  pending(): Array<{ file: string; intent: RestoreIntent | undefined }> {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: Array<{ file: string; intent: RestoreIntent | undefined }> = [];
    for (const n of names) {
      const file = path.join(this.dir, n);
      if (n.includes('.tmp-')) {
        fs.rmSync(file, { force: true }); // never took effect: its restore had not written anything
        continue;
      }
      if (!n.endsWith('.json')) continue;
      let intent: RestoreIntent | undefined;
      try {
        const j = JSON.parse(fs.readFileSync(file, 'utf8')) as RestoreIntent;
        if (j.v === 1 && typeof j.rootPath === 'string' && typeof j.target === 'string' && typeof j.fromRoot === 'string' && typeof j.targetRoot === 'string') intent = j;
      } catch {
        // torn by a power loss before it was durable: its restore had not written anything yet
      }
      out.push({ file, intent });
    }
    return out;
  }
}
