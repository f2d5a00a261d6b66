/** What the numbers were measured on. */
import { statfsSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import type { MachineInfo } from './report';
import { ShadowGit } from './shadowGit';

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
    load_average_start: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
