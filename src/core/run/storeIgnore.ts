import { isAbsolute, relative, sep } from 'node:path';
import { escapeGitignore } from '../snapshots/ignore';

/** A store folder configured inside the workspace must never be snapshotted or restored over. */
export function storeIgnore(ws: string, nc: string): string[] {
  const rel = relative(ws, nc);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return [];
  // Anchored at the root (gitignore syntax), every segment taken literally.
  return [`/${rel.split(sep).map(escapeGitignore).join('/')}/`];
}
