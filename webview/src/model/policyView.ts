/**
 * The Policy tab's facts (pure): for a policy decision, what was decided, by
 * which rule and source, about which path, host or port; for the tool call it
 * concerns (the decision's parent, or the selected tool call itself), the five
 * classification scores with the reasons given for each (core/policy).
 */
import type { Attributes, Node } from '../../../src/core/model/types';

const P = 'nemocognition.policy.';

export interface DecisionView {
  nodeId: string;
  decision: string;
  rule: string | null;
  source: string | null;
  path: string | null;
  host: string | null;
  port: number | null;
  detail: string | null;
}

export interface ScoreView {
  key: 'destructive' | 'blast_radius' | 'reversibility' | 'security_sensitive' | 'cost';
  label: string;
  score: number | null;
  reasons: string[];
}

export interface PolicyView {
  /** The tool call the facts are about, if any. */
  call: Node | null;
  decisions: DecisionView[];
  scores: ScoreView[];
  risk: number | null;
  kind: string | null;
  /** Reasons that name no dimension. */
  otherReasons: string[];
  paths: string[];
}

export const SCORE_LABELS: Array<{ key: ScoreView['key']; label: string; prefix: RegExp }> = [
  { key: 'destructive', label: 'Destructive', prefix: /^destructive\b:?\s*/i },
  { key: 'blast_radius', label: 'Blast radius', prefix: /^blast[ _]radius\b:?\s*/i },
  { key: 'reversibility', label: 'Reversibility', prefix: /^(ir)?revers(ible|ibility)\b:?\s*/i },
  { key: 'security_sensitive', label: 'Security-sensitive', prefix: /^security([ _-]sensitive)?\b:?\s*/i },
  { key: 'cost', label: 'Cost', prefix: /^cost\b:?\s*/i },
];

const s = (a: Attributes, k: string): string | null => (typeof a[P + k] === 'string' && (a[P + k] as string) ? (a[P + k] as string) : null);
const n = (a: Attributes, k: string): number | null => (typeof a[P + k] === 'number' ? (a[P + k] as number) : null);
const list = (a: Attributes, k: string): string[] => (Array.isArray(a[P + k]) ? (a[P + k] as unknown[]).filter((x): x is string => typeof x === 'string') : []);

export function decisionOf(node: Node): DecisionView {
  const a = node.attributes;
  return {
    nodeId: node.id,
    decision: s(a, 'decision') ?? (node.status === 'error' ? 'deny' : 'allow'),
    rule: s(a, 'rule'),
    source: s(a, 'source'),
    path: s(a, 'path'),
    host: s(a, 'host'),
    port: n(a, 'port'),
    detail: s(a, 'detail'),
  };
}

export function policyOf(selected: Node, byId: ReadonlyMap<string, Node>, decisionsOf: (callId: string) => Node[]): PolicyView {
  const call = selected.kind === 'tool_call' ? selected : selected.kind === 'policy_decision' && selected.parentNodeId ? (byId.get(selected.parentNodeId) ?? null) : null;
  const decisions = selected.kind === 'policy_decision' ? [selected] : call ? decisionsOf(call.id) : [];
  const a = call?.attributes ?? {};
  const reasons = list(a, 'reasons');
  const used = new Set<string>();
  const scores: ScoreView[] = SCORE_LABELS.map(({ key, label, prefix }) => {
    const mine = reasons.filter((r) => prefix.test(r));
    mine.forEach((r) => used.add(r));
    return { key, label, score: n(a, key), reasons: mine.map((r) => r.replace(prefix, '')) };
  });
  return {
    call,
    decisions: decisions.map(decisionOf),
    scores,
    risk: n(a, 'risk'),
    kind: s(a, 'kind'),
    otherReasons: reasons.filter((r) => !used.has(r)),
    paths: list(a, 'paths'),
  };
}
