/**
 * Supervision of each tool call: before it runs, classify it, snapshot the
 * branch's folder (the exact pre-call state, recorded as a checkpoint whose id
 * the agent never sees) and allow or block it; after it runs, close its TOOL
 * span, turn every denial in its result into a GUARDRAIL span, snapshot again
 * and attribute the lines it wrote. Calls are handled strictly in order.
 */
import { changedLineRanges } from '../attribution/lineDiff';
import { toolResultText } from '../bridge/openclaw/denials';
import type { Attributes, Node } from '../model/types';
import { classificationAttributes, classifyToolCall, decisionAttributes, detectKernelDenials, preToolDecision } from '../policy';
import { attributeDenials, type DenialAttribution } from '../policy/confirmDenial';
import { hostProbes } from './hostProbes';
import type { Classification, PolicyDecision, ToolPolicy } from '../policy/types';
import type { BranchContext } from './branchContext';
import { describeToolCall, isMemoryPath } from './toolText';

export interface BeforeToolCall {
  toolName: string;
  params: unknown;
  toolCallId: string;
}
export interface AfterToolCall {
  toolName: string;
  toolCallId: string;
  params?: unknown;
  result?: unknown;
  error?: string | null;
  durationMs?: number | null;
}

interface Tracked {
  call: BeforeToolCall;
  node: Node;
  checkpointNodeId: string;
  preSnapshotId: string;
  classification: Classification;
}

export interface ToolOutcome {
  toolName: string;
  ok: boolean;
  mutating: boolean;
  denials: Array<PolicyDecision & { attempted: string }>;
  classification: Classification;
  /** The checkpoint node taken just before this call: the last good state if the call went wrong. */
  preCheckpointNodeId: string;
  preSnapshotId: string;
}

export class ToolSupervisor {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly open = new Map<string, Tracked>();
  readonly outcomes: ToolOutcome[] = [];
  readonly preCallSnapshots: string[] = [];
  private lastSnapshotId: string;

  constructor(private readonly ctx: BranchContext, private readonly toolPolicy: ToolPolicy) {
    this.lastSnapshotId = ctx.startSnapshotId;
  }

  /** Latest snapshot of the branch's folder (pre- or post-call). */
  get latestSnapshotId(): string {
    return this.lastSnapshotId;
  }

  before(call: BeforeToolCall): Promise<{ allow: boolean; reason?: string }> {
    return this.serial(() => this.beforeNow(call));
  }

  after(res: AfterToolCall): Promise<void> {
    return this.serial(() => this.afterNow(res));
  }

  /** Closes calls that never reported back (agent killed mid-call). */
  abandonOpen(why: string): Promise<void> {
    return this.serial(async () => {
      for (const t of this.open.values()) {
        await this.ctx.recorder.closeNode(t.node.id, { status: 'error', attributes: { 'nemocognition.tool.abandoned': why } });
      }
      this.open.clear();
    });
  }

