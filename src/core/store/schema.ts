/**
 * The materialised view's schema, versioned. Each migration moves the database
 * from `version - 1` to `version`; `meta.schema_version` records where it is.
 * Never edit a released migration: add a new one.
 */
import type { Database } from 'sql.js';

export interface Migration {
  version: number;
  description: string;
  up: (db: Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, branches, nodes, snapshots, attributions, meta',
    up: (db) =>
      db.exec(`
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE runs (
          id TEXT PRIMARY KEY, task TEXT NOT NULL, workspace TEXT NOT NULL, baseline_snapshot_id TEXT,
          status TEXT NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER, driver TEXT NOT NULL, meta TEXT NOT NULL
        );
        CREATE TABLE branches (
          id TEXT PRIMARY KEY, run_id TEXT NOT NULL, parent_node_id TEXT, parent_branch_id TEXT, agent_id TEXT NOT NULL,
          label TEXT NOT NULL, sandbox TEXT NOT NULL, status TEXT NOT NULL, opened_at INTEGER NOT NULL,
          sealed_at INTEGER, seal_reason TEXT
        );
        CREATE INDEX branches_run ON branches(run_id);
        CREATE TABLE nodes (
          id TEXT PRIMARY KEY, run_id TEXT NOT NULL, branch_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
          name TEXT NOT NULL, parent_node_id TEXT, start_time INTEGER NOT NULL, end_time INTEGER, status TEXT NOT NULL,
          snapshot_id TEXT, attributes TEXT NOT NULL
        );
        CREATE UNIQUE INDEX nodes_branch_seq ON nodes(branch_id, seq);
        CREATE INDEX nodes_run ON nodes(run_id);
        CREATE INDEX nodes_parent ON nodes(parent_node_id);
        CREATE TABLE snapshots (
          id TEXT PRIMARY KEY, run_id TEXT, root TEXT NOT NULL, parent_snapshot_id TEXT, reason TEXT NOT NULL,
          at INTEGER NOT NULL, file_count INTEGER NOT NULL, changed_count INTEGER NOT NULL
        );
        CREATE TABLE attributions (
          id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, node_id TEXT NOT NULL, path TEXT NOT NULL,
          start_line INTEGER NOT NULL, end_line INTEGER NOT NULL, at INTEGER NOT NULL
        );
      `),
  },
  {
    version: 2,
    description: 'attributions ordered by journal seq (ties in `at` were ambiguous) and indexed by path',
    up: (db) =>
      db.exec(`
        ALTER TABLE attributions ADD COLUMN journal_seq INTEGER NOT NULL DEFAULT 0;
        -- v1 rows were inserted in journal order, so their rowid is a faithful stand-in for the seq.
        UPDATE attributions SET journal_seq = id;
        CREATE INDEX attributions_path ON attributions(path, at, journal_seq);
      `),
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function readMeta(db: Database, key: string): string | undefined {
  const res = db.exec('SELECT value FROM meta WHERE key = ?', [key]);
  const v = res[0]?.values[0]?.[0];
  return v === undefined || v === null ? undefined : String(v);
}

export function writeMeta(db: Database, key: string, value: string | number): void {
  db.run('INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', [key, String(value)]);
}

/** Current schema_version of `db` (0 for an empty database). */
export function schemaVersionOf(db: Database): number {
  const hasMeta = db.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
  if (hasMeta.length === 0) return 0;
  return Number(readMeta(db, 'schema_version') ?? 0);
}

/** Runs the migrations after the database's version up to `target`, each in its own transaction. Returns the steps applied. */
export function migrate(db: Database, target: number = SCHEMA_VERSION): Migration[] {
  const from = schemaVersionOf(db);
  if (from > SCHEMA_VERSION) {
    throw new Error(`schema version ${from} is newer than this NemoCognition understands (${SCHEMA_VERSION})`);
  }
  const applied: Migration[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= from || m.version > target) continue;
    db.exec('BEGIN');
    try {
      m.up(db);
      writeMeta(db, 'schema_version', m.version);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
    applied.push(m);
  }
  return applied;
}
