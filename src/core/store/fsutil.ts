import * as fs from 'node:fs';
import { promisify } from 'node:util';

export function writeAsync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.write(fd, buffer, offset, length, position, (err, n) => (err ? reject(err) : resolve(n))));
}
export const fdatasyncAsync = promisify(fs.fdatasync);
export const fsyncAsync = promisify(fs.fsync);
export const ftruncateAsync = promisify(fs.ftruncate);

/** Makes a rename or a new file's directory entry durable (POSIX needs the directory itself fsync'd). */
export function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (err) {
    // Some filesystems (and Windows) refuse fsync on a directory; the data files themselves are fsync'd.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw err;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes all of `buf` at `position`, looping over short writes (a filling disk can return fewer bytes before ENOSPC). */
export async function writeFully(fd: number, buf: Uint8Array, position: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const n = await writeAsync(fd, buf, off, buf.length - off, position + off);
    if (n <= 0) throw Object.assign(new Error('write returned 0 bytes'), { code: 'EIO' });
    off += n;
  }
}
