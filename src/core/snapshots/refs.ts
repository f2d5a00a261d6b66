import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SnapshotInfo } from './api';
import { syncDir, syncDirSync } from './durability';

/** What a checkpoint's ref file holds: the contract's SnapshotInfo plus how it was taken. */
export interface SnapshotRecord extends SnapshotInfo {
  /** Absolute, real path of the folder the snapshot was taken of. */
  rootPath: string;
  /** Which change source decided what to re-read. */
  changeSource: 'watcher' | 'full-scan' | 'hints' | 'overlay';
  /** Why the engine fell back to a full walk, or what a verification walk found. */
  note?: string;
  /**
   * The object files this checkpoint wrote (packs by name, large objects by hash), flushed in the
   * same round as this ref, and the GC generation then. A power loss during that round can leave
   * the ref on disk without them: the next open finds that out (`deps` of a ref of the current
   * generation missing) and sets the ref aside, as a checkpoint that was never acknowledged.
   * After a GC (which rewrites packs and bumps the generation) older refs are not checked.
   */
  deps?: { gen: number; packs: string[]; loose: string[] };
  /**
   * Paths that changed since the previous checkpoint but are ignored (so not in the snapshot):
   * listed so that what an agent wrote into `build/` or `node_modules/` stays visible. At most 200.
   */
  ignoredChanges?: string[];
  /**
   * Measured cost: lstat calls, files hashed, watcher events, milliseconds (until the ref was
   * written; the flush of the objects and the ref follows, in one round), and where they went:
   * waiting for the store lock, learning what changed (the watcher's barrier flush),
   * lstat/read/hash/compress of changed paths, tree objects, counting changes against the
   * parent, writing the pack.
   */
  stats: {
    lstats: number;
    hashed: number;
    events: number;
    ms: number;
    phases?: { lock: number; changes: number; examine: number; trees: number; diff: number; pack: number };
  };
}

/**
 * Ref records under `<storeDir>/snapshots/<id>.json`. Written last, after every object of the
 * checkpoint is durable, via temp file + rename: a crash leaves either no ref or a complete one.
 * With `fsync`, the ref and its folder are flushed together (in parallel) before `write` resolves;
 * a ref that a power loss left empty or torn is moved to quarantine by the next open
 * (`quarantineUnreadable`): its checkpoint was never acknowledged.
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

  /**
   * Writes a ref; durable (with its folder entry) when the promise resolves. `alongside` is
   * flushed in the same round (the checkpoint's objects: see SnapshotRecord.deps for why that is safe).
   */
  async write(rec: SnapshotRecord, alongside?: () => Promise<void>): Promise<number> {
    const data = Buffer.from(JSON.stringify(rec));
    const tmp = path.join(this.dir, `.${rec.id}.tmp-${randomBytes(6).toString('hex')}`);
    const fd = fs.openSync(tmp, 'wx', 0o644);
    try {
      fs.writeSync(fd, data);
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    const dest = this.file(rec.id);
    if (this.fsync) {
      // The data flush and the folder flush run in parallel after the rename (one round trip,
      // not three): safe, because a ref left empty or torn by a power loss is set aside on open.
      fs.renameSync(tmp, dest);
      try {
        await Promise.all([new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve()))), syncDir(this.dir), alongside?.()]);
      } finally {
        fs.closeSync(fd);
      }
    } else {
      fs.closeSync(fd);
      fs.renameSync(tmp, dest);
      await alongside?.();
    }
    this.cache.set(rec.id, rec);
    return data.length;
  }

  /** Moves refs that cannot be parsed (torn by a power loss) to `quarantineDir`. Call while holding the store lock. */
  quarantineUnreadable(quarantineDir: string): string[] {
    const moved: string[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const id = name.slice(0, -5);
      if (this.get(id)) continue;
      try {
        JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8'));
        continue; // readable after all (another error)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code) continue; // EACCES and the like: not ours to move
      }
      fs.mkdirSync(quarantineDir, { recursive: true });
      fs.renameSync(path.join(this.dir, name), path.join(quarantineDir, `ref-${name}.${Date.now()}`));
      moved.push(id);
    }
    if (moved.length && this.fsync) syncDirSync(this.dir);
    return moved;
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

  /** Moves a ref to `quarantineDir` (kept for inspection, no longer listed). */
  setAside(id: string, quarantineDir: string): void {
    fs.mkdirSync(quarantineDir, { recursive: true });
    fs.renameSync(this.file(id), path.join(quarantineDir, `ref-${id}.json.${Date.now()}`));
    this.cache.delete(id);
    if (this.fsync) syncDirSync(this.dir);
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
