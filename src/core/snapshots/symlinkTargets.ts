import * as path from 'node:path';

/**
 * Where a restored symlink would point. A snapshot can hold a link whose
 * target lies outside the workspace (`/home/me/.ssh`, `../../etc`); recreating
 * it puts a door out of the workspace where editors, tasks and later
 * restores may follow it. Restore refuses such links unless explicitly allowed.
 */

/** The link's target resolved against the folder holding it; null when it stays inside `rootAbs`. */
export function outsideTarget(rootAbs: string, relPath: string, target: string): string | null {
  const linkDir = path.dirname(path.join(rootAbs, ...relPath.split('/')));
  const resolved = path.resolve(linkDir, target);
  const rel = path.relative(rootAbs, resolved);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel)) ? null : resolved;
}

export class OutsideSymlinkError extends Error {
  constructor(readonly links: Array<{ path: string; target: string }>) {
    const shown = links.slice(0, 5).map((l) => `${l.path} -> ${l.target}`).join(', ');
    super(
      `Refused to restore ${links.length} symlink(s) pointing outside the workspace (${shown}${links.length > 5 ? ', …' : ''}). Nothing was written. ` +
        'Review them with a restore preview (`nemocog restore --dry-run`); to restore them anyway, pass --allow-outside-symlinks (VS Code asks).',
    );
    this.name = 'OutsideSymlinkError';
  }
}