  /** The call's short label, from its scrubbed parameters. */
  private describe(call: { toolName: string; params: unknown }): string {
    return describeToolCall(call.toolName, call.params, (s) => this.ctx.recorder.scrub(s));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn, fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async beforeNow(call: BeforeToolCall): Promise<{ allow: boolean; reason?: string }> {
    const { recorder, engine, branchId, workdir } = this.ctx;
    const classification = classifyToolCall({ toolName: call.toolName, params: call.params, workspace: workdir, home: this.ctx.home, policy: this.toolPolicy });
    const snap = await engine.take(workdir, { reason: `before tool call ${call.toolName}` });
    this.lastSnapshotId = snap.id;
    this.preCallSnapshots.push(snap.id);
    await recorder.recordSnapshot({ snapshotId: snap.id, root: snap.root, parentSnapshotId: snap.parentId, reason: 'pre-tool-call', fileCount: snap.fileCount, changedCount: snap.changedCount });
    const label = this.describe(call);
    const checkpoint = await recorder.appendNode(branchId, {
      kind: 'checkpoint',
      name: `snapshot before ${label}`,
      snapshotId: snap.id,
      attributes: {
        'nemocognition.checkpoint.reason': 'pre-tool-call',
        'nemocognition.checkpoint.files': snap.fileCount,
        'nemocognition.checkpoint.changed': snap.changedCount,
        'nemocognition.checkpoint.source': engine.sourceOf(workdir),
        'nemocognition.tool.call_id': call.toolCallId,
      },
    });
    const node = await recorder.appendNode(branchId, {
      kind: 'tool_call',
      name: label,
      endTime: null,
      snapshotId: snap.id,
      status: 'unset',
      attributes: {
        'tool.name': call.toolName,
        // Whole texts: the recorder scrubs, then clips.
        'tool.parameters': safeJson(call.params),
        'input.value': safeJson(call.params),
        'input.mime_type': 'application/json',
        'nemocognition.tool.call_id': call.toolCallId,
        ...classificationAttributes(classification),
      },
    });
    const decision = preToolDecision(classification, this.toolPolicy);
    const tracked: Tracked = { call, node, checkpointNodeId: checkpoint.id, preSnapshotId: snap.id, classification };
    if (decision.allow) {
      this.open.set(call.toolCallId, tracked);
      return { allow: true };
    }
    // Blocked before it ran: the call is over now; OpenClaw reports no result for it.
    const denial: PolicyDecision = { decision: 'deny', source: 'supervisor', rule: decision.rule ?? 'supervisor.policy', detail: decision.reason ?? 'refused by policy', toolName: call.toolName, toolCallId: call.toolCallId };
    await recorder.closeNode(node.id, { status: 'error', attributes: { 'output.value': `blocked by NemoCognition policy: ${denial.detail}` } });
    await this.recordDecision(node, denial, label);
    this.outcomes.push({
      toolName: call.toolName,
      ok: false,
      mutating: false,
      denials: [{ ...denial, attempted: label }],
      classification,
      preCheckpointNodeId: checkpoint.id,
      preSnapshotId: snap.id,
    });
    this.ctx.narrate(`Supervisor blocked ${label}: ${denial.detail}`);
    return { allow: false, reason: `NemoCognition policy (${denial.rule}): ${denial.detail}` };
  }

  private async afterNow(res: AfterToolCall): Promise<void> {
    const { recorder, engine, workdir } = this.ctx;
    const t = this.open.get(res.toolCallId);
    if (!t) return; // not ours (or already closed by a block)
    this.open.delete(res.toolCallId);
    const text = resultText(res.result, res.error);
    const { sandbox: denials, toolErrors } = this.confirmDenials(text, res, t);
    const post = await engine.take(workdir, { reason: `after tool call ${res.toolName}` });
    this.lastSnapshotId = post.id;
    await recorder.recordSnapshot({ snapshotId: post.id, root: post.root, parentSnapshotId: t.preSnapshotId, reason: 'post-tool-call', fileCount: post.fileCount, changedCount: post.changedCount });
    const changes = engine.diff(t.preSnapshotId, post.id);
    const failed = Boolean(res.error) || denials.length > 0 || toolErrors.length > 0;
    const attrs: Attributes = {
      'output.value': text,
      'output.mime_type': 'text/plain',
      'nemocognition.snapshot.after': post.id,
      'nemocognition.tool.changed_files': changes.map((c) => c.path).slice(0, 200),
      ...(res.durationMs != null ? { 'nemocognition.tool.duration_ms': res.durationMs } : {}),
      ...(res.error ? { 'exception.message': recorder.clipScrubbed(res.error, 4000) } : {}),
      // Refusal-like text the policy does not confirm: the tool failed, the sandbox was not involved.
      ...(toolErrors.length
        ? {
            'nemocognition.tool.error_kind': 'permission',
            'nemocognition.tool.permission_errors': toolErrors.map((e) => e.detail).slice(0, 20),
            'nemocognition.tool.permission_errors.why': toolErrors.map((e) => e.why).slice(0, 20),
            ...(res.error ? {} : { 'exception.type': 'ToolPermissionError', 'exception.message': recorder.clipScrubbed(toolErrors[0]!.detail, 4000) }),
          }
        : {}),
    };
    await recorder.closeNode(t.node.id, { status: failed ? 'error' : 'ok', attributes: attrs });
    const outcome: ToolOutcome = {
      toolName: res.toolName,
      ok: !failed,
      mutating: changes.length > 0 || t.classification.writes.length > 0,
      denials: [],
      classification: t.classification,
      preCheckpointNodeId: t.checkpointNodeId,
      preSnapshotId: t.preSnapshotId,
    };
    for (const { confirmation, ...decision } of denials) {
      outcome.denials.push({ ...decision, attempted: this.describe(t.call) });
      await this.recordDecision(t.node, decision, t.node.name, { 'nemocognition.policy.confirmation': confirmation });
      this.ctx.narrate(`Kernel denied ${t.node.name}: ${decision.detail}`);
    }
    this.outcomes.push(outcome);
    await this.attribute(t, post.id, changes.map((c) => ({ path: c.path, kind: c.kind })));
  }

  private async attribute(t: Tracked, postId: string, changes: Array<{ path: string; kind: string }>): Promise<void> {
    const { recorder, engine, branchId } = this.ctx;
    const memory: string[] = [];
    for (const c of changes) {
      if (isMemoryPath(c.path)) memory.push(c.path);
      if (c.kind === 'deleted') continue;
      const after = engine.readFile(postId, c.path);
      if (!after || after.length > 2_000_000 || after.includes(0)) continue;
      const before = c.kind === 'added' ? '' : (engine.readFile(t.preSnapshotId, c.path)?.toString('utf8') ?? '');
      await recorder.attributeLines(t.node.id, c.path, changedLineRanges(before, after.toString('utf8')));
    }
    if (memory.length > 0) {
      await recorder.appendNode(branchId, {
        kind: 'memory_update',
        name: `memory updated: ${memory.join(', ')}`,
        parentNodeId: t.node.id,
        snapshotId: postId,
        attributes: { 'nemocognition.memory.paths': memory },
      });
    }
  }

  private async recordDecision(toolNode: Node, d: PolicyDecision, label: string, extra: Attributes = {}): Promise<void> {
    await this.ctx.recorder.appendNode(this.ctx.branchId, {
      kind: 'policy_decision',
      name: `${d.decision} ${label}`,
      parentNodeId: toolNode.id,
      status: d.decision === 'deny' ? 'error' : 'ok',
      attributes: { ...decisionAttributes(d), 'nemocognition.policy.decision': d.decision, ...extra },
    });
  }

  /** Refusal-like text in the result, split into what the policy confirms (the sandbox's) and tool errors. */
  private confirmDenials(text: string, res: AfterToolCall, t: Tracked): DenialAttribution {
    const candidates = detectKernelDenials(text, { toolName: res.toolName, toolCallId: res.toolCallId });
    if (candidates.length === 0) return { sandbox: [], toolErrors: [] };
    const { workdir, home } = this.ctx;
    const expand = (p: string) => p.replace('${workspace}', workdir).replace('${tmp}', '/tmp').replace('${home}', home ?? '/tmp/home');
    const concrete = (ps: readonly string[] | undefined) => (ps ?? []).map(expand).filter((p) => p.startsWith('/') && !p.includes('${'));
    return attributeDenials(candidates, {
      workdir,
      ...(home ? { home } : {}),
      readWrite: concrete(this.toolPolicy.readWrite),
      readOnly: concrete(this.toolPolicy.readOnly),
      egress: this.toolPolicy.egress ?? [],
      classification: t.classification,
      ...hostProbes(),
    });
  }
}

function resultText(result: unknown, error: string | null | undefined): string {
  const parts: string[] = [];
  const text = result === undefined || result === null ? '' : toolResultText(result);
  if (text) parts.push(text);
  if (error) parts.push(error);
  return parts.join('\n');
}

function safeJson(v: unknown): string {
  try {
    return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
  } catch {
    return String(v);
  }
}
