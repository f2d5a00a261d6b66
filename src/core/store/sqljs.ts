/**
 * Loads sql.js's wasm from a file we locate ourselves (next to the bundle in
 * dist/, or in node_modules when running from source), so a missing file is a
 * clear error instead of a fetch failure deep inside emscripten.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import type { SqlJsStatic } from 'sql.js';
import { StoreOpenError } from './errors';

const WASM = 'sql-wasm.wasm';
const cache = new Map<string, Promise<SqlJsStatic>>();

export function wasmCandidates(): string[] {
  const out: string[] = [];
  // Bundled: dist/extension.js, dist/cli.js ... ship dist/sql-wasm.wasm beside them.
  if (typeof __dirname !== 'undefined') out.push(path.join(__dirname, WASM), path.join(__dirname, '..', WASM));
  if (process.argv[1]) out.push(path.join(path.dirname(process.argv[1]), WASM));
  // From source (tsx): the package's own copy.
  try {
    if (typeof require !== 'undefined') out.push(require.resolve(`sql.js/dist/${WASM}`));
  } catch {
    // not resolvable from here (bundled without node_modules)
  }
  out.push(path.join(process.cwd(), 'node_modules', 'sql.js', 'dist', WASM), path.join(process.cwd(), 'dist', WASM));
  return out;
}

export function locateWasm(explicit?: string): string {
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new StoreOpenError(`sql.js wasm not found at ${explicit} (the wasmPath option); pass the path of sql-wasm.wasm from the sql.js package.`);
    return explicit;
  }
  const found = wasmCandidates().find((p) => fs.existsSync(p));
  if (!found) {
    throw new StoreOpenError(
      `Could not find ${WASM} (looked in: ${wasmCandidates().join(', ')}). Rebuild with \`npm run build\` (it copies it to dist/) or pass the wasmPath option.`,
    );
  }
  return found;
}

export function loadSqlJs(wasmPath?: string): Promise<SqlJsStatic> {
  const file = locateWasm(wasmPath);
  let p = cache.get(file);
  if (!p) {
    const bytes = fs.readFileSync(file);
    const wasmBinary = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    p = initSqlJs({ wasmBinary, locateFile: () => file });
    p.catch(() => cache.delete(file));
    cache.set(file, p);
  }
  return p;
}
