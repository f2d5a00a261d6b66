/**
 * Checks an event against the store's invariants before it is journaled, so a
 * refused event leaves no trace on disk. The key rule: a sealed branch never
 * changes again; a recovery is a new branch forking from an existing node.
 */
import type { StoreEvent } from '../model/events';
import { NODE_KINDS, NODE_STATUSES, TERMINAL_BRANCH_STATUSES } from '../model/types';
import { StoreRefusedError } from './errors';
import type { StateView } from './state';

const KINDS = new Set<string>(NODE_KINDS);
const STATUSES = new Set<string>(NODE_STATUSES);
const RUN_END_STATUSES = new Set(['completed', 'failed', 'cancelled', 'error']);

function refuse(msg: string): never {
  throw new StoreRefusedError(msg);
}

function str(v: unknown, what: string, allowEmpty = false): void {
  if (typeof v !== 'string' || (!allowEmpty && v.length === 0)) refuse(`${what} must be a ${allowEmpty ? '' : 'non-empty '}string`);
}
function strOrNull(v: unknown, what: string): void {
  if (v !== null) str(v, what);
}
function time(v: unknown, what: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) refuse(`${what} must be a finite number (ms since epoch)`);
}

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/** OTLP attribute rules: scalars or homogeneous arrays of scalars; undefined values are dropped by JSON. */
export function checkAttributes(attrs: unknown, what: string): void {
  if (!attrs || typeof attrs !== 'object' || Array.isArray(attrs)) refuse(`${what} must be an object of attributes`);
  for (const [k, v] of Object.entries(attrs as Record<string, unknown>)) {
    if (v === undefined) continue;
    if (isScalar(v)) continue;
    if (Array.isArray(v) && v.every(isScalar) && new Set(v.map((x) => typeof x)).size <= 1) continue;
    refuse(`${what}["${k}"] is not a valid span attribute (string, finite number, boolean or an array of one of them); got ${v === null ? 'null' : typeof v}`);
  }
}

function checkRelativePath(p: unknown): void {
  str(p, 'lines.attributed path');
  const s = p as string;
  if (s.includes('\\') || s.startsWith('/') || /^[a-zA-Z]:/.test(s) || s.split('/').some((seg) => seg === '..' || seg === '.' || seg === '')) {
    refuse(`lines.attributed path "${s}" must be workspace-relative with forward slashes and no "." or ".." segments`);
  }
}

