/**
 * Parsers for NemoClaw's human-readable output. NemoClaw offers no JSON for
 * snapshots, so these read the documented table (PR NVIDIA/NemoClaw#2184):
 *
 *   Snapshots for 'test-sandbox':
 *
 *     Version  Name  Timestamp                 Path
 *     v5             2026-04-21T14-11-25-795Z  /root/.nemoclaw/rebuild-backups/test-sandbox/2026-04-21T14-11-25-795Z
 *
 *   5 snapshot(s). Restore with: ...
 *
 * Rows are found by their timestamp, not by column offsets, so extra spaces,
 * colours or a changed header do not break them. Output is treated as
 * untrusted text: nothing in it is executed or used as a path without checks.
 */
import { SNAPSHOT_TIMESTAMP } from './commands';

export interface SnapshotInfo {
  /** The exact timestamp: the stable id we restore by. */
  id: string;
  /** `v1`..`vN`, recomputed by NemoClaw on every list (so not stable). */
  version?: string;
  /** Label given with `snapshot create --name`. */
  label?: string;
  /** Folder under ~/.nemoclaw/rebuild-backups/<name>/ (on the host running nemoclaw). */
  path?: string;
}

// Strips ANSI colour codes some terminals' output may carry.
const ANSI = /\u001b\[[0-9;]*m/g;

export function parseSnapshotList(stdout: string): SnapshotInfo[] {
  const out: SnapshotInfo[] = [];
  const ts = new RegExp(`^(.*?)\\s*(${SNAPSHOT_TIMESTAMP.source})\\s*(.*)$`);
  for (const raw of stdout.replace(ANSI, '').split(/\r?\n/)) {
    const line = raw.trim();
    const m = ts.exec(line);
    if (!m) continue;
    const before = m[1]!.trim().split(/\s+/).filter(Boolean);
    const id = m[2]!;
    const rest = m[3]!.trim();
    // Lines such as "Using snapshot v3 (...)" are not table rows: a row starts with vN.
    if (before.length === 0 || !/^v\d+$/.test(before[0]!)) continue;
    const info: SnapshotInfo = { id, version: before[0] };
    if (before.length > 1) info.label = before.slice(1).join(' ');
    if (rest) info.path = rest;
    out.push(info);
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The snapshot timestamp `snapshot create` reports, if its output names one. */
export function parseCreatedSnapshot(stdout: string): string | undefined {
  const matches = stdout.replace(ANSI, '').match(new RegExp(SNAPSHOT_TIMESTAMP.source, 'g'));
  return matches?.[matches.length - 1];
}
