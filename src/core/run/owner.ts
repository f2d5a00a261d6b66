/**
 * Which process supervises a run: its pid and start time (from /proc, so a
 * recycled pid is not mistaken for it). A run whose owner is gone while it
 * still shows "running" was orphaned: the editor or CLI was killed.
 */
import { readFileSync } from 'node:fs';

export interface RunOwner {
  pid: number;
  /** Start time in clock ticks since boot (field 22 of /proc/<pid>/stat); 0 when unknown. */
  start: number;
}

function startTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return null;
  }
}

export function currentOwner(): RunOwner {
  return { pid: process.pid, start: startTicks(process.pid) ?? 0 };
}

export function ownerAlive(owner: RunOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = startTicks(owner.pid);
  if (start === null) return process.platform !== 'linux';
  return owner.start === 0 || start === owner.start;
}

export function sameOwner(a: RunOwner, b: RunOwner): boolean {
  return a.pid === b.pid && a.start === b.start;
}
