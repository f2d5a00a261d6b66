/**
 * Scratch folders. Deleting a gigabyte of fresh small files can take minutes on
 * a VM disk mounted with `discard` (measured: 85 s for the 10,000-file size), so
 * a finished scratch folder is renamed aside at once and removed by one detached
 * `rm -rf` when the benchmark ends, outside any measurement.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

const trash: string[] = [];

/** Moves `dir` aside for removal at the end (falls back to removing it now). */
export function discard(dir: string): void {
  if (!existsSync(dir)) return;
  const aside = join(dirname(dir), `.trash-${process.pid}-${trash.length}`);
  try {
    renameSync(dir, aside);
    trash.push(aside);
  } catch {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts the removal of everything moved aside; returns the pid of the detached `rm`, if any. */
export function emptyTrash(): number | undefined {
  if (trash.length === 0) return undefined;
  const child = spawn('rm', ['-rf', '--', ...trash], { detached: true, stdio: 'ignore' });
  child.unref();
  trash.length = 0;
  return child.pid;
}

/** Adds the `.trash-<pid>-<n>` folders that an interrupted earlier run left in `workDir`. */
export function adoptStaleTrash(workDir: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(workDir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = /^\.trash-(\d+)-\d+$/.exec(n);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = pid === process.pid;
    try {
      if (!alive) process.kill(pid, 0);
      alive = true;
    } catch {
      // no such process: its scratch is ours to remove
    }
    if (!alive) trash.push(join(workDir, n));
  }
}
