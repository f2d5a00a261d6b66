/**
 * Where a local sandbox's private /tmp and home live:
 * `<os tmp>/nemocog-sandboxes-<uid>/<sandbox name>/tmp`. One folder per
 * sandbox name; the run removes its own when it ends (run/leftovers.ts).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function sandboxTmpRoot(): string {
  return join(tmpdir(), `nemocog-sandboxes-${process.getuid?.() ?? 'user'}`);
}

/** The folder name of a sandbox under the root (names are made safe for the filesystem). */
export function sandboxFolderName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'sandbox';
}
