import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';

/**
 * One writer at a time per store, across processes: `take`, `restore`, `gc` and the cleanup on
 * open hold `<storeDir>/lock` (created with O_EXCL, holding the owner's pid). A lock whose pid is
 * dead was left by a crash and is taken over. This is what makes GC safe against a snapshot being
 * written concurrently by another process.
 */

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function acquireStoreLock(lockPath: string, timeoutMs: number): Promise<() => void> {
  const token = randomBytes(8).toString('hex');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = fs.openSync(lockPath, 'wx', 0o644);
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, token, at: Date.now() }));
      fs.closeSync(fd);
      return () => {
        try {
          const cur = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { token?: string };
          if (cur.token === token) fs.rmSync(lockPath, { force: true });
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let owner: { pid?: number; at?: number } = {};
    try {
      owner = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as typeof owner;
    } catch {
      // Being written right now, or left empty by a crash between create and write.
      try {
        const age = Date.now() - fs.statSync(lockPath).mtimeMs;
        if (age > 5000) fs.rmSync(lockPath, { force: true });
      } catch {
        // gone meanwhile
      }
    }
    if (typeof owner.pid === 'number' && !alive(owner.pid)) {
      fs.rmSync(lockPath, { force: true }); // left by a crashed process
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `The snapshot store is locked by another NemoCognition process (pid ${owner.pid ?? 'unknown'}) for more than ${timeoutMs} ms. ` +
          `Wait for it to finish; if no such process runs, delete ${lockPath}.`,
      );
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}
