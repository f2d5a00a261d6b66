/** File-system helpers for the benchmark: disk usage and tree comparison. */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface DiskUsage {
  /** Bytes allocated on disk (st_blocks * 512), as `du` reports. */
  allocated: number;
  /** Sum of file sizes. */
  apparent: number;
  files: number;
}

export function diskUsage(root: string): DiskUsage {
  const u: DiskUsage = { allocated: 0, apparent: 0, files: 0 };
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      const st = lstatSync(abs);
      u.allocated += st.blocks * 512;
      if (st.isDirectory()) walk(abs);
      else {
        u.apparent += st.size;
        u.files++;
      }
    }
  };
  walk(root);
  return u;
}

/** One line per file: path, type, executable bit, sha256 of the content (or link target). */
export function digestLine(path: string, type: 'file' | 'symlink', executable: boolean, content: Buffer | string): string {
  return `${path}\t${type}\t${executable ? 'x' : '-'}\t${createHash('sha256').update(content).digest('hex')}`;
}

/** Order-independent digest of digestLine()s: sorted by path, then hashed. */
export function digestOf(lines: string[]): string {
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

/**
 * A digest of every file under `root` (path, type, executable bit, content),
 * outside the `skip` names at the top level: two trees with the same digest
 * hold the same files.
 */
export function treeDigest(root: string, skip: readonly string[] = []): { digest: string; files: number } {
  const lines: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir)) {
      if (rel === '' && skip.includes(name)) continue;
      const abs = join(dir, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = lstatSync(abs);
      if (st.isDirectory()) walk(abs, r);
      else if (st.isSymbolicLink()) lines.push(digestLine(r, 'symlink', false, readlinkSync(abs)));
      else lines.push(digestLine(r, 'file', (st.mode & 0o111) !== 0, readFileSync(abs)));
    }
  };
  walk(root, '');
  return { digest: digestOf(lines), files: lines.length };
}

/** Root-relative paths of every file under `root`, outside the `skip` names at the top level. */
export function listFiles(root: string, skip: readonly string[] = []): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (rel === '' && skip.includes(d.name)) continue;
      const r = rel === '' ? d.name : `${rel}/${d.name}`;
      if (d.isDirectory()) walk(join(dir, d.name), r);
      else out.push(r);
    }
  };
  walk(root, '');
  return out.sort();
}
