/**
 * Atomic exports of the sql.js database to `store.sqlite`: write a temp file,
 * fsync, rename, fsync the folder. A sidecar `store.sqlite.sha256` lists the
 * hash of the current export and the previous one, so corruption that SQLite's
 * own integrity check cannot see (changed bytes inside a row) is detected, and
 * a crash between the two renames still leaves a file whose hash is listed.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { describeWriteError, StoreOpenError } from './errors';
import { fsyncDirSync } from './fsutil';
import { readMeta, SCHEMA_VERSION, schemaVersionOf } from './schema';

export const EXPORT_FILE = 'store.sqlite';
const SUM_FILE = 'store.sqlite.sha256';

interface SumFile {
  current: string;
  previous: string | null;
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

function readSums(dir: string): SumFile | null {
  try {
    const j = JSON.parse(fs.readFileSync(path.join(dir, SUM_FILE), 'utf8')) as SumFile;
    return typeof j.current === 'string' ? j : null;
  } catch {
    return null;
  }
}

async function writeDurably(file: string, bytes: Uint8Array): Promise<void> {
  const fh = await fs.promises.open(file, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Writes `bytes` as the new export and returns its hash. `onDiskHash` is the hash of the export currently in
 * place (known from the last load or export), kept as `previous` so a crash between the renames is harmless.
 * Throws StoreWriteError (e.g. disk full); the previous export stays in place.
 */
export async function writeExport(dir: string, bytes: Uint8Array, onDiskHash: string | null): Promise<string> {
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = path.join(dir, `${EXPORT_FILE}.tmp-${tag}`);
  const sumTmp = path.join(dir, `${SUM_FILE}.tmp-${tag}`);
  try {
    await writeDurably(tmp, bytes);
    const sums: SumFile = { current: sha256(bytes), previous: onDiskHash };
    await writeDurably(sumTmp, Buffer.from(JSON.stringify(sums)));
    await fs.promises.rename(sumTmp, path.join(dir, SUM_FILE));
    await fs.promises.rename(tmp, path.join(dir, EXPORT_FILE));
    fsyncDirSync(dir);
    return sums.current;
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(sumTmp, { force: true });
    throw describeWriteError(err, 'the database export', dir, 'the previous export is kept and the journal still holds every event');
  }
}

/** Temp files of exports interrupted by a crash. */
export function removeStaleTemps(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith(`${EXPORT_FILE}.tmp-`) || name.startsWith(`${SUM_FILE}.tmp-`)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

export type LoadedExport =
  | { kind: 'none' }
  | { kind: 'ok'; db: Database; seq: number; schemaVersion: number; hash: string; warnings: string[] }
  | { kind: 'corrupt'; reason: string; backup: string | null };

/**
 * Loads and verifies the export; a corrupt one is moved aside (never deleted) as `store.sqlite.corrupt-<ts>`,
 * unless `readOnly` (then it is left in place for the writer to deal with).
 */
export function loadExport(dir: string, SQL: SqlJsStatic, readOnly = false): LoadedExport {
  const file = path.join(dir, EXPORT_FILE);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    throw err;
  }
  const warnings: string[] = [];
  let reason: string | null = null;
  let db: Database | null = null;
  const sums = readSums(dir);
  const hash = sha256(bytes);
  if (sums && hash !== sums.current && hash !== sums.previous) reason = 'its checksum does not match the one recorded when it was written';
  if (!sums) warnings.push(`${EXPORT_FILE} has no checksum file; it was verified with SQLite's integrity check only.`);
  if (!reason) {
    try {
      db = new SQL.Database(bytes);
      const ic = db.exec('PRAGMA integrity_check');
      const verdict = ic[0]?.values.map((r) => String(r[0])).join('; ') ?? '';
      const version = schemaVersionOf(db);
      if (verdict !== 'ok') reason = `SQLite's integrity check failed (${verdict.slice(0, 200)})`;
      else if (version === 0) reason = 'it has no schema version (meta table missing)';
      else if (version > SCHEMA_VERSION) {
        db.close();
        throw new StoreOpenError(
          `This store was written by a newer NemoCognition (schema version ${version}; this one understands up to ${SCHEMA_VERSION}). ` +
            `Update the NemoCognition extension/CLI to open it. Store: ${dir}`,
        );
      } else if (readMeta(db, 'journal_seq') === undefined) reason = 'its meta table has no journal position';
      if (!reason) return { kind: 'ok', db, seq: Number(readMeta(db, 'journal_seq')), schemaVersion: version, hash, warnings };
    } catch (err) {
      if (err instanceof StoreOpenError) throw err;
      reason = `SQLite cannot read it (${err instanceof Error ? err.message : String(err)})`;
    }
  }
  try {
    db?.close();
  } catch {
    // already unusable
  }
  if (readOnly) return { kind: 'corrupt', reason: reason!, backup: null };
  const backup = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  fs.renameSync(file, backup);
  fsyncDirSync(dir);
  return { kind: 'corrupt', reason: reason!, backup };
}
