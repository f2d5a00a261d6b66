/**
 * Folds journal records into ended spans. A span can never be updated in
 * Phoenix, so a span is emitted once, when its item has ended with its final
 * attributes: a node when it is appended closed or when its node.closed
 * arrives, a branch when it is sealed, a run when it ends. What is still open
 * is kept in `OpenItems`, which is small (open runs, branches, nodes), plain
 * JSON, and saved with the cursor so a restarted mirror resumes exactly there.
 */
import type { JournalRecord, StoreEvent } from '../model/events';
import { branchToSpan, nodeToSpan, runToSpan, type SpanRecord } from '../model/spans';
import type { Branch, Node, Run } from '../model/types';

/** Everything open as of the cursor. */
export interface OpenItems {
  runs: Record<string, Run>;
  /** Open branches, with the seq their next node gets (a node's seq is its position in its branch). */
  branches: Record<string, Branch & { nextSeq: number }>;
  nodes: Record<string, Node>;
}

/** A span ready to send, with the journal seq whose event ended it. */
export interface EndedSpan {
  seq: number;
  /** When the ending event was journaled (ms): the start of the recorder-to-Phoenix lag. */
  ts: number;
  span: SpanRecord;
  /** Attributes of the run this span belongs to (for llm.provider and the like), when known. */
  runMeta: Run['meta'] | null;
}

export function emptyOpenItems(): OpenItems {
  return { runs: {}, branches: {}, nodes: {} };
}

export function cloneOpenItems(o: OpenItems): OpenItems {
  return JSON.parse(JSON.stringify(o)) as OpenItems;
}

export function openCount(o: OpenItems): number {
  return Object.keys(o.runs).length + Object.keys(o.branches).length + Object.keys(o.nodes).length;
}

/** Does this event end a span? (For counting what is behind without building the spans.) */
export function endsSpan(e: StoreEvent): boolean {
  switch (e.type) {
    case 'run.ended':
    case 'branch.sealed':
    case 'node.closed':
      return true;
    case 'node.appended':
      return e.endTime !== null;
    default:
      return false;
  }
}

/**
 * Applies `records` (in journal order) to `open`, mutating it, and returns the spans they end.
 * Tolerates a journal with a damaged region: an event about an item whose opening was lost still
 * yields what can be known (a close of an unknown node is skipped, it cannot be rebuilt).
 */
export function foldRecords(open: OpenItems, records: Iterable<JournalRecord>): EndedSpan[] {
  const out: EndedSpan[] = [];
  for (const rec of records) {
    const e = rec.event;
    switch (e.type) {
      case 'run.started':
        open.runs[e.run.id] = { ...e.run, status: 'running', endedAt: null };
        break;
      case 'run.ended': {
        const run = open.runs[e.runId];
        if (!run) break;
        delete open.runs[e.runId];
        out.push({ seq: rec.seq, ts: rec.ts, span: runToSpan({ ...run, status: e.status, endedAt: e.at }, e.at), runMeta: run.meta });
        break;
      }
      case 'branch.opened':
        open.branches[e.branchId] = {
          id: e.branchId,
          runId: e.runId,
          parentNodeId: e.parentNodeId,
          parentBranchId: e.parentBranchId,
          agentId: e.agentId,
          label: e.label,
          sandbox: e.sandbox,
          status: 'open',
          openedAt: e.at,
          sealedAt: null,
          sealReason: null,
          nextSeq: 0,
        };
        break;
      case 'branch.sealed': {
        const b = open.branches[e.branchId];
        if (!b) break;
        delete open.branches[e.branchId];
        const { nextSeq: _n, ...branch } = b;
        const sealed: Branch = { ...branch, status: e.status, sealedAt: e.at, sealReason: e.reason };
        out.push({ seq: rec.seq, ts: rec.ts, span: branchToSpan(sealed, e.at), runMeta: open.runs[b.runId]?.meta ?? null });
        break;
      }
      case 'node.appended': {
        const b = open.branches[e.branchId];
        const seq = b ? b.nextSeq++ : 0;
        const node: Node = {
          id: e.nodeId,
          runId: e.runId,
          branchId: e.branchId,
          seq,
          kind: e.kind,
          name: e.name,
          parentNodeId: e.parentNodeId,
          startTime: e.startTime,
          endTime: e.endTime,
          status: e.status,
          snapshotId: e.snapshotId,
          attributes: e.attributes ?? {},
        };
        if (node.endTime === null) open.nodes[node.id] = node;
        else out.push({ seq: rec.seq, ts: rec.ts, span: nodeToSpan(node), runMeta: open.runs[e.runId]?.meta ?? null });
        break;
      }
      case 'node.closed': {
        const node = open.nodes[e.nodeId];
        if (!node) break;
        delete open.nodes[e.nodeId];
        const closed: Node = {
          ...node,
          endTime: e.endTime,
          status: e.status,
          attributes: { ...node.attributes, ...(e.attributes ?? {}) },
          snapshotId: e.snapshotId === undefined ? node.snapshotId : e.snapshotId,
        };
        out.push({ seq: rec.seq, ts: rec.ts, span: nodeToSpan(closed), runMeta: open.runs[node.runId]?.meta ?? null });
        break;
      }
      default:
        break; // snapshots and line attributions are not spans
    }
  }
  return out;
}
