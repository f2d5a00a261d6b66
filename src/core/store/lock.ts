/**
 * Single-writer lock: `<store>/writer.lock` holds the owner's pid, its start
 * time (so a recycled pid is not mistaken for the owner) and host. A lock whose
 * process is gone is taken over; a live one is a clear error.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { StoreLockedError } from './errors';

interface LockInfo {
  pid: number;
  start: string | null;
  host: string;
  since: number;
}

/** Process start time from /proc (Linux); null where unavailable. State 'Z' (zombie) counts as gone. */
function procStart(pid: number): { start: string; zombie: boolean } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { start: rest[19] ?? '', zombie: rest[0] === 'Z' || rest[0] === 'X' };
  } catch {
    return null;
  }
}

function isAlive(info: LockInfo): boolean {
  if (info.host !== os.hostname()) return true; // cannot check another machine's processes: assume it is alive
  if (fs.existsSync('/proc/self/stat')) {
    const p = procStart(info.pid);
    if (!p || p.zombie) return false;
    return info.start === null || p.start === info.start;
  }
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | null {
  try {
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockInfo>;
    if (typeof j.pid !== 'number') return null;
    return { pid: j.pid, start: j.start ?? null, host: j.host ?? os.hostname(), since: j.since ?? 0 };
  } catch {
    return null;
  }
}

/**
 * Creates `file` holding `content`, atomically: written to a temp name, then hard-linked into place (link fails
 * if the name exists), so no other process ever sees a lock file that is empty or half-written.
 */
function createWithContent(file: string, content: string): boolean {
  const tmp = `${file}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = fs.openSync(tmp, 'wx');
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    // No hard links on this filesystem: fall back to an exclusive create (a reader may briefly see it empty).
    try {
      fs.writeFileSync(file, content, { flag: 'wx' });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

export class WriterLock {
  private constructor(readonly file: string) {}

  static acquire(storeDir: string, log: (msg: string) => void): WriterLock {
    const file = path.join(storeDir, 'writer.lock');
    const mine: LockInfo = { pid: process.pid, start: procStart(process.pid)?.start ?? null, host: os.hostname(), since: Date.now() };
    for (let attempt = 0; attempt < 5; attempt++) {
      if (createWithContent(file, JSON.stringify(mine))) return new WriterLock(file);
      const owner = readLock(file);
      if (owner && isAlive(owner)) {
        const who = owner.pid === process.pid ? 'this process (another Store instance)' : `process ${owner.pid} on ${owner.host}`;
        throw new StoreLockedError(
          `Another NemoCognition window or CLI is writing this store (${who}, since ${new Date(owner.since).toISOString()}). ` +
            `Close it, or wait for it to finish, then try again. Store: ${storeDir}`,
        );
      }
      // Stale (owner gone) or unreadable (crash while writing the lock): move it aside atomically, so that of
      // two processes racing for the takeover only one removes it; then check we moved the stale one.
      const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        fs.renameSync(file, aside);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      const moved = readLock(aside);
      if (moved && isAlive(moved)) {
        // We raced with a fresh owner and moved its lock: put it back if nobody has claimed the name since.
        try {
          fs.linkSync(aside, file);
        } catch {
          // someone else already holds the name; they own the store
        }
        fs.rmSync(aside, { force: true });
        continue;
      }
      fs.rmSync(aside, { force: true });
      log(`Took over a stale writer lock left by process ${owner?.pid ?? '(unreadable lock file)'}, which is no longer running.`);
    }
    throw new StoreLockedError(`Could not take the writer lock of ${storeDir} (it changed hands repeatedly). Close other NemoCognition windows and try again.`);
  }

  release(): void {
    const owner = readLock(this.file);
    if (owner && owner.pid === process.pid) fs.rmSync(this.file, { force: true });
  }
}
