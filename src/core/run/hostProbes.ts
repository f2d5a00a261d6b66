/**
 * Probes of the host's filesystem for deciding whether a refusal was the
 * sandbox's (policy/confirmDenial.ts): the supervisor runs beside the
 * sandbox folder (locally, or on the remote host), and the sandbox sees the
 * same paths, so symlinks and file permissions can be checked from here.
 */
import { accessSync, constants, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** realpath of the longest existing prefix, with the rest appended (a path that does not exist yet). */
export function realpathOfExisting(abs: string): string {
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return join(realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = dirname(cur);
      if (parent === cur) return abs;
      rest.push(basename(cur));
      cur = parent;
    }
  }
}

/** Would the file permissions alone allow the access? undefined when the file does not exist. */
export function permits(abs: string, access: 'read' | 'write'): boolean | undefined {
  try {
    accessSync(abs, constants.F_OK);
  } catch {
    return undefined;
  }
  try {
    accessSync(abs, access === 'read' ? constants.R_OK : constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function hostProbes(): { realpath: (abs: string) => string; permits: (abs: string, access: 'read' | 'write') => boolean | undefined } {
  return { realpath: realpathOfExisting, permits };
}
