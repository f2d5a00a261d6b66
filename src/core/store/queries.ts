/** Read-only queries over the materialised view, mapping rows back to run-model objects. */
import type { Database, SqlValue } from 'sql.js';
import type { SnapshotRecorded } from '../model/events';
import type { Attributes, Branch, BranchStatus, Node, NodeKind, NodeStatus, Run, RunStatus } from '../model/types';
import { latestWriterWins, type AttributionFact } from './attribution';

type Row = Record<string, SqlValue>;

export function rows(db: Database, sql: string, params: SqlValue[] = []): Row[] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const out: Row[] = [];
    while (stmt.step()) out.push(stmt.getAsObject());
    return out;
  } finally {
    stmt.free();
  }
}

const num = (v: SqlValue): number => Number(v);
const numOrNull = (v: SqlValue): number | null => (v === null ? null : Number(v));
const strOrNull = (v: SqlValue): string | null => (v === null ? null : String(v));
const attrs = (v: SqlValue): Attributes => JSON.parse(String(v ?? '{}')) as Attributes;

function toRun(r: Row): Run {
  return {
    id: String(r.id),
    task: String(r.task),
    workspace: String(r.workspace),
    baselineSnapshotId: strOrNull(r.baseline_snapshot_id),
    status: String(r.status) as RunStatus,
    startedAt: num(r.started_at),
    endedAt: numOrNull(r.ended_at),
    driver: String(r.driver),
    meta: attrs(r.meta),
  };
}

function toBranch(r: Row): Branch {
  return {
    id: String(r.id),
    runId: String(r.run_id),
    parentNodeId: strOrNull(r.parent_node_id),
    parentBranchId: strOrNull(r.parent_branch_id),
    agentId: String(r.agent_id),
    label: String(r.label),
    sandbox: String(r.sandbox),
    status: String(r.status) as BranchStatus,
    openedAt: num(r.opened_at),
    sealedAt: numOrNull(r.sealed_at),
    sealReason: strOrNull(r.seal_reason),
  };
}

export function toNode(r: Row): Node {
  return {
    id: String(r.id),
    runId: String(r.run_id),
    branchId: String(r.branch_id),
    seq: num(r.seq),
    kind: String(r.kind) as NodeKind,
    name: String(r.name),
    parentNodeId: strOrNull(r.parent_node_id),
    startTime: num(r.start_time),
    endTime: numOrNull(r.end_time),
    status: String(r.status) as NodeStatus,
    snapshotId: strOrNull(r.snapshot_id),
    attributes: attrs(r.attributes),
  };
}

export function listRuns(db: Database): Run[] {
  return rows(db, 'SELECT * FROM runs ORDER BY started_at DESC, rowid DESC').map(toRun);
}

export function getRun(db: Database, id: string): Run | undefined {
  const r = rows(db, 'SELECT * FROM runs WHERE id = ?', [id])[0];
  return r ? toRun(r) : undefined;
}

export function branchesOf(db: Database, runId: string): Branch[] {
  return rows(db, 'SELECT * FROM branches WHERE run_id = ? ORDER BY opened_at, rowid', [runId]).map(toBranch);
}

export function getBranch(db: Database, id: string): Branch | undefined {
  const r = rows(db, 'SELECT * FROM branches WHERE id = ?', [id])[0];
  return r ? toBranch(r) : undefined;
}

export function nodesOfBranch(db: Database, branchId: string): Node[] {
  return rows(db, 'SELECT * FROM nodes WHERE branch_id = ? ORDER BY seq', [branchId]).map(toNode);
}

export function nodesOfRun(db: Database, runId: string): Node[] {
  return rows(db, 'SELECT * FROM nodes WHERE run_id = ? ORDER BY start_time, rowid', [runId]).map(toNode);
}

export function getNode(db: Database, id: string): Node | undefined {
  const r = rows(db, 'SELECT * FROM nodes WHERE id = ?', [id])[0];
  return r ? toNode(r) : undefined;
}

/** The node and every node causally under it (parentNodeId chain), in start order. */
export function nodeWithDescendants(db: Database, id: string): Node[] {
  return rows(
    db,
    `WITH RECURSIVE sub(id) AS (SELECT id FROM nodes WHERE id = ? UNION SELECT n.id FROM nodes n JOIN sub ON n.parent_node_id = sub.id)
     SELECT nodes.* FROM nodes JOIN sub ON nodes.id = sub.id ORDER BY (nodes.id = ?) DESC, start_time, nodes.rowid`,
    [id, id],
  ).map(toNode);
}

export function snapshot(db: Database, id: string): SnapshotRecorded | undefined {
  const r = rows(db, 'SELECT * FROM snapshots WHERE id = ?', [id])[0];
  if (!r) return undefined;
  return {
    type: 'snapshot.recorded',
    snapshotId: String(r.id),
    runId: strOrNull(r.run_id),
    root: String(r.root),
    parentSnapshotId: strOrNull(r.parent_snapshot_id),
    reason: String(r.reason),
    at: num(r.at),
    fileCount: num(r.file_count),
    changedCount: num(r.changed_count),
  };
}

export function attributionFor(db: Database, path: string, runId?: string): AttributionFact[] {
  return latestWriterWins(attributionHistoryFor(db, path, runId));
}

/** Every attribution fact of a file, in write order: what was written when (the replay's gutter replays them up to a step). */
export function attributionHistoryFor(db: Database, path: string, runId?: string): AttributionFact[] {
  return rows(
    db,
    `SELECT run_id, node_id, start_line, end_line, at FROM attributions
     WHERE path = ? ${runId === undefined ? '' : 'AND run_id = ?'} ORDER BY at, journal_seq, id`,
    runId === undefined ? [path] : [path, runId],
  ).map((r) => ({ startLine: num(r.start_line), endLine: num(r.end_line), nodeId: String(r.node_id), runId: String(r.run_id), at: num(r.at) }));
}

/** One step's line facts for a file: what node `nodeId` wrote, in the file's coordinates right after it. */
export interface AttributionStep {
  nodeId: string;
  ranges: Array<[number, number]>;
}

/** The raw line facts of one branch for a file, grouped per step, in write order (journal order). */
export function attributionStepsOf(db: Database, path: string, branchId: string): AttributionStep[] {
  const out: AttributionStep[] = [];
  for (const r of rows(
    db,
    `SELECT a.node_id, a.start_line, a.end_line FROM attributions a JOIN nodes n ON n.id = a.node_id
     WHERE a.path = ? AND n.branch_id = ? ORDER BY a.journal_seq, a.id`,
    [path, branchId],
  )) {
    const nodeId = String(r.node_id);
    const last = out[out.length - 1];
    const range: [number, number] = [num(r.start_line), num(r.end_line)];
    if (last && last.nodeId === nodeId) last.ranges.push(range);
    else out.push({ nodeId, ranges: [range] });
  }
  return out;
}
