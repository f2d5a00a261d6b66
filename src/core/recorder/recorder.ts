/**
 * The recorder turns what happens during a run into store events, in order,
 * with secrets scrubbed before anything reaches a sink, and tells listeners
 * (the VS Code live view, the CLI) as it goes. It owns branch sequencing and
 * refuses to touch a sealed branch itself, before the store would. After the
 * sink fails once, it stops writing (no gaps in the journal) and keeps the
 * rest in memory for the listeners and the summary.
 *
 * Scrub first, then clip: every text is scrubbed whole and only then cut to
 * its limit (names 200 characters, attribute texts MAX_TEXT), so no fragment
 * of a secret survives at the cut. Callers hand over whole texts; a caller that
 * wants a shorter text uses clipScrubbed().
 */
import type { StoreEvent } from '../model/events';
import { newId } from '../model/ids';
import type { AttrValue, Attributes, Branch, BranchStatus, Node, NodeKind, NodeStatus, Run, RunStatus } from '../model/types';

/** What the recorder needs of the store: durable, ordered appends. */
export interface EventSink {
  append(event: StoreEvent): Promise<number>;
}

/** What the recorder needs of the scrubber. */
export interface TextRedactor {
  scrub(text: string): string;
  /** scrub() of only the head of a long text (Scrubber.scrubHead): keeps recording a huge text within the time budget. */
  scrubHead?(text: string, max: number): { text: string; unread: number };
}

export interface RecorderListener {
  run?(run: Run): void;
  branch?(branch: Branch): void;
  node?(node: Node): void;
  /** A sink failed; the message says what to do. Recording continues in memory. */
  sinkError?(error: Error): void;
}

/** Longest text attribute a span keeps (the rest is replaced by a note saying how much was left out). */
export const MAX_TEXT = 64 * 1024;
/** Longest node name, branch seal reason or run task kept in the store. */
export const MAX_NAME = 200;
export const MAX_REASON = 2000;

/** Cuts an already-scrubbed text to `max` characters, saying how much was left out (`unread`: more not even scrubbed). */
export function clipScrubbedText(s: string, max: number, unread = 0): string {
  if (s.length <= max && unread === 0) return s;
  // Never cut a surrogate pair (or a redaction marker) in half.
  let cut = max;
  const code = s.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  const open = s.lastIndexOf('[REDACTED:', cut);
  if (open >= 0 && s.indexOf(']', open) >= cut) cut = open;
  return `${s.slice(0, cut)}\n… [${s.length - cut + unread} more characters not recorded]`;
}

export interface NodeInput {
  kind: NodeKind;
  name: string;
  parentNodeId?: string | null;
  startTime?: number;
  endTime?: number | null;
  status?: NodeStatus;
  snapshotId?: string | null;
  attributes?: Attributes;
}

export class Recorder {
  private readonly branches = new Map<string, Branch>();
  private readonly nodes = new Map<string, Node>();
  private readonly nextSeq = new Map<string, number>();
  private run: Run | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private failures: Error[] = [];

  constructor(
    private readonly sink: EventSink,
    private readonly redactor: TextRedactor,
    private readonly listener: RecorderListener = {},
  ) {}

  get currentRun(): Run | null {
    return this.run;
  }
  get sinkFailures(): readonly Error[] {
    return this.failures;
  }
  branch(id: string): Branch | undefined {
    return this.branches.get(id);
  }
  node(id: string): Node | undefined {
    return this.nodes.get(id);
  }
  nodesOf(branchId: string): Node[] {
    return [...this.nodes.values()].filter((n) => n.branchId === branchId).sort((a, b) => a.seq - b.seq);
  }
  allBranches(): Branch[] {
    return [...this.branches.values()];
  }

  async startRun(input: Omit<Run, 'id' | 'status' | 'endedAt' | 'startedAt'> & { id?: string; startedAt?: number }): Promise<Run> {
    const run: Run = {
      ...input,
      id: input.id ?? newId('run'),
      task: this.redactor.scrub(input.task),
      meta: this.scrubAttrs(input.meta),
      startedAt: input.startedAt ?? Date.now(),
      status: 'running',
      endedAt: null,
    };
    this.run = run;
    const { status: _s, endedAt: _e, ...started } = run;
    await this.emit({ type: 'run.started', run: started });
    this.listener.run?.(run);
    return run;
  }

  /**
   * Takes over a run recorded elsewhere (already in the store): later branches
   * and nodes continue it. Writes nothing.
   */
  adopt(run: Run, branches: Branch[], nodes: Node[]): void {
    if (this.run) throw new Error('This recorder already records a run.');
    this.run = { ...run };
    this.load(branches, nodes);
  }

