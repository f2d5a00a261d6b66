import { createHash } from 'node:crypto';
import { PathEscapeError, type EntryType, type TreeEntry } from './api';

/**
 * Canonical tree serialisation. A tree object is the JSON array of its entries as
 * `[name, type, mode, size, hash]`, sorted by name (UTF-16 code unit order), hashed in a
 * domain separate from blobs so a file whose bytes equal a tree's text never aliases it.
 */

const HEX64 = /^[0-9a-f]{64}$/;
const TYPES: ReadonlySet<string> = new Set<EntryType>(['file', 'symlink', 'dir']);

export class InvalidTreeError extends Error {
  constructor(hash: string, why: string) {
    super(`Snapshot tree object ${hash.slice(0, 12)} is invalid (${why}). The snapshot store may be damaged or tampered with; run the store check ("fsck") and take a fresh snapshot.`);
    this.name = 'InvalidTreeError';
  }
}

/** A name is one path segment: no separators, no NUL, not `.`/`..`, not empty. */
export function isSafeName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0');
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A tree entry as a tree object stores it: [name, type, mode, size, hash]. */
export function treeRow(e: TreeEntry): [string, string, number, number, string] {
  return [e.name, e.type, e.mode, e.size, e.hash];
}

/** A tree object's bytes, from its rows (callers that also need the rows build them once). */
export function serializeRows(rows: ReadonlyArray<readonly [string, string, number, number, string]>): Buffer {
  return Buffer.from(JSON.stringify(rows), 'utf8');
}

export function serializeTree(entries: readonly TreeEntry[]): Buffer {
  return serializeRows(entries.map(treeRow));
}

export function hashTreeBytes(bytes: Buffer): string {
  return createHash('sha256').update('nc-tree\0').update(bytes).digest('hex');
}

export function hashBlobBytes(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Parses and validates a tree object; any unsafe name or malformed row rejects the whole tree. */
export function parseTree(hash: string, bytes: Buffer): TreeEntry[] {
  let rows: unknown;
  try {
    rows = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InvalidTreeError(hash, 'not valid JSON');
  }
  if (!Array.isArray(rows)) throw new InvalidTreeError(hash, 'not a list');
  const out: TreeEntry[] = [];
  let prev: string | null = null;
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== 5) throw new InvalidTreeError(hash, 'malformed entry');
    const [name, type, mode, size, h] = row as unknown[];
    if (typeof name !== 'string') throw new InvalidTreeError(hash, 'entry name is not a string');
    if (!isSafeName(name)) {
      // A traversal attempt, whatever the operation reading it: refused as a path escape.
      throw new PathEscapeError(name, `snapshot tree ${hash.slice(0, 12)} holds an entry with this name (".", "..", "/", NUL and empty names are never valid; the store may have been tampered with)`);
    }
    if (typeof type !== 'string' || !TYPES.has(type)) throw new InvalidTreeError(hash, `bad entry type for "${name}"`);
    if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
      throw new InvalidTreeError(hash, `bad mode for "${name}"`);
    }
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new InvalidTreeError(hash, `bad size for "${name}"`);
    if (typeof h !== 'string' || !HEX64.test(h)) throw new InvalidTreeError(hash, `bad hash for "${name}"`);
    if (prev !== null && compareNames(prev, name) >= 0) throw new InvalidTreeError(hash, 'entries not sorted or duplicated');
    prev = name;
    out.push({ name, type: type as EntryType, mode, size, hash: h });
  }
  return out;
}
