/**
 * Maps run-model nodes onto OpenInference spans. One run is one trace with an
 * AGENT span for the run at its root; a node is one span; a branch's nodes hang
 * under an AGENT span per branch; the first branch is a child of the run span,
 * and a recovery branch's AGENT span is a child of the node it forks from (plus
 * an OTLP link to it), so the trace tree is the run DAG. Span ids derive from
 * the ids in the store (ids.ts), so every sink and every link agrees on them.
 */
import { MimeType, OpenInferenceSpanKind, SemanticConventions } from '@arizeai/openinference-semantic-conventions';
import { spanIdForNode, traceIdForRun } from './ids';
import type { Attributes, Branch, Node, NodeKind, Run } from './types';

export interface SpanLinkRecord {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

export interface SpanRecord {
  traceId: string; // 32 hex
  spanId: string; // 16 hex
  parentSpanId: string | null;
  name: string;
  kind: OpenInferenceSpanKind;
  startTime: number; // ms
  endTime: number; // ms
  status: 'ok' | 'error' | 'unset';
  /** Why a span ended in error (a branch's seal reason, a run's status). */
  statusMessage?: string;
  attributes: Attributes;
  /** OTLP links: a recovery branch links to the node it forks from. */
  links?: SpanLinkRecord[];
}

const KIND_BY_NODE: Record<NodeKind, OpenInferenceSpanKind> = {
  model_call: OpenInferenceSpanKind.LLM,
  tool_call: OpenInferenceSpanKind.TOOL,
  policy_decision: OpenInferenceSpanKind.GUARDRAIL,
  checkpoint: OpenInferenceSpanKind.CHAIN,
  memory_update: OpenInferenceSpanKind.CHAIN,
  recovery: OpenInferenceSpanKind.CHAIN,
  narration: OpenInferenceSpanKind.CHAIN,
  agent_turn: OpenInferenceSpanKind.AGENT,
  error: OpenInferenceSpanKind.CHAIN,
};

export function spanKindOf(kind: NodeKind): OpenInferenceSpanKind {
  return KIND_BY_NODE[kind];
}

/** The synthetic AGENT span at the root of a run's trace. */
export function runSpanId(runId: string): string {
  return spanIdForNode(`run:${runId}`);
}

/** The synthetic AGENT span that groups one branch. */
export function branchSpanId(branchId: string): string {
  return spanIdForNode(`branch:${branchId}`);
}

/** The run's root span: from its start to its end (or `end` while it runs). */
export function runToSpan(run: Run, end: number): SpanRecord {
  const failed = run.status !== 'completed' && run.status !== 'running';
  return {
    traceId: traceIdForRun(run.id),
    spanId: runSpanId(run.id),
    parentSpanId: null,
    name: `run ${run.id}`,
    kind: OpenInferenceSpanKind.AGENT,
    startTime: run.startedAt,
    endTime: run.endedAt ?? end,
    status: run.status === 'completed' ? 'ok' : failed ? 'error' : 'unset',
    ...(failed ? { statusMessage: `run ${run.status}` } : {}),
    attributes: {
      ...run.meta,
      [SemanticConventions.OPENINFERENCE_SPAN_KIND]: OpenInferenceSpanKind.AGENT,
      [SemanticConventions.SESSION_ID]: run.id,
      'nemocognition.run.id': run.id,
      'nemocognition.run.status': run.status,
      'nemocognition.run.driver': run.driver,
      [SemanticConventions.INPUT_VALUE]: run.task,
      [SemanticConventions.INPUT_MIME_TYPE]: MimeType.TEXT,
    },
  };
}

export function branchToSpan(branch: Branch, end: number): SpanRecord {
  const failed = branch.status !== 'completed' && branch.status !== 'open';
  return {
    traceId: traceIdForRun(branch.runId),
    spanId: branchSpanId(branch.id),
    parentSpanId: branch.parentNodeId ? spanIdForNode(branch.parentNodeId) : runSpanId(branch.runId),
    name: `branch ${branch.label}`,
    kind: OpenInferenceSpanKind.AGENT,
    startTime: branch.openedAt,
    endTime: branch.sealedAt ?? end,
    status: branch.status === 'completed' ? 'ok' : branch.status === 'open' ? 'unset' : 'error',
    ...(failed && branch.sealReason ? { statusMessage: branch.sealReason } : {}),
    ...(branch.parentNodeId
      ? { links: [{ traceId: traceIdForRun(branch.runId), spanId: spanIdForNode(branch.parentNodeId), attributes: { 'nemocognition.link': 'forked_from' } }] }
      : {}),
    attributes: {
      [SemanticConventions.OPENINFERENCE_SPAN_KIND]: OpenInferenceSpanKind.AGENT,
      [SemanticConventions.SESSION_ID]: branch.runId,
      [SemanticConventions.AGENT_NAME]: branch.agentId,
      'nemocognition.branch.id': branch.id,
      'nemocognition.branch.status': branch.status,
      'nemocognition.agent.id': branch.agentId,
      'nemocognition.branch.sandbox': branch.sandbox,
      ...(branch.sealReason ? { 'nemocognition.branch.seal_reason': branch.sealReason } : {}),
    },
  };
}

export function nodeToSpan(node: Node, now: number = Date.now()): SpanRecord {
  const kind = spanKindOf(node.kind);
  return {
    traceId: traceIdForRun(node.runId),
    spanId: spanIdForNode(node.id),
    parentSpanId: node.parentNodeId ? spanIdForNode(node.parentNodeId) : branchSpanId(node.branchId),
    name: node.name,
    kind,
    startTime: node.startTime,
    endTime: node.endTime ?? now,
    status: node.status,
    attributes: {
      ...node.attributes,
      [SemanticConventions.OPENINFERENCE_SPAN_KIND]: kind,
      [SemanticConventions.SESSION_ID]: node.runId,
      'nemocognition.node.id': node.id,
      'nemocognition.node.kind': node.kind,
      'nemocognition.node.seq': node.seq,
      'nemocognition.branch.id': node.branchId,
      ...(node.snapshotId ? { 'nemocognition.snapshot.id': node.snapshotId } : {}),
    },
  };
}
