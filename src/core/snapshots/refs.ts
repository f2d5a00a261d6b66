import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SnapshotInfo } from './api';

/** What a checkpoint's ref file holds: the contract's SnapshotInfo plus how it was taken. */
export interface SnapshotRecord extends SnapshotInfo {
  /** Absolute, real path of the folder the snapshot was taken of. */
  rootPath: string;
  /** Which change source decided what to re-read. */
  changeSource: 'watcher' | 'full-scan' | 'hints';
  /** Why the engine fell back to a full walk, or what a verification walk found. */
  note?: string;
  /** Measured cost: lstat calls, files hashed, watcher events, milliseconds. */
  stats: { lstats: number; hashed: number; events: number; ms: number };
}

/**
 * Ref records under `<storeDir>/snapshots/<id>.json`. Written last, after every object of the
 * checkpoint is in place, via temp file + rename: a crash leaves either no ref or a complete one.
 */
export class RefStore {
  readonly dir: string;
  private cache = new Map<string, SnapshotRecord>();

  constructor(storeDir: string, private readonly fsync: boolean) {
    this.dir = path.join(storeDir, 'snapshots');
    fs.mkdirSync(this.dir, { recursive: true });
  }

  private file(id: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`"${id}" is not a snapshot id. Use an id from the snapshot list.`);
    return path.join(this.dir, `${id}.json`);
  }

  write(rec: SnapshotRecord): number {
    const data = Buffer.from(JSON.stringify(rec));
    const tmp = path.join(this.dir, `.${rec.id}.tmp-${randomBytes(6).toString('hex')}`);
    const fd = fs.openSync(tmp, 'wx', 0o644);
    try {
      fs.writeSync(fd, data);
      if (this.fsync) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file(rec.id));
    this.cache.set(rec.id, rec);
    return data.length;
  }

  get(id: string): SnapshotRecord | undefined {
    const hit = this.cache.get(id);
    if (hit && fs.existsSync(this.file(id))) return hit; // another process may have deleted it
    this.cache.delete(id);
    try {
      const rec = JSON.parse(fs.readFileSync(this.file(id), 'utf8')) as SnapshotRecord;
      this.cache.set(id, rec);
      return rec;
    } catch {
      return undefined;
    }
  }

  /** Every readable ref, oldest first. Unreadable ones are skipped (reported in `unreadable`). */
  list(unreadable?: string[]): SnapshotRecord[] {
    const out: SnapshotRecord[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const rec = this.get(name.slice(0, -5));
      if (rec) out.push(rec);
      else unreadable?.push(name);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  remove(id: string): void {
    fs.rmSync(this.file(id), { force: true });
    this.cache.delete(id);
  }

  /** Removes temp files of refs that a crash left unfinished. Call while holding the store lock. */
  cleanTemp(): number {
    let n = 0;
    for (const name of fs.readdirSync(this.dir)) {
      if (name.startsWith('.') && name.includes('.tmp-')) {
        fs.rmSync(path.join(this.dir, name), { force: true });
        n++;
      }
    }
    return n;
  }

  bytes(): number {
    let n = 0;
    for (const name of fs.readdirSync(this.dir)) {
      try {
        n += fs.lstatSync(path.join(this.dir, name)).size;
      } catch {
        // removed meanwhile
      }
    }
    return n;
  }
}
