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

/**
 * A digest of every entry under `root` (path, type, executable bit, content)
 * outside the `skip` names at the top level: two trees with the same digest hold
 * the same files.
 */
export function treeDigest(root: string, skip: readonly string[] = []): { digest: string; files: number } {
  const h = createHash('sha256');
  let files = 0;
  const walk = (dir: string, rel: string): void => {
    const names = readdirSync(dir).sort();
    for (const name of names) {
      if (rel === '' && skip.includes(name)) continue;
      const abs = join(dir, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = lstatSync(abs);
      if (st.isDirectory()) walk(abs, r);
      else if (st.isSymbolicLink()) {
        h.update(`L ${r} ${readlinkSync(abs)}\n`);
        files++;
      } else {
        h.update(`F ${r} ${st.mode & 0o111 ? 'x' : '-'} ${st.size}\n`);
        h.update(readFileSync(abs));
        files++;
      }
    }
  };
  walk(root, '');
  return { digest: h.digest('hex'), files };
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
