/**
 * What validation needs to know about the store: the durable view (sql.js)
 * plus the events accepted but not yet fsync'd (a batch in flight), so that
 * `branch.opened` followed by `node.appended` in the same tick validates.
 */
import type { Database } from 'sql.js';
import type { StoreEvent } from '../model/events';
import type { BranchStatus, RunStatus } from '../model/types';

export interface RunFacts {
  status: RunStatus;
}
export interface BranchFacts {
  runId: string;
  status: BranchStatus;
}
export interface NodeFacts {
  runId: string;
  branchId: string;
  closed: boolean;
}

export interface StateView {
  run(id: string): RunFacts | undefined;
  branch(id: string): BranchFacts | undefined;
  node(id: string): NodeFacts | undefined;
  /** Root hash of a recorded snapshot. */
  snapshotRoot(id: string): string | undefined;
}

export class DbState implements StateView {
  constructor(private readonly db: () => Database) {}
  private one(sql: string, id: string): unknown[] | undefined {
    return this.db().exec(sql, [id])[0]?.values[0];
  }
  run(id: string): RunFacts | undefined {
    const r = this.one('SELECT status FROM runs WHERE id = ?', id);
    return r ? { status: r[0] as RunStatus } : undefined;
  }
  branch(id: string): BranchFacts | undefined {
    const r = this.one('SELECT run_id, status FROM branches WHERE id = ?', id);
    return r ? { runId: String(r[0]), status: r[1] as BranchStatus } : undefined;
  }
  node(id: string): NodeFacts | undefined {
    const r = this.one('SELECT run_id, branch_id, end_time FROM nodes WHERE id = ?', id);
    return r ? { runId: String(r[0]), branchId: String(r[1]), closed: r[2] !== null } : undefined;
  }
  snapshotRoot(id: string): string | undefined {
    const r = this.one('SELECT root FROM snapshots WHERE id = ?', id);
    return r ? String(r[0]) : undefined;
  }
}

/** Pending (accepted, not yet durable) events layered over a base view. */
export class OverlayState implements StateView {
  private runs = new Map<string, RunFacts>();
  private branches = new Map<string, BranchFacts>();
  private nodes = new Map<string, NodeFacts>();
  private snapshots = new Map<string, string>();

  constructor(private readonly base: StateView) {}

  run(id: string): RunFacts | undefined {
    return this.runs.get(id) ?? this.base.run(id);
  }
  branch(id: string): BranchFacts | undefined {
    return this.branches.get(id) ?? this.base.branch(id);
  }
  node(id: string): NodeFacts | undefined {
    return this.nodes.get(id) ?? this.base.node(id);
  }
  snapshotRoot(id: string): string | undefined {
    return this.snapshots.get(id) ?? this.base.snapshotRoot(id);
  }

  /** Rebuilds the overlay from the events still pending (after a batch became durable or failed). */
  reset(pending: Iterable<StoreEvent>): void {
    this.runs.clear();
    this.branches.clear();
    this.nodes.clear();
    this.snapshots.clear();
    for (const e of pending) this.note(e);
  }

  note(e: StoreEvent): void {
    switch (e.type) {
      case 'run.started':
        this.runs.set(e.run.id, { status: 'running' });
        return;
      case 'run.ended':
        this.runs.set(e.runId, { status: e.status });
        return;
      case 'run.resumed':
        this.runs.set(e.runId, { status: 'running' });
        return;
      case 'branch.opened':
        this.branches.set(e.branchId, { runId: e.runId, status: 'open' });
        return;
      case 'branch.sealed': {
        const b = this.branch(e.branchId);
        if (b) this.branches.set(e.branchId, { ...b, status: e.status });
        return;
      }
      case 'node.appended':
        this.nodes.set(e.nodeId, { runId: e.runId, branchId: e.branchId, closed: e.endTime !== null });
        return;
      case 'node.closed': {
        const n = this.node(e.nodeId);
        if (n) this.nodes.set(e.nodeId, { ...n, closed: true });
        return;
      }
      case 'snapshot.recorded':
        if (!this.snapshotRoot(e.snapshotId)) this.snapshots.set(e.snapshotId, e.root);
        return;
      case 'lines.attributed':
        return;
    }
  }
}
