import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JournalRecord } from '../../../src/core/model/events';
import { encodeRecord } from '../../../src/core/store/record';
import { migrate, readMeta, SCHEMA_VERSION, writeMeta } from '../../../src/core/store/schema';
import { loadSqlJs } from '../../../src/core/store/sqljs';
import { Store, StoreOpenError } from '../../../src/core/store/store';
import { branchOpened, lines, node, rmDir, runStarted, tmpDir, wasmPath } from './helpers';

/** What a schema-v1 NemoCognition wrote for these events (v1 had no attributions.journal_seq). */
function v1Insert(db: import('sql.js').Database, rec: JournalRecord): void {
  const e = rec.event;
  if (e.type === 'run.started') {
    db.run(`INSERT INTO runs VALUES(?, ?, ?, ?, 'running', ?, NULL, ?, ?)`, [e.run.id, e.run.task, e.run.workspace, e.run.baselineSnapshotId, e.run.startedAt, e.run.driver, JSON.stringify(e.run.meta)]);
  } else if (e.type === 'branch.opened') {
    db.run(`INSERT INTO branches VALUES(?, ?, ?, ?, ?, ?, ?, 'open', ?, NULL, NULL)`, [e.branchId, e.runId, e.parentNodeId, e.parentBranchId, e.agentId, e.label, e.sandbox, e.at]);
  } else if (e.type === 'node.appended') {
    const seq = Number(db.exec('SELECT COUNT(*) FROM nodes WHERE branch_id = ?', [e.branchId])[0]!.values[0]![0]);
    db.run(`INSERT INTO nodes VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [e.nodeId, e.runId, e.branchId, seq, e.kind, e.name, e.parentNodeId, e.startTime, e.endTime, e.status, e.snapshotId, JSON.stringify(e.attributes)]);
  } else if (e.type === 'lines.attributed') {
    for (const [a, b] of e.ranges) db.run(`INSERT INTO attributions(run_id, node_id, path, start_line, end_line, at) VALUES(?, ?, ?, ?, ?, ?)`, [e.runId, e.nodeId, e.path, a, b, e.at]);
  } else throw new Error(`fixture does not use ${e.type}`);
}

describe('store/migration', () => {
  let dir: string;
  beforeEach(() => (dir = tmpDir('nc-migrate-')));
  afterEach(() => rmDir(dir));

  it('opens a schema-v1 export, migrates it to the current version and replays the journal tail', async () => {
    // The journal as any version wrote it (the event format did not change).
    const s = await Store.open(dir, { wasmPath });
    await s.append(runStarted('r1'));
    await s.append(branchOpened('b1', 'r1'));
    await s.append(node('a', 'r1', 'b1'));
    await s.append(node('b', 'r1', 'b1'));
    await s.append(lines('r1', 'a', 'f.ts', [[1, 9]], 100));
    await s.append(lines('r1', 'b', 'f.ts', [[3, 4]], 100)); // same `at`: only the order of writing says who won
    await s.append(lines('r1', 'a', 'f.ts', [[4, 4]], 100));
    await s.append(node('c', 'r1', 'b1'));
    await s.append(lines('r1', 'c', 'f.ts', [[9, 9]], 100));
    const expected = { nodes: s.nodesOfRun('r1'), attr: s.attributionFor('f.ts') };
    const journal = [...s.readJournal(0)];
    await s.close();

    // A v1 export that includes the first 7 events.
    const SQL = await loadSqlJs(wasmPath);
    const db = new SQL.Database();
    migrate(db, 1);
    for (const rec of journal.slice(0, 7)) v1Insert(db, rec);
    writeMeta(db, 'journal_seq', 7);
    assert.equal(readMeta(db, 'schema_version'), '1');
    fs.writeFileSync(path.join(dir, 'store.sqlite'), db.export());
    db.close();
    fs.rmSync(path.join(dir, 'store.sqlite.sha256'));

    const logs: string[] = [];
    const m = await Store.open(dir, { wasmPath, log: (_l, msg) => logs.push(msg) });
    try {
      assert.equal(m.openReport.migratedFrom, 1);
      assert.equal(m.openReport.exportSeq, 7);
      assert.equal(m.openReport.replayed, 2);
      assert.equal(m.openReport.rebuiltFromJournal, false);
      assert.ok(logs.some((l) => /Migrated .* from schema version 1 to/.test(l)));
      assert.deepEqual(m.nodesOfRun('r1'), expected.nodes);
      assert.deepEqual(m.attributionFor('f.ts'), expected.attr);
      // Line 4: 'b' and then 'a' wrote it at the same `at`; the later write ('a') wins.
      assert.deepEqual(m.attributionFor('f.ts').map((x) => [x.startLine, x.endLine, x.nodeId]), [
        [1, 2, 'a'],
        [3, 3, 'b'],
        [4, 8, 'a'],
        [9, 9, 'c'],
      ]);
    } finally {
      await m.close();
    }
    // The export was rewritten at the current version.
    const again = await Store.open(dir, { wasmPath });
    try {
      assert.equal(again.openReport.migratedFrom, undefined);
      assert.deepEqual(again.openReport.warnings, []);
    } finally {
      await again.close();
    }
    const bytes = fs.readFileSync(path.join(dir, 'store.sqlite'));
    const check = new SQL.Database(bytes);
    assert.equal(readMeta(check, 'schema_version'), String(SCHEMA_VERSION));
    // v1 rows got their order from rowid; the replayed tail row carries its real journal seq.
    assert.deepEqual(check.exec('SELECT journal_seq FROM attributions ORDER BY id')[0]!.values.flat(), [1, 2, 3, 9]);
    check.close();
  });

  it('refuses an export from a newer schema, leaving it untouched', async () => {
    const SQL = await loadSqlJs(wasmPath);
    const db = new SQL.Database();
    migrate(db);
    writeMeta(db, 'schema_version', SCHEMA_VERSION + 1);
    writeMeta(db, 'journal_seq', 0);
    const bytes = db.export();
    db.close();
    fs.writeFileSync(path.join(dir, 'store.sqlite'), bytes);
    await assert.rejects(Store.open(dir, { wasmPath }), (e: Error) => e instanceof StoreOpenError && /newer NemoCognition/.test(e.message));
    assert.deepEqual(fs.readFileSync(path.join(dir, 'store.sqlite')), Buffer.from(bytes));
    assert.ok(!fs.existsSync(path.join(dir, 'writer.lock')), 'the lock is released when open fails');
  });

  it('refuses a journal written with a newer event version', async () => {
    fs.mkdirSync(path.join(dir, 'journal'), { recursive: true });
    const rec = { v: 99, seq: 1, ts: 1, event: { type: 'run.ended', runId: 'x', status: 'completed', at: 1 } } as JournalRecord;
    fs.writeFileSync(path.join(dir, 'journal', '0000000000000001.jnl'), encodeRecord(rec));
    await assert.rejects(Store.open(dir, { wasmPath }), (e: Error) => e instanceof StoreOpenError && /newer NemoCognition/.test(e.message));
  });
});
