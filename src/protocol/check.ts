/**
 * Tiny structural checks for messages crossing the extension <-> webview
 * boundary. Both sides treat every incoming message as untrusted input: a
 * compromised or buggy webview must not be able to make the host act on a
 * malformed request, and the webview must not render a shape it did not expect.
 */

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Ids are opaque, short tokens (`run_…`, `nd_…`, `snap_…`): a letter or digit,
 * then letters, digits and `_ . : @ -`. Never a path: no `/`, no `..`, no
 * leading dot (they end up in file names and URIs on the host side).
 */
export const MAX_ID_LENGTH = 200;
export function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH && /^[A-Za-z0-9][\w.:@-]*$/.test(v) && !v.includes('..');
}

export function isStr(v: unknown, max = 1_000_000): v is string {
  return typeof v === 'string' && v.length <= max;
}

export function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function isBool(v: unknown): v is boolean {
  return typeof v === 'boolean';
}

export function isNullable<T>(v: unknown, inner: (x: unknown) => x is T): v is T | null {
  return v === null || inner(v);
}

/** Every element, holes included: `every` skips the holes of a sparse array, which then read as undefined. */
function everyIndex(v: unknown[], ok: (x: unknown) => boolean): boolean {
  for (let i = 0; i < v.length; i++) if (!(i in v) || !ok(v[i])) return false;
  return true;
}

export function isArrayOf<T>(v: unknown, inner: (x: unknown) => x is T, max = 100_000): v is T[] {
  return Array.isArray(v) && v.length <= max && everyIndex(v, inner);
}

export function isOneOf<T extends string>(v: unknown, values: readonly T[]): v is T {
  return typeof v === 'string' && (values as readonly string[]).includes(v);
}

/** OTLP-style attribute values: scalars or homogeneous scalar arrays. */
export function isAttrValue(v: unknown): boolean {
  if (typeof v === 'string' || typeof v === 'boolean' || isNum(v)) return true;
  if (!Array.isArray(v)) return false;
  return everyIndex(v, (x) => typeof x === 'string') || everyIndex(v, isNum) || everyIndex(v, (x) => typeof x === 'boolean');
}

export function isAttributes(v: unknown): boolean {
  return isObj(v) && Object.values(v).every(isAttrValue);
}

/** Workspace-relative, '/'-separated, no traversal, no absolute path. */
export function isRelPath(v: unknown): v is string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 4096) return false;
  if (v.startsWith('/') || v.includes('\\') || v.includes('\0') || /^[a-zA-Z]:/.test(v)) return false;
  return v.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}
