/**
 * CPU time of a call, for tests that bound how long parsing may take. On a
 * loaded machine wall-clock time mostly measures the wait for a core; CPU time
 * (user + system, this process) measures the work, which is what a
 * complexity bound is about. The better of `tries` runs is kept, so a GC
 * pause that belongs to earlier work does not count.
 */
export function cpuMs<T>(fn: () => T, tries = 1): { value: T; ms: number } {
  let best = Infinity;
  let value!: T;
  for (let i = 0; i < tries; i++) {
    const t0 = process.cpuUsage();
    value = fn();
    const d = process.cpuUsage(t0);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return { value, ms: best };
}

export async function cpuMsAsync<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = process.cpuUsage();
  const value = await fn();
  const d = process.cpuUsage(t0);
  return { value, ms: (d.user + d.system) / 1000 };
}
