/**
 * Maps run-model nodes onto OpenInference spans. One run is one trace; a node
 * is one span; a branch's nodes hang under an AGENT span per branch, and a
 * recovery branch's AGENT span is a child of the node it forks from, so the
 * trace tree is the run DAG.
 */
import { OpenInferenceSpanKind, SemanticConventions } from '@arizeai/openinference-semantic-conventions';
import { spanIdForNode, traceIdForRun } from './ids';
import type { Attributes, Branch, Node, NodeKind } from './types';

export interface SpanRecord {
  traceId: string; // 32 hex
  spanId: string; // 16 hex
  parentSpanId: string | null;
  name: string;
  kind: OpenInferenceSpanKind;
  startTime: number; // ms
  endTime: number; // ms
  status: 'ok' | 'error' | 'unset';
  attributes: Attributes;
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

/** The synthetic AGENT span that groups one branch. */
export function branchSpanId(branchId: string): string {
  return spanIdForNode(`branch:${branchId}`);
}

export function branchToSpan(branch: Branch, end: number): SpanRecord {
  return {
    traceId: traceIdForRun(branch.runId),
    spanId: branchSpanId(branch.id),
    parentSpanId: branch.parentNodeId ? spanIdForNode(branch.parentNodeId) : null,
    name: `branch ${branch.label}`,
    kind: OpenInferenceSpanKind.AGENT,
    startTime: branch.openedAt,
    endTime: branch.sealedAt ?? end,
    status: branch.status === 'completed' ? 'ok' : branch.status === 'open' ? 'unset' : 'error',
    attributes: {
      [SemanticConventions.OPENINFERENCE_SPAN_KIND]: OpenInferenceSpanKind.AGENT,
      [SemanticConventions.SESSION_ID]: branch.runId,
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
