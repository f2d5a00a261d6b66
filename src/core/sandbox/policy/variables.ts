/**
 * `${name}` placeholders in policy paths. Some are known when the policy is
 * read (runtime, state); others only when a sandbox is made (workspace, tmp),
 * so substitution can happen in two steps and only unknown names are errors.
 */
import type { SandboxPolicy } from '../driver';

export const POLICY_VARIABLES = {
  workspace: "the branch's sandbox folder (always writable)",
  state: "the agent's private state folder (OPENCLAW_STATE_DIR)",
  tmp: "the sandbox's private temporary folder",
  home: "the sandbox's private home folder",
  runtime: "the folder holding the agent's runtime (e.g. Node 24)",
} as const;

export type PolicyVariable = keyof typeof POLICY_VARIABLES;
export type PolicyVariables = Partial<Record<PolicyVariable, string>>;

const PLACEHOLDER = /\$\{([^}]*)\}/g;

export function variablesIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

export function isKnownVariable(name: string): name is PolicyVariable {
  return Object.hasOwn(POLICY_VARIABLES, name);
}

export function substitute(text: string, vars: PolicyVariables): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (isKnownVariable(name) && vars[name] !== undefined ? vars[name]! : whole));
}

/** Replaces every placeholder; throws saying which one is missing when a value was not given. */
export function expandPolicy(policy: SandboxPolicy, vars: PolicyVariables): SandboxPolicy {
  const one = (p: string) => {
    const out = substitute(p, vars);
    const left = variablesIn(out);
    if (left.length > 0) {
      throw new Error(
        `The sandbox policy '${policy.name}' uses \${${left[0]}} in '${p}', but no value was given for it. ` +
          `Pass it in the local driver's \`variables\` option (${left[0]}: ${isKnownVariable(left[0]!) ? POLICY_VARIABLES[left[0]] : 'not a known variable'}), or remove that entry from the policy.`,
      );
    }
    return out;
  };
  return { ...policy, readOnly: policy.readOnly.map(one), readWrite: policy.readWrite.map(one) };
}
