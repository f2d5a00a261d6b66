/**
 * What keeps the live mirror out of a run's way on a small machine:
 *
 * - lowerPriority(): the mirror process at nice 19, every thread of it. On
 *   Linux a nice value belongs to a thread, and os.setPriority(0, n) changes
 *   only the calling one: V8's compiler and GC threads, started before, stayed
 *   at nice 0 and competed with the run (measured: they did).
 * - IdleCpu: how many CPUs were idle (or running niced work) since the last
 *   sample, from os.cpus() times (Linux, macOS, Windows). The mirror holds back
 *   its sends while a run writes fast and less than 1.5 CPUs are free: Phoenix
 *   spends milliseconds of CPU ingesting each span (about 6 ms on the bench's
 *   2-core VM), several times what the run spends recording it.
 */
import * as fs from 'node:fs';
import { cpus, getPriority, setPriority } from 'node:os';

/** nice of a background sink: it runs when nothing else wants the CPU. */
export const MIRROR_NICE = 19;

/** Lowers this process (every thread of it, on Linux) to `nice`; never raises it. False where not permitted. */
export function lowerPriority(nice = MIRROR_NICE): boolean {
  let ok = true;
  const lower = (id: number) => {
    try {
      if (getPriority(id) < nice) setPriority(id, nice);
    } catch {
      ok = false;
    }
  };
  let tids: number[] = [];
  if (process.platform === 'linux') {
    try {
      tids = fs.readdirSync('/proc/self/task').map(Number).filter((n) => Number.isInteger(n) && n > 0);
    } catch {
      tids = [];
    }
  }
  // Threads started later (libuv's pool) inherit the value of the thread that starts them: the main one.
  if (tids.length > 0) for (const tid of tids) lower(tid);
  else lower(0);
  return ok;
}

/** CPUs idle (idle + nice time) between two samples, over all CPUs of the machine. */
export class IdleCpu {
  private last: { at: number; free: number } | null = null;

  /** Idle + nice time of all CPUs so far (ms); null where the platform does not say (os.cpus() empty). */
  private static freeMs(): number | null {
    const all = cpus();
    if (all.length === 0) return null;
    let free = 0;
    for (const c of all) free += c.times.idle + c.times.nice;
    return free;
  }

  /** Idle CPUs (0..cpus) since the previous call; null on the first call or when the clock gives nothing to go by. */
  sample(): number | null {
    const now = performance.now();
    const prev = this.last;
    if (prev && now - prev.at < 20) return null; // too short to tell; the next sample covers it
    const free = IdleCpu.freeMs();
    if (free === null) return null;
    this.last = { at: now, free };
    if (!prev) return null;
    return Math.max(0, (free - prev.free) / (now - prev.at));
  }
}
