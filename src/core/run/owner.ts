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

function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** A killed process whose parent died too may linger as a zombie nobody reaps: it is dead all the same. */
function isZombie(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state === 'Z' || state === 'X';
}

function startTicks(pid: number): number | null {
  try {
    const fields = statFields(pid);
    return fields ? Number(fields[19]) : null;
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
  if (isZombie(owner.pid)) return false;
  const start = startTicks(owner.pid);
  if (start === null) return process.platform !== 'linux';
  return owner.start === 0 || start === owner.start;
}

export function sameOwner(a: RunOwner, b: RunOwner): boolean {
  return a.pid === b.pid && a.start === b.start;
}
