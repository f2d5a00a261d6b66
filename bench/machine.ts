/** What the numbers were measured on. */
import { readFileSync, statfsSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import type { MachineInfo } from './report';
import { ShadowGit } from './shadowGit';

/**
 * Linux pressure-stall information: the share of the last 60 s in which some
 * runnable task waited for a CPU. Near 0 on an idle machine; a high value means
 * other processes were competing with the benchmark and its timings are inflated.
 */
export function cpuPressureAvg60(): number | null {
  try {
    const m = /some avg10=[\d.]+ avg60=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export async function machineInfo(): Promise<MachineInfo> {
  const c = cpus();
  let fsNote = 'unknown';
  try {
    const s = statfsSync(process.cwd());
    fsNote = `fs type 0x${s.type.toString(16)}, block size ${s.bsize}`;
  } catch {
    // statfs is informational only.
  }
  return {
    date: new Date().toISOString(),
    cpus: c.length,
    cpu_model: c[0]?.model.trim() ?? 'unknown',
    total_memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: platform(),
    kernel: release(),
    node: process.version,
    git: await ShadowGit.version(),
    filesystem_note: fsNote,
    cpu_pressure_some_avg60_start: cpuPressureAvg60(),
    load_average_start: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