export function validateEvent(e: StoreEvent, state: StateView): void {
  if (!e || typeof e !== 'object') refuse('event must be an object');
  switch (e.type) {
    case 'run.started': {
      const r = e.run;
      if (!r || typeof r !== 'object') refuse('run.started needs a run');
      str(r.id, 'run.id');
      str(r.task, 'run.task', true);
      str(r.workspace, 'run.workspace');
      strOrNull(r.baselineSnapshotId, 'run.baselineSnapshotId');
      time(r.startedAt, 'run.startedAt');
      str(r.driver, 'run.driver');
      checkAttributes(r.meta, 'run.meta');
      if (state.run(r.id)) refuse(`run ${r.id} already exists`);
      return;
    }
    case 'run.ended': {
      str(e.runId, 'runId');
      time(e.at, 'at');
      if (!RUN_END_STATUSES.has(e.status)) refuse(`run.ended status "${String(e.status)}" is not a final status`);
      const run = state.run(e.runId);
      if (!run) refuse(`run ${e.runId} does not exist`);
      if (run.status !== 'running') refuse(`run ${e.runId} already ended (${run.status}); an ended run is immutable`);
      return;
    }
    case 'run.resumed': {
      str(e.runId, 'runId');
      str(e.reason, 'reason');
      time(e.at, 'at');
      checkAttributes(e.meta, 'meta');
      const run = state.run(e.runId);
      if (!run) refuse(`run ${e.runId} does not exist`);
      if (run.status === 'running') refuse(`run ${e.runId} is still running; only an ended run can be resumed`);
      return;
    }
    case 'branch.opened': {
      str(e.branchId, 'branchId');
      str(e.runId, 'runId');
      strOrNull(e.parentNodeId, 'parentNodeId');
      strOrNull(e.parentBranchId, 'parentBranchId');
      str(e.agentId, 'agentId');
      str(e.label, 'label', true);
      str(e.sandbox, 'sandbox', true);
      time(e.at, 'at');
      if (state.branch(e.branchId)) refuse(`branch ${e.branchId} already exists`);
      const run = state.run(e.runId);
      if (!run) refuse(`cannot open branch ${e.branchId}: run ${e.runId} does not exist`);
      if (run.status !== 'running') refuse(`cannot open branch ${e.branchId}: run ${e.runId} has ended (${run.status})`);
      if (e.parentNodeId !== null) {
        const parent = state.node(e.parentNodeId);
        if (!parent) refuse(`cannot open branch ${e.branchId}: its parent node ${e.parentNodeId} does not exist`);
        if (parent.runId !== e.runId) refuse(`cannot open branch ${e.branchId}: parent node ${e.parentNodeId} belongs to another run`);
        if (e.parentBranchId !== null && parent.branchId !== e.parentBranchId) {
          refuse(`cannot open branch ${e.branchId}: parent node ${e.parentNodeId} is not on parent branch ${e.parentBranchId}`);
        }
      }
      if (e.parentBranchId !== null) {
        const pb = state.branch(e.parentBranchId);
        if (!pb) refuse(`cannot open branch ${e.branchId}: its parent branch ${e.parentBranchId} does not exist`);
        if (pb.runId !== e.runId) refuse(`cannot open branch ${e.branchId}: parent branch ${e.parentBranchId} belongs to another run`);
      }
      return;
    }
    case 'branch.sealed': {
      str(e.branchId, 'branchId');
      str(e.reason, 'reason', true);
      time(e.at, 'at');
      if (!TERMINAL_BRANCH_STATUSES.includes(e.status)) refuse(`branch.sealed status "${String(e.status)}" is not a final status`);
      const b = state.branch(e.branchId);
      if (!b) refuse(`cannot seal branch ${e.branchId}: it does not exist`);
      if (b.status !== 'open') refuse(`branch ${e.branchId} is already sealed (${b.status}); a sealed branch is immutable`);
      return;
    }
    case 'node.appended': {
      str(e.nodeId, 'nodeId');
      str(e.runId, 'runId');
      str(e.branchId, 'branchId');
      if (!KINDS.has(e.kind)) refuse(`unknown node kind "${String(e.kind)}"`);
      str(e.name, 'name', true);
      strOrNull(e.parentNodeId, 'parentNodeId');
      time(e.startTime, 'startTime');
      if (e.endTime !== null) time(e.endTime, 'endTime');
      if (!STATUSES.has(e.status)) refuse(`unknown node status "${String(e.status)}"`);
      strOrNull(e.snapshotId, 'snapshotId');
      checkAttributes(e.attributes, 'attributes');
      if (state.node(e.nodeId)) refuse(`node ${e.nodeId} already exists`);
      const b = state.branch(e.branchId);
      if (!b) refuse(`cannot append node ${e.nodeId}: branch ${e.branchId} does not exist`);
      if (b.runId !== e.runId) refuse(`cannot append node ${e.nodeId}: branch ${e.branchId} belongs to run ${b.runId}, not ${e.runId}`);
      if (b.status !== 'open') refuse(`cannot append node ${e.nodeId}: branch ${e.branchId} is sealed (${b.status}) and immutable; record further steps on a new branch`);
      if (e.parentNodeId !== null) {
        const p = state.node(e.parentNodeId);
        if (!p) refuse(`cannot append node ${e.nodeId}: its parent node ${e.parentNodeId} does not exist`);
        if (p.runId !== e.runId) refuse(`cannot append node ${e.nodeId}: parent node ${e.parentNodeId} belongs to another run`);
      }
      return;
    }
    case 'node.closed': {
      str(e.nodeId, 'nodeId');
      time(e.endTime, 'endTime');
      if (!STATUSES.has(e.status)) refuse(`unknown node status "${String(e.status)}"`);
      checkAttributes(e.attributes, 'attributes');
      if (e.snapshotId !== undefined) strOrNull(e.snapshotId, 'snapshotId');
      const n = state.node(e.nodeId);
      if (!n) refuse(`cannot close node ${e.nodeId}: it does not exist`);
      const b = state.branch(n.branchId);
      if (!b || b.status !== 'open') refuse(`cannot close node ${e.nodeId}: its branch ${n.branchId} is sealed and immutable`);
      if (n.closed) refuse(`node ${e.nodeId} is already closed; a closed node does not change`);
      return;
    }
    case 'snapshot.recorded': {
      str(e.snapshotId, 'snapshotId');
      if (e.runId !== null) str(e.runId, 'runId');
      str(e.root, 'root');
      strOrNull(e.parentSnapshotId, 'parentSnapshotId');
      str(e.reason, 'reason', true);
      time(e.at, 'at');
      if (!Number.isSafeInteger(e.fileCount) || e.fileCount < 0) refuse('fileCount must be a non-negative integer');
      if (!Number.isSafeInteger(e.changedCount) || e.changedCount < 0) refuse('changedCount must be a non-negative integer');
      const root = state.snapshotRoot(e.snapshotId);
      if (root !== undefined && root !== e.root) refuse(`snapshot ${e.snapshotId} is already recorded with a different root`);
      return;
    }
    case 'lines.attributed': {
      str(e.runId, 'runId');
      str(e.nodeId, 'nodeId');
      checkRelativePath(e.path);
      time(e.at, 'at');
      if (!Array.isArray(e.ranges) || e.ranges.length === 0) refuse('lines.attributed needs at least one range');
      for (const r of e.ranges) {
        if (!Array.isArray(r) || r.length !== 2 || !Number.isSafeInteger(r[0]) || !Number.isSafeInteger(r[1]) || r[0] < 1 || r[1] < r[0]) {
          refuse(`invalid line range ${JSON.stringify(r)}: expected [start, end], 1-based, start <= end`);
        }
      }
      const n = state.node(e.nodeId);
      if (!n) refuse(`cannot attribute lines to node ${e.nodeId}: it does not exist`);
      if (n.runId !== e.runId) refuse(`cannot attribute lines to node ${e.nodeId}: it belongs to run ${n.runId}, not ${e.runId}`);
      const nb = state.branch(n.branchId);
      if (!nb || nb.status !== 'open') refuse(`cannot attribute lines to node ${e.nodeId}: its branch ${n.branchId} is sealed (${nb?.status ?? 'missing'}) and immutable`);
      return;
    }
    default:
      refuse(`unknown event type "${String((e as { type?: unknown }).type)}"`);
  }
}
