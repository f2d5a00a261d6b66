/**
 * The "what is allowed" part of a correction prompt, from the policy actually
 * in force for the recovery sandbox (pure). It used to be fixed text
 * ("network: the model endpoint only") whatever the policy said; a repository
 * policy that allows more (or less) must be described as it is. NemoCognition's
 * own plumbing (the agent's state folder, the supervisor socket, the runtime's
 * path) is named by role, never by path.
 */
import type { SandboxPolicy } from '../sandbox/driver';

export interface AllowedByPolicy {
  allowedWrite: string[];
  allowedRead: string[];
  allowedNetwork: string[];
}

export interface PolicyLabels {
  /** The agent runtime's folder (a read-only path added to every policy). */
  runtimeDir?: string;
  /** Paths NemoCognition adds for itself (plugin, supervisor socket, agent state): not described. */
  internal?: readonly string[];
}

function describePath(p: string, labels: PolicyLabels): string | null {
  if (labels.internal?.some((i) => p === i || p.startsWith(`${i}/`))) return null;
  if (p.includes('${state}')) return null;
  if (labels.runtimeDir && (p === labels.runtimeDir || p.startsWith(`${labels.runtimeDir}/`))) return 'the agent runtime';
  if (p === '${tmp}') return 'your private temporary folder ($TMPDIR)';
  if (p === '${home}') return 'your home folder ($HOME)';
  if (p === '${workspace}') return 'the workspace';
  if (p.startsWith('${workspace}/')) return `${p.slice('${workspace}/'.length)} in the workspace`;
  return p;
}

/** `policy` is the policy file as parsed (before NemoCognition adds the gateway and its own paths). */
export function allowedByPolicy(policy: Pick<SandboxPolicy, 'readOnly' | 'readWrite' | 'egress'>, labels: PolicyLabels = {}): AllowedByPolicy {
  const uniq = (xs: Array<string | null>) => [...new Set(xs.filter((x): x is string => x !== null))];
  const write = uniq(['the workspace (your current directory) and its subfolders', 'your private temporary folder ($TMPDIR)', ...policy.readWrite.map((p) => describePath(p, labels))]);
  const read = uniq(['the workspace', ...policy.readOnly.map((p) => describePath(p, labels)), ...write.slice(2)]);
  const egress = policy.egress.map((e) => `${e.host}:${e.port}`);
  return {
    allowedWrite: write,
    allowedRead: read,
    allowedNetwork: egress.length ? ["the model, through NemoCognition's gateway", ...egress] : ["the model endpoint only (through NemoCognition's gateway)"],
  };
}
