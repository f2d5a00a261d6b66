import { isAbsolute, relative, sep } from 'node:path';

/** A store folder configured inside the workspace must never be snapshotted or restored over. */
export function storeIgnore(ws: string, nc: string): string[] {
  const rel = relative(ws, nc);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return [];
  return [`${rel.split(sep).join('/')}/`];
}
