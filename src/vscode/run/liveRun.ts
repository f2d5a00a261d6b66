/**
 * The run this window is driving, assembled from the run's listener events
 * (pure). The listener hears of each branch and node as it happens, before
 * the read-only store view catches up with the journal, so while the run goes
 * the Replay view and the restore commands read it from here.
 */
import type { Branch, Node, Run } from '../../core/model/types';
import type { ActiveRunView, NarrationLine, RunDetail, RunPhase } from '../../protocol/replay';

export const MAX_NARRATION_LINES = 500;

export class LiveRun {
  private run: Run | null = null;
  private readonly branches = new Map<string, Branch>();
  private readonly nodes = new Map<string, Node>();
  readonly narration: NarrationLine[] = [];
  phase: RunPhase = 'starting';
  message = 'Starting…';

  constructor(
    readonly task: string,
    readonly workspace: string,
    readonly driver: string,
    readonly startedAt: number = Date.now(),
  ) {}

  get runId(): string | null {
    return this.run?.id ?? null;
  }

  /** A fork adds to a recorded run: start from what it holds. */
  seed(detail: RunDetail): void {
    this.run = { ...detail.run, status: 'running', endedAt: null };
    for (const b of detail.branches) this.branches.set(b.id, { ...b });
    for (const n of detail.nodes) this.nodes.set(n.id, { ...n });
  }

  stepCount(): number {
    return this.nodes.size;
  }

  addBranch(b: Branch): void {
    this.branches.set(b.id, { ...b });
    if (!this.run) {
      this.run = {
        id: b.runId,
        task: this.task,
        workspace: this.workspace,
        baselineSnapshotId: null,
        status: 'running',
        startedAt: this.startedAt,
        endedAt: null,
        driver: this.driver,
        meta: {},
      };
    }
  }

  /** A node appears when appended and again when closed: the later copy wins. */
  addNode(n: Node): void {
    this.nodes.set(n.id, { ...n });
  }

  addNarration(text: string, at: number): NarrationLine {
    const line = { at, text };
    this.narration.push(line);
    if (this.narration.length > MAX_NARRATION_LINES) this.narration.splice(0, this.narration.length - MAX_NARRATION_LINES);
    return line;
  }

  setRun(run: Run): void {
    this.run = { ...run };
  }

  getNode(id: string): Node | undefined {
    return this.nodes.get(id);
  }
  getBranch(id: string): Branch | undefined {
    return this.branches.get(id);
  }

  detail(): RunDetail | null {
    if (!this.run) return null;
    const nodes = [...this.nodes.values()].sort((a, b) => (a.branchId === b.branchId ? a.seq - b.seq : a.startTime - b.startTime));
    return { run: this.run, branches: [...this.branches.values()], nodes };
  }

  view(): ActiveRunView {
    return { task: this.task, runId: this.runId, phase: this.phase, message: this.message, startedAt: this.startedAt };
  }
}