  /**
   * Takes up an ended run to add a branch to it (fork from a node): loads what
   * the store holds of it and records `run.resumed`. Its sealed branches stay
   * sealed: the recorder refuses to append to them as to any sealed branch.
   */
  async resumeRun(run: Run, branches: readonly Branch[], nodes: readonly Node[], input: { reason: string; meta: Attributes }): Promise<Run> {
    if (this.run) throw new Error('This recorder already records a run.');
    if (run.status === 'running') throw new Error(`Run ${run.id} is still running; fork from it once it has ended.`);
    this.load(branches, nodes);
    const meta = this.scrubAttrs(input.meta);
    this.run = { ...run, status: 'running', endedAt: null, meta: { ...run.meta, ...meta } };
    await this.emit({ type: 'run.resumed', runId: run.id, at: Date.now(), reason: this.redactor.scrub(input.reason), meta });
    this.listener.run?.(this.run);
    return this.run;
  }

  /** What the store already holds of a run: later branches and nodes continue its numbering. */
  private load(branches: readonly Branch[], nodes: readonly Node[]): void {
    for (const b of branches) {
      this.branches.set(b.id, { ...b });
      this.nextSeq.set(b.id, 0);
    }
    for (const n of nodes) {
      this.nodes.set(n.id, { ...n, attributes: { ...n.attributes } });
      this.nextSeq.set(n.branchId, Math.max(this.nextSeq.get(n.branchId) ?? 0, n.seq + 1));
    }
  }

  async endRun(status: RunStatus): Promise<void> {
    const run = this.requireRun();
    run.status = status;
    run.endedAt = Date.now();
    await this.emit({ type: 'run.ended', runId: run.id, status, at: run.endedAt });
    this.listener.run?.(run);
  }

  async openBranch(input: { label: string; agentId: string; sandbox: string; parentNodeId: string | null }): Promise<Branch> {
    const run = this.requireRun();
    const parent = input.parentNodeId ? this.nodes.get(input.parentNodeId) : undefined;
    if (input.parentNodeId && !parent) throw new Error(`Cannot fork from unknown node ${input.parentNodeId}.`);
    const branch: Branch = {
      id: newId('br'),
      runId: run.id,
      parentNodeId: input.parentNodeId,
      parentBranchId: parent?.branchId ?? null,
      agentId: input.agentId,
      label: input.label,
      sandbox: input.sandbox,
      status: 'open',
      openedAt: Date.now(),
      sealedAt: null,
      sealReason: null,
    };
    this.branches.set(branch.id, branch);
    this.nextSeq.set(branch.id, 0);
    await this.emit({
      type: 'branch.opened',
      branchId: branch.id,
      runId: run.id,
      parentNodeId: branch.parentNodeId,
      parentBranchId: branch.parentBranchId,
      agentId: branch.agentId,
      label: branch.label,
      sandbox: branch.sandbox,
      at: branch.openedAt,
    });
    this.listener.branch?.(branch);
    return branch;
  }

  async sealBranch(branchId: string, status: Exclude<BranchStatus, 'open'>, reason: string): Promise<Branch> {
    const branch = this.requireOpenBranch(branchId);
    // Close anything still open so the sealed branch is complete evidence.
    for (const n of this.nodesOf(branchId)) {
      if (n.endTime === null) await this.closeNode(n.id, { status: 'error', attributes: { 'nemocognition.closed_by_seal': true } });
    }
    branch.status = status;
    branch.sealedAt = Date.now();
    branch.sealReason = this.clipScrubbed(reason, MAX_REASON);
    await this.emit({ type: 'branch.sealed', branchId, status, reason: branch.sealReason, at: branch.sealedAt });
    this.listener.branch?.(branch);
    return branch;
  }

  async appendNode(branchId: string, input: NodeInput): Promise<Node> {
    const branch = this.requireOpenBranch(branchId);
    const seq = this.nextSeq.get(branchId) ?? 0;
    this.nextSeq.set(branchId, seq + 1);
    const node: Node = {
      id: newId('nd'),
      runId: branch.runId,
      branchId,
      seq,
      kind: input.kind,
      name: this.clipScrubbed(input.name, MAX_NAME),
      parentNodeId: input.parentNodeId ?? null,
      startTime: input.startTime ?? Date.now(),
      endTime: input.endTime === undefined ? Date.now() : input.endTime,
      status: input.status ?? 'ok',
      snapshotId: input.snapshotId ?? null,
      attributes: this.scrubAttrs(input.attributes ?? {}),
    };
    this.nodes.set(node.id, node);
    await this.emit({
      type: 'node.appended',
      nodeId: node.id,
      runId: node.runId,
      branchId,
      kind: node.kind,
      name: node.name,
      parentNodeId: node.parentNodeId,
      startTime: node.startTime,
      endTime: node.endTime,
      status: node.status,
      snapshotId: node.snapshotId,
      attributes: node.attributes,
    });
    this.listener.node?.(node);
    return node;
  }

