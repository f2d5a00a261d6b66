/**
 * What each recorded step is in a story (pure): its scene kind, whether it is
 * a climax, its classification scores and policy verdict, whether it is a
 * cross-agent checkpoint, and how long a video should hold it.
 */
import type { Attributes, Branch, Node } from '../model/types';
import { CLIMAX_KINDS, type BranchOrigin, type ClassificationScores, type SceneKind, type ScenePolicy } from './contract';

/** Attribute names of the checkpoint a run takes when one agent hands the sandbox to another. */
export const CROSS_AGENT_ATTR = 'nemocognition.checkpoint.cross_agent';
export const HANDOVER_FROM_ATTR = 'nemocognition.handover.from';
export const HANDOVER_TO_ATTR = 'nemocognition.handover.to';

export function str(a: Attributes, key: string): string | null {
  const v = a[key];
  if (typeof v === 'string') return v.trim() ? v.trim() : null;
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
}

function num(a: Attributes, key: string): number | null {
  const v = a[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function isDeny(n: Node): boolean {
  if (n.kind !== 'policy_decision') return false;
  const d = str(n.attributes, 'nemocognition.policy.decision');
  return d ? d === 'deny' : n.status === 'error';
}

export function isCrossAgentCheckpoint(n: Node): boolean {
  return n.kind === 'checkpoint' && n.attributes[CROSS_AGENT_ATTR] === true;
}

/** A fork someone asked for (not a recovery): a recovery-like node carrying fork attributes. */
function isForkNode(n: Node): boolean {
  return n.kind === 'recovery' && Object.keys(n.attributes).some((k) => k.startsWith('nemocognition.fork.'));
}

/** How each branch began: the run's start, a recovery, a hand-over between agents, or a fork. */
export function branchOrigin(b: Branch, firstNode: Node | undefined, parentNode: Node | undefined): BranchOrigin {
  if (!b.parentNodeId) return 'start';
  if (firstNode && isForkNode(firstNode)) return 'fork';
  if (firstNode?.kind === 'recovery') return 'recovery';
  if (parentNode && isCrossAgentCheckpoint(parentNode)) return 'handover';
  return 'fork';
}

export function sceneKind(n: Node, isFirstOfForkedBranch: boolean): SceneKind {
  if (isFirstOfForkedBranch || isForkNode(n)) return 'fork';
  if (n.kind === 'policy_decision') return isDeny(n) ? 'policy_deny' : 'policy_allow';
  return n.kind;
}

export function isClimax(kind: SceneKind): boolean {
  return CLIMAX_KINDS.includes(kind);
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** The five scores the policy layer put on a tool call (null when it has none). */
export function scoresOf(n: Node): ClassificationScores | null {
  const a = n.attributes;
  const P = 'nemocognition.policy';
  const d = num(a, `${P}.destructive`);
  if (d === null) return null;
  const get = (k: string) => clamp01(num(a, `${P}.${k}`) ?? 0);
  return {
    destructive: clamp01(d),
    securitySensitive: get('security_sensitive'),
    cost: get('cost'),
    blastRadius: get('blast_radius'),
    reversibility: get('reversibility'),
    risk: get('risk'),
  };
}

export function policyOf(n: Node): ScenePolicy | null {
  if (n.kind !== 'policy_decision') return null;
  const a = n.attributes;
  return {
    decision: isDeny(n) ? 'deny' : (str(a, 'nemocognition.policy.decision') ?? 'allow'),
    source: str(a, 'nemocognition.policy.source'),
    rule: str(a, 'nemocognition.policy.rule'),
    detail: str(a, 'nemocognition.policy.detail'),
  };
}

/** How long a video holds a scene: at least 1 s, longer for climaxes, diffs and long narration. */
export function screenMs(kind: SceneKind, narration: string, hasDiff: boolean): number {
  const base = isClimax(kind) ? 3500 : kind === 'tool_call' ? 1500 : kind === 'model_call' || kind === 'checkpoint' ? 1000 : 1200;
  const reading = Math.min(2000, Math.max(0, narration.length - 80) * 20);
  return base + reading + (hasDiff ? 1000 : 0);
}
