/**
 * Where a program is on this machine: the first executable `name` in the
 * PATH's folders, then in `fallbackDirs` (for a PATH that leaves out
 * /usr/bin or /sbin). The one lookup the sandbox, the overlay holder and the
 * video renderer share.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findOnPath(name: string, pathVar: string | undefined = process.env.PATH, fallbackDirs: readonly string[] = []): string | undefined {
  for (const dir of (pathVar ?? '').split(delimiter).concat(fallbackDirs)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // keep looking
    }
  }
  return undefined;
}
