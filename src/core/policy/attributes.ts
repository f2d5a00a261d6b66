/** Span attributes for a classification (on TOOL spans) and for a policy decision (GUARDRAIL spans). */
import type { Attributes } from '../model/types';
import type { Classification, PolicyDecision } from './types';

const P = 'nemocognition.policy';
const MAX_LIST = 50;

export function classificationAttributes(c: Classification): Attributes {
  const a: Attributes = {
    [`${P}.destructive`]: c.destructive.score,
    [`${P}.security_sensitive`]: c.securitySensitive.score,
    [`${P}.cost`]: c.cost.score,
    [`${P}.blast_radius`]: c.blastRadius.score,
    [`${P}.reversibility`]: c.reversibility.score,
    [`${P}.reversible`]: c.reversibility.reversible,
    [`${P}.risk`]: c.risk,
    [`${P}.kind`]: c.kind,
    [`${P}.reasons`]: c.reasons.slice(0, MAX_LIST),
  };
  if (c.blastRadius.paths.length) a[`${P}.paths`] = c.blastRadius.paths.slice(0, MAX_LIST);
  if (c.blastRadius.outsideWorkspace.length) a[`${P}.outside_workspace`] = c.blastRadius.outsideWorkspace.slice(0, MAX_LIST);
  if (c.network.length) a[`${P}.hosts`] = c.network.map((n) => (n.port ? `${n.host}:${n.port}` : n.host)).slice(0, MAX_LIST);
  if (c.commands.length) a[`${P}.commands`] = c.commands.slice(0, MAX_LIST);
  if (c.blastRadius.unknownTargets) a[`${P}.unknown_targets`] = true;
  if (c.parseWarnings.length) a[`${P}.parse_warnings`] = c.parseWarnings.slice(0, MAX_LIST);
  return a;
}

export function decisionAttributes(d: PolicyDecision): Attributes {
  const a: Attributes = {
    [`${P}.decision`]: d.decision,
    [`${P}.source`]: d.source,
    [`${P}.rule`]: d.rule,
    [`${P}.detail`]: d.detail,
  };
  if (d.path) a[`${P}.path`] = d.path;
  if (d.host) a[`${P}.host`] = d.host;
  if (d.port !== undefined) a[`${P}.port`] = d.port;
  if (d.toolName) a[`${P}.tool_name`] = d.toolName;
  if (d.toolCallId) a[`${P}.tool_call_id`] = d.toolCallId;
  return a;
}
