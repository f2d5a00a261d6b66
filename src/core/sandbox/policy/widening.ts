/**
 * What a policy allows beyond the built-in default (pure). A repository can
 * ship its own `.nemocognition/policy.yaml`; a cloned repository may be
 * hostile, so a policy wider than the default (more writable or readable
 * paths, more egress, `best_effort` Landlock) runs only after the user has
 * seen exactly what it widens and agreed (the VS Code modal, `nemocog run
 * --trust-policy`). The approval is for that exact text: its hash.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_POLICY_YAML } from './defaultPolicy';
import { parsePolicy, type ParsedPolicy } from './parsePolicy';
import type { PolicyVariables } from './variables';

export interface PolicyWidening {
  /** Where the policy came from (a path), for the messages. */
  source: string;
  /** sha256 of the policy file's text: what an approval is for. */
  sha256: string;
  writable: string[];
  readable: string[];
  egress: string[];
  bestEffort: boolean;
}

/** The paths the sandbox always makes writable besides the policy's list. */
const ALWAYS_WRITABLE = ['${workspace}', '${tmp}', '${home}', '${state}'];

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith('/') ? root : `${root}/`);
}

export function policyHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What `parsed` allows that the default policy (read with the same variables) does not; null when nothing. */
export function policyWidening(parsed: ParsedPolicy, text: string, source: string, variables: PolicyVariables = {}): PolicyWidening | null {
  const def = parsePolicy(DEFAULT_POLICY_YAML, { source: 'default policy', name: 'default', variables });
  const writableDefault = [...ALWAYS_WRITABLE, ...def.policy.readWrite];
  const readableDefault = [...writableDefault, ...def.policy.readOnly];
  const writable = parsed.policy.readWrite.filter((p) => !writableDefault.some((d) => inside(d, p)));
  const readable = parsed.policy.readOnly.filter((p) => !readableDefault.some((d) => inside(d, p)));
  const defaultEgress = new Set(def.policy.egress.map((e) => `${e.host}:${e.port}`));
  const egress = parsed.policy.egress.map((e) => `${e.host}:${e.port}`).filter((e) => !defaultEgress.has(e));
  const bestEffort = parsed.landlockCompatibility === 'best_effort' && def.landlockCompatibility !== 'best_effort';
  if (!writable.length && !readable.length && !egress.length && !bestEffort) return null;
  return { source, sha256: policyHash(text), writable, readable, egress, bestEffort };
}

/** One line per widening, for a modal or a terminal. */
export function describeWidening(w: PolicyWidening): string[] {
  return [
    ...w.writable.map((p) => `writes to ${p}`),
    ...w.readable.map((p) => `reads ${p}`),
    ...w.egress.map((e) => `connects to ${e}`),
    ...(w.bestEffort ? ['landlock: best_effort (runs even where the kernel cannot enforce every rule, e.g. no TCP port rules)'] : []),
  ];
}

export class PolicyNotApprovedError extends Error {
  readonly fix: string;
  constructor(readonly widening: PolicyWidening) {
    super(`The sandbox policy ${widening.source} allows more than NemoCognition's default policy:\n${describeWidening(widening).map((l) => `  - ${l}`).join('\n')}\nIt was not run: a repository's own policy can widen the sandbox only with your approval.`);
    this.name = 'PolicyNotApprovedError';
    this.fix = `Read ${widening.source}; if you agree to what it widens, approve it when asked (VS Code) or pass --trust-policy to \`nemocog run\`. Otherwise delete or narrow it.`;
  }
}
