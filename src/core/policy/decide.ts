/**
 * The supervisor's pre-tool-call decision: refuse what policy forbids before
 * the kernel has to (a clear reason for the agent instead of a bare EACCES),
 * and what is catastrophic whatever the policy says.
 */
import { fileToolOutsideWorkspace } from './fileTools';
import { globBase, isInside } from './paths';
import type { Classification, PolicyDecision, ToolPolicy } from './types';

export interface PreToolDecision {
  allow: boolean;
  rule?: string;
  reason?: string;
  decision: PolicyDecision;
}

/** Placeholder hosts the classifier uses when it cannot know the real one (git remotes, registries). */
const PLACEHOLDER_HOSTS = new Set(['git-remote', 'package-registry', 'search-provider', 'container-registry']);

function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === '*' || p === h) return true;
  if (p.startsWith('*.')) return h.endsWith(p.slice(1)) || h === p.slice(2);
  return false;
}

function deny(rule: string, reason: string, extra: Partial<PolicyDecision> = {}, toolName?: string): PreToolDecision {
  return { allow: false, rule, reason, decision: { decision: 'deny', source: 'supervisor', rule, detail: reason, ...(toolName ? { toolName } : {}), ...extra } };
}

/**
 * @param policy paths must be absolute (variables already expanded). The
 * workspace is always writable; `readWrite` adds to it.
 */
export function preToolDecision(c: Classification, policy: ToolPolicy = {}): PreToolDecision {
  const name = c.toolName;
  if (policy.deniedTools?.some((t) => t.toLowerCase() === name.toLowerCase())) {
    return deny('tool.denied', `The tool "${name}" is not allowed by the policy${policy.name ? ` "${policy.name}"` : ''}. Use another tool.`, {}, name);
  }
  if (policy.fileToolsInsideWorkspace && policy.workspace) {
    const d = fileToolOutsideWorkspace(c, policy.workspace);
    if (d) return { allow: false, rule: d.rule, reason: d.detail, decision: d };
  }
  const rw = policy.readWrite ?? [];
  for (const p of policy.enforceFilesystem === false ? [] : c.blastRadius.outsideWorkspace) {
    const base = globBase(p);
    if (!rw.some((root) => isInside(root, base))) {
      return deny(
        'fs.write_outside_rw',
        `Writing ${p} is not allowed: only the workspace${rw.length ? ` and ${rw.join(', ')}` : ''} may be written. Write inside the workspace instead.`,
        { path: p },
        name,
      );
    }
  }
  if (policy.egress && policy.enforceEgress !== false) {
    for (const n of c.network) {
      if (PLACEHOLDER_HOSTS.has(n.host) || !/[.:]|^localhost$/.test(n.host)) continue;
      const ok = policy.egress.some((e) => hostMatches(e.host, n.host) && (n.port === null || e.port === n.port));
      if (!ok) {
        return deny(
          'net.egress_not_allowed',
          `Connecting to ${n.host}${n.port ? `:${n.port}` : ''} is not allowed by the network policy. Allowed: ${policy.egress.map((e) => `${e.host}:${e.port}`).join(', ') || 'none'}.`,
          { host: n.host, ...(n.port !== null ? { port: n.port } : {}) },
          name,
        );
      }
    }
  }
  const dAt = policy.blockDestructiveAt ?? 1;
  if (c.destructive.score >= dAt) {
    return deny('destructive.blocked', `Refused as destructive (${c.destructive.score.toFixed(2)} ≥ ${dAt}): ${c.destructive.reasons.join('; ')}. Choose a narrower command.`, {}, name);
  }
  if (policy.blockSecuritySensitiveAt !== undefined && c.securitySensitive.score >= policy.blockSecuritySensitiveAt) {
    return deny(
      'security.blocked',
      `Refused as security-sensitive (${c.securitySensitive.score.toFixed(2)} ≥ ${policy.blockSecuritySensitiveAt}): ${c.securitySensitive.reasons.join('; ')}.`,
      {},
      name,
    );
  }
  return { allow: true, decision: { decision: 'allow', source: 'supervisor', rule: 'policy.allow', detail: `allowed (risk ${c.risk.toFixed(2)})`, toolName: name } };
}
