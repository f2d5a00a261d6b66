import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Batched durability: the files and folders a checkpoint created are remembered, then made
 * durable together in one round of parallel fdatasync/fsync calls (libuv's thread pool issues
 * them concurrently, so the disk sees one batch instead of a queue of single flushes).
 *
 * Order is the caller's business: objects first (one round), then the ref that names them
 * (a second round), so a ref is never durable while its objects are not.
 */

export class SyncBatch {
  private readonly files = new Set<string>();
  private readonly dirs = new Set<string>();

  constructor(readonly enabled: boolean) {}

  /** A new or rewritten file; its folder is synced too (the new name must survive as well). */
  file(abs: string): void {
    if (!this.enabled) return;
    this.files.add(abs);
    this.dirs.add(path.dirname(abs));
  }

  dir(abs: string): void {
    if (this.enabled) this.dirs.add(abs);
  }

  /** The files waiting for the next flush. */
  pendingFiles(): string[] {
    return [...this.files];
  }

  get size(): number {
    return this.files.size + this.dirs.size;
  }

  /** Flushes everything added so far (in parallel) and forgets it. */
  async flush(): Promise<void> {
    if (this.size === 0) return;
    const files = [...this.files];
    const dirs = [...this.dirs];
    this.files.clear();
    this.dirs.clear();
    await Promise.all([...files.map((f) => syncPath(f, true)), ...dirs.map((d) => syncPath(d, false))]);
  }

  /** The same, one call after the other (for the rare synchronous paths: repair, close). */
  flushSync(): void {
    for (const f of this.files) syncPathSync(f, true);
    for (const d of this.dirs) syncPathSync(d, false);
    this.files.clear();
    this.dirs.clear();
  }
}

async function syncPath(abs: string, data: boolean): Promise<void> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(abs, fs.constants.O_RDONLY | (data ? fs.constants.O_NOFOLLOW : fs.constants.O_DIRECTORY));
  } catch (e) {
    // Removed since (GC, a superseded temp): nothing left to make durable.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    if (data) await fh.datasync();
    else await fh.sync();
  } finally {
    await fh.close();
  }
}

function syncPathSync(abs: string, data: boolean): void {
  let fd: number;
  try {
    fd = fs.openSync(abs, fs.constants.O_RDONLY | (data ? fs.constants.O_NOFOLLOW : fs.constants.O_DIRECTORY));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    if (data) fs.fdatasyncSync(fd);
    else fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** fsync of one folder (after renames into it). */
export async function syncDir(abs: string): Promise<void> {
  await syncPath(abs, false);
}

export function syncDirSync(abs: string): void {
  syncPathSync(abs, false);
}
