/**
 * What a run leaves on disk besides its record, and its removal. A branch
 * sandbox (`<store>/sandboxes/<run>/<label>/work`) is a full working copy; its
 * `state` folder holds OpenClaw's transcripts and logs, unscrubbed, about
 * 35 MB a branch; the supervisor socket sits in a per-run folder under
 * `<store>/run/`; each sandbox has a private /tmp and home under
 * `<os tmp>/nemocog-sandboxes-<uid>/nc-<run>-<label>`. The snapshots and the
 * scrubbed spans keep everything needed afterwards, so all of it goes when
 * the run ends, and when the next writer seals a run whose supervisor was
 * killed (./orphans.ts).
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { sandboxTmpRoot } from '../sandbox/local/privateTmp';

/** The short run tag that names a run's sandboxes and socket folder. */
export function runTag(runId: string): string {
  return runId.slice(-10);
}

/** The sandbox name of a branch (also its private tmp folder's name). */
export function sandboxName(runId: string, label: string): string {
  return `nc-${runTag(runId)}-${label}`;
}

/** Parent of the per-run supervisor socket folders: Unix socket paths are limited to 107 bytes. */
export function socketRoot(nc: string): string {
  const preferred = join(nc, 'run');
  return preferred.length + 52 < 104 ? preferred : join(homedir(), '.cache', 'nemocognition', 'run');
}

export function socketDirOf(nc: string, runId: string): string {
  return join(socketRoot(nc), runTag(runId));
}

export interface LeftoverOptions {
  /** Keep each branch's working copy (`work`); the agent's state always goes. */
  keepWork?: boolean;
  /** Private tmp root (tests); default sandboxTmpRoot(). */
  tmpRoot?: string;
}

/** Removes the run's sandbox folders, agent state, socket folder and private tmp folders. Returns what it removed. */
export function removeRunLeftovers(nc: string, runId: string, opts: LeftoverOptions = {}): string[] {
  const removed: string[] = [];
  const rm = (p: string) => {
    if (!existsSync(p)) return;
    rmSync(p, { recursive: true, force: true });
    removed.push(p);
  };
  const runDir = join(nc, 'sandboxes', runId);
  if (existsSync(runDir)) {
    for (const label of readdirSync(runDir)) {
      if (opts.keepWork) {
        for (const part of readdirSync(join(runDir, label))) if (part !== 'work') rm(join(runDir, label, part));
      } else rm(join(runDir, label));
    }
    if (readdirSync(runDir).length === 0) rm(runDir);
  }
  rm(socketDirOf(nc, runId));
  const tmpRoot = opts.tmpRoot ?? sandboxTmpRoot();
  const prefix = `nc-${runTag(runId)}-`;
  if (existsSync(tmpRoot)) for (const name of readdirSync(tmpRoot)) if (name.startsWith(prefix)) rm(join(tmpRoot, name));
  return removed;
}
