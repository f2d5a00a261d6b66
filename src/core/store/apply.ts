/**
 * Materialises journal events into the sql.js view. Deterministic: replaying
 * the same journal always yields the same rows (node seq is the count of
 * nodes already in the branch). Events were validated before they were
 * journaled, so this does not re-check invariants; it tolerates references
 * to rows lost in a damaged journal region rather than dropping the event.
 */
import type { Database } from 'sql.js';
import type { JournalRecord } from '../model/events';

export function applyRecord(db: Database, rec: JournalRecord): void {
  const e = rec.event;
  switch (e.type) {
    case 'run.started': {
      const r = e.run;
      db.run(
        `INSERT OR REPLACE INTO runs(id, task, workspace, baseline_snapshot_id, status, started_at, ended_at, driver, meta)
         VALUES(?, ?, ?, ?, 'running', ?, NULL, ?, ?)`,
        [r.id, r.task, r.workspace, r.baselineSnapshotId, r.startedAt, r.driver, JSON.stringify(r.meta ?? {})],
      );
      return;
    }
    case 'run.ended':
      db.run('UPDATE runs SET status = ?, ended_at = ? WHERE id = ?', [e.status, e.at, e.runId]);
      return;
    case 'run.resumed': {
      const cur = db.exec('SELECT meta FROM runs WHERE id = ?', [e.runId])[0]?.values[0];
      const meta = { ...(cur ? (JSON.parse(String(cur[0])) as object) : {}), ...(e.meta ?? {}) };
      db.run("UPDATE runs SET status = 'running', ended_at = NULL, meta = ? WHERE id = ?", [JSON.stringify(meta), e.runId]);
      return;
    }
    case 'branch.opened':
      db.run(
        `INSERT OR REPLACE INTO branches(id, run_id, parent_node_id, parent_branch_id, agent_id, label, sandbox, status, opened_at, sealed_at, seal_reason)
         VALUES(?, ?, ?, ?, ?, ?, ?, 'open', ?, NULL, NULL)`,
        [e.branchId, e.runId, e.parentNodeId, e.parentBranchId, e.agentId, e.label, e.sandbox, e.at],
      );
      return;
    case 'branch.sealed':
      db.run('UPDATE branches SET status = ?, sealed_at = ?, seal_reason = ? WHERE id = ?', [e.status, e.at, e.reason, e.branchId]);
      return;
    case 'node.appended': {
      const next = db.exec('SELECT COALESCE(MAX(seq) + 1, 0) FROM nodes WHERE branch_id = ?', [e.branchId]);
      const seq = Number(next[0]?.values[0]?.[0] ?? 0);
      db.run(
        `INSERT OR IGNORE INTO nodes(id, run_id, branch_id, seq, kind, name, parent_node_id, start_time, end_time, status, snapshot_id, attributes)
         VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          e.nodeId,
          e.runId,
          e.branchId,
          seq,
          e.kind,
          e.name,
          e.parentNodeId,
          e.startTime,
          e.endTime,
          e.status,
          e.snapshotId,
          JSON.stringify(e.attributes ?? {}),
        ],
      );
      return;
    }
    case 'node.closed': {
      const cur = db.exec('SELECT attributes, snapshot_id FROM nodes WHERE id = ?', [e.nodeId]);
      const row = cur[0]?.values[0];
      if (!row) return;
      const attrs = { ...(JSON.parse(String(row[0])) as object), ...(e.attributes ?? {}) };
      const snapshotId = e.snapshotId === undefined ? row[1] : e.snapshotId;
      db.run('UPDATE nodes SET end_time = ?, status = ?, attributes = ?, snapshot_id = ? WHERE id = ?', [
        e.endTime,
        e.status,
        JSON.stringify(attrs),
        snapshotId ?? null,
        e.nodeId,
      ]);
      return;
    }
    case 'snapshot.recorded':
      db.run(
        `INSERT OR IGNORE INTO snapshots(id, run_id, root, parent_snapshot_id, reason, at, file_count, changed_count)
         VALUES(?, ?, ?, ?, ?, ?, ?, ?)`,
        [e.snapshotId, e.runId, e.root, e.parentSnapshotId, e.reason, e.at, e.fileCount, e.changedCount],
      );
      return;
    case 'lines.attributed':
      for (const [s, en] of e.ranges) {
        db.run('INSERT INTO attributions(run_id, node_id, path, start_line, end_line, at, journal_seq) VALUES(?, ?, ?, ?, ?, ?, ?)', [
          e.runId,
          e.nodeId,
          e.path,
          s,
          en,
          e.at,
          rec.seq,
        ]);
      }
      return;
    default: {
      const unknown: never = e;
      throw new Error(`unknown event type ${(unknown as { type: string }).type}`);
    }
  }
}
