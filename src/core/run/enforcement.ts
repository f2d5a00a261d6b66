/**
 * What a branch's agent ran under, as recorded on its AGENT span (the
 * agent_turn node) and shown in the run's summary: the sandbox layers the
 * launcher attested from inside (not those merely requested) and the
 * supervision mode. The summary reads them back from the recorded nodes.
 */
import type { Attributes, Node } from '../model/types';
import type { EnforcedSandbox } from '../sandbox/driver';
import { enforcedFacts } from '../sandbox/local/attestation';
import type { BranchSupervision } from './supervisionMode';

const S = 'nemocognition.sandbox';

export function enforcementAttributes(enforced: EnforcedSandbox | undefined, driver: { kind: string; label?: string; networkRule?: string }): Attributes {
  if (!enforced) {
    const none = driver.kind === 'none';
    return {
      [`${S}.driver`]: driver.kind,
      [`${S}.attested`]: false,
      [`${S}.label`]: none ? 'UNSANDBOXED' : (driver.label ?? 'not attested'),
      [`${S}.layers`]: none ? ['UNSANDBOXED'] : [],
      [`${S}.network_rule`]: driver.networkRule ?? (none ? 'UNRESTRICTED' : 'not attested by the sandbox'),
    };
  }
  const f = enforcedFacts(enforced);
  return {
    [`${S}.driver`]: driver.kind,
    [`${S}.attested`]: true,
    [`${S}.label`]: driver.label ?? `landlock abi ${f.landlockAbi}`,
    [`${S}.landlock_abi`]: f.landlockAbi,
    [`${S}.layers`]: f.layers,
    [`${S}.namespaces`]: f.namespaces,
    [`${S}.hidden_paths`]: f.hiddenPaths,
    [`${S}.interfaces`]: enforced.interfaces,
    [`${S}.network_rule`]: f.networkRule,
  };
}

export function supervisionAttributes(s: BranchSupervision): Attributes {
  const mode = s.finalMode();
  return {
    'nemocognition.supervision.mode': mode,
    ...(mode === 'gateway-only' ? { 'nemocognition.supervision.warning': s.reason } : {}),
    ...(s.hello ? { 'nemocognition.supervision.plugin_pid': s.hello.pid } : {}),
  };
}

export interface BranchEnforcement {
  branch: string;
  supervision: string;
  attested: boolean;
  label: string;
  landlockAbi?: number;
  layers: string[];
  networkRule: string;
}

/** The summary's lines, from a branch's recorded agent_turn node. */
export function enforcementOf(label: string, nodes: Node[]): BranchEnforcement | null {
  const turn = [...nodes].reverse().find((n) => n.kind === 'agent_turn');
  if (!turn) return null;
  const a = turn.attributes;
  const abi = a[`${S}.landlock_abi`];
  return {
    branch: label,
    supervision: String(a['nemocognition.supervision.mode'] ?? 'unknown'),
    attested: a[`${S}.attested`] === true,
    label: String(a[`${S}.label`] ?? ''),
    ...(typeof abi === 'number' ? { landlockAbi: abi } : {}),
    layers: Array.isArray(a[`${S}.layers`]) ? (a[`${S}.layers`] as string[]) : [],
    networkRule: String(a[`${S}.network_rule`] ?? ''),
  };
}
