/**
 * Where a recovery branch starts. Forking from the last good node keeps the
 * agent's progress; forking from the baseline throws it away. Keep progress
 * only when what came before the denial is trustworthy.
 */
import type { Classification, PolicyDecision } from './types';

export interface RecoveryDecision {
  forkFrom: 'baseline' | 'last-good-node';
  reason: string;
}

export function decideRecovery(
  classification: Classification | null,
  denial: PolicyDecision,
  opts: { history?: Classification[] } = {},
): RecoveryDecision {
  const what = `${denial.rule}${denial.path ? ` on ${denial.path}` : denial.host ? ` to ${denial.host}` : ''}`;
  if (!classification) return { forkFrom: 'baseline', reason: `denial ${what}, and the call that caused it is unknown: start again from the baseline` };
  const damaging = (opts.history ?? []).find((h) => h.destructive.score >= 0.7 || (!h.reversibility.reversible && h.blastRadius.outsideWorkspace.length > 0));
  if (damaging) {
    return {
      forkFrom: 'baseline',
      reason: `an earlier step (${damaging.toolName}: ${damaging.destructive.reasons[0] ?? damaging.reversibility.reasons[0] ?? 'destructive'}) changed the branch in ways the last good node would carry over: start from the baseline`,
    };
  }
  const c = classification;
  if (c.securitySensitive.score >= 0.8) {
    return { forkFrom: 'baseline', reason: `the denied call was security-sensitive (${c.securitySensitive.reasons[0]}): restart from a clean baseline rather than continue the same approach` };
  }
  if (c.destructive.score >= 0.7 || c.blastRadius.score >= 0.8 || c.blastRadius.unknownTargets) {
    const why = c.destructive.score >= 0.7 ? c.destructive.reasons[0] : c.blastRadius.reasons[0];
    return { forkFrom: 'baseline', reason: `the denied call was destructive or wide (${why}) and may have partly run: start from the baseline` };
  }
  return {
    forkFrom: 'last-good-node',
    reason: `the denied call (${what}) was narrow and everything before it stayed inside the workspace: keep that progress and fork from the snapshot before the call`,
  };
}
