/**
 * The journal's wire format: every change to the store is one of these events.
 * The journal (append-only, checksummed) is the source of truth; the sql.js
 * database is a materialised view rebuilt from it. Versioned: a reader upgrades
 * older versions and refuses newer ones.
 */
import type { Attributes, BranchStatus, NodeStatus, NodeKind, Run, RunStatus } from './types';

/** 2: adds `run.resumed` (a user forks a new branch from a node of an ended run). */
export const EVENT_SCHEMA_VERSION = 2;

export interface RunStarted {
  type: 'run.started';
  run: Omit<Run, 'status' | 'endedAt'>;
}
export interface RunEnded {
  type: 'run.ended';
  runId: string;
  status: RunStatus;
  at: number;
}
/**
 * An ended run takes a new branch: the user forked from one of its nodes
 * ("fork from here"). The run is running again until its next `run.ended`;
 * its sealed branches stay sealed. `meta` is merged into the run's meta (the
 * new supervising process, so a killed fork is sealed like any orphan).
 */
export interface RunResumed {
  type: 'run.resumed';
  runId: string;
  at: number;
  reason: string;
  meta: Attributes;
}
export interface BranchOpened {
  type: 'branch.opened';
  branchId: string;
  runId: string;
  parentNodeId: string | null;
  parentBranchId: string | null;
  agentId: string;
  label: string;
  sandbox: string;
  at: number;
}
export interface BranchSealed {
  type: 'branch.sealed';
  branchId: string;
  status: Exclude<BranchStatus, 'open'>;
  reason: string;
  at: number;
}
export interface NodeAppended {
  type: 'node.appended';
  nodeId: string;
  runId: string;
  branchId: string;
  kind: NodeKind;
  name: string;
  parentNodeId: string | null;
  startTime: number;
  endTime: number | null;
  status: NodeStatus;
  snapshotId: string | null;
  attributes: Attributes;
}
/** Closes an open node (e.g. a TOOL span when the tool returns). Only while its branch is open. */
export interface NodeClosed {
  type: 'node.closed';
  nodeId: string;
  endTime: number;
  status: NodeStatus;
  /** Merged into the node's attributes. */
  attributes: Attributes;
  snapshotId?: string | null;
}
export interface SnapshotRecorded {
  type: 'snapshot.recorded';
  snapshotId: string;
  runId: string | null;
  /** Root tree hash in the object store. */
  root: string;
  parentSnapshotId: string | null;
  reason: string;
  at: number;
  fileCount: number;
  changedCount: number;
}
/** Lines [startLine, endLine] (1-based, inclusive) of `path` were last written by `nodeId`. */
export interface LinesAttributed {
  type: 'lines.attributed';
  runId: string;
  nodeId: string;
  path: string; // workspace-relative, forward slashes
  ranges: Array<[number, number]>;
  at: number;
}

export type StoreEvent =
  | RunStarted
  | RunEnded
  | RunResumed
  | BranchOpened
  | BranchSealed
  | NodeAppended
  | NodeClosed
  | SnapshotRecorded
  | LinesAttributed;

/** What the journal holds: the event plus its envelope. */
export interface JournalRecord {
  v: number; // EVENT_SCHEMA_VERSION of the writer
  seq: number; // monotonically increasing across the journal
  ts: number;
  event: StoreEvent;
}