  async closeNode(nodeId: string, input: { status?: NodeStatus; attributes?: Attributes; snapshotId?: string | null; endTime?: number }): Promise<Node> {
    const node = this.nodes.get(nodeId);
    if (!node) throw new Error(`Unknown node ${nodeId}.`);
    this.requireOpenBranch(node.branchId);
    if (node.endTime !== null) return node;
    node.endTime = input.endTime ?? Date.now();
    node.status = input.status ?? 'ok';
    const attrs = this.scrubAttrs(input.attributes ?? {});
    node.attributes = { ...node.attributes, ...attrs };
    if (input.snapshotId !== undefined) node.snapshotId = input.snapshotId;
    await this.emit({
      type: 'node.closed',
      nodeId,
      endTime: node.endTime,
      status: node.status,
      attributes: attrs,
      ...(input.snapshotId !== undefined ? { snapshotId: input.snapshotId } : {}),
    });
    this.listener.node?.(node);
    return node;
  }

  async recordSnapshot(input: { snapshotId: string; root: string; parentSnapshotId: string | null; reason: string; fileCount: number; changedCount: number }): Promise<void> {
    await this.emit({ type: 'snapshot.recorded', runId: this.run?.id ?? null, at: Date.now(), ...input });
  }

  async attributeLines(nodeId: string, path: string, ranges: Array<[number, number]>): Promise<void> {
    if (ranges.length === 0) return;
    const run = this.requireRun();
    const node = this.nodes.get(nodeId);
    if (node) this.requireOpenBranch(node.branchId);
    await this.emit({ type: 'lines.attributed', runId: run.id, nodeId, path, ranges, at: Date.now() });
  }

  /** Waits until every event so far is durable (or has failed). */
  async flush(): Promise<void> {
    await this.chain;
  }

  private emit(event: StoreEvent): Promise<void> {
    // After a failed write the journal would have a gap: later events could refer to what it lacks
    // (a close for a node it never got). Keep recording in memory only; the run reports the failure.
    if (this.failures.length > 0) return this.chain.then(() => undefined);
    const p = this.chain.then(() => (this.failures.length > 0 ? undefined : this.sink.append(event))).then(
      () => undefined,
      (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        this.failures.push(e);
        this.listener.sinkError?.(e);
      },
    );
    this.chain = p;
    return p;
  }

  /** Scrubs `text` of every registered secret and credential pattern. */
  scrub(text: string): string {
    return this.redactor.scrub(text);
  }

  /**
   * Scrubs, then clips to `max` characters. A long text is scrubbed only as far as the clip needs (plus a
   * lookahead longer than any secret, see Scrubber.scrubHead): same result, in time bounded by `max`, so a
   * hostile 8 MiB tool call costs what a 64 KiB one does.
   */
  clipScrubbed(text: string, max: number): string {
    if (this.redactor.scrubHead) {
      const head = this.redactor.scrubHead(text, max);
      return clipScrubbedText(head.text, max, head.unread);
    }
    return clipScrubbedText(this.redactor.scrub(text), max);
  }

  /** The scrubbed beginning of `text`, at least `max` characters of it when it is that long (for labels). */
  scrubHead(text: string, max: number): string {
    return this.redactor.scrubHead ? this.redactor.scrubHead(text, max).text : this.redactor.scrub(text);
  }

  private scrubAttrs(attrs: Attributes): Attributes {
    const out: Attributes = {};
    for (const [k, v] of Object.entries(attrs)) out[k] = this.scrubValue(v);
    return out;
  }

  private scrubValue(v: AttrValue): AttrValue {
    if (typeof v === 'string') return this.clipScrubbed(v, MAX_TEXT);
    if (Array.isArray(v) && v.length > 0 && typeof v[0] === 'string') return (v as string[]).map((s) => this.clipScrubbed(s, MAX_TEXT));
    return v;
  }

  private requireRun(): Run {
    if (!this.run) throw new Error('No run started.');
    return this.run;
  }

  private requireOpenBranch(branchId: string): Branch {
    const b = this.branches.get(branchId);
    if (!b) throw new Error(`Unknown branch ${branchId}.`);
    if (b.status !== 'open') throw new Error(`Branch ${b.label} is sealed (${b.status}); sealed branches are immutable evidence.`);
    return b;
  }
}
