import type { Node, NodeKind } from '../../../src/core/model/types';
import { DENIAL_ICON, FORK_ICON, KIND_LABEL } from '../model/format';
import { isDenial, isFork } from '../model/runModel';

/** The icon and label of a node: its kind, or "Denied" / "Fork" where that says more. */
export function iconOf(n: Pick<Node, 'kind' | 'status' | 'attributes'>): { icon: string; char: string; label: string } {
  if (isDenial(n as Node)) return DENIAL_ICON;
  if (isFork(n as Node)) return FORK_ICON;
  return KIND_LABEL[n.kind];
}

export function KindIcon({ kind, node }: { kind: NodeKind; node?: Node }) {
  const k = node ? iconOf(node) : KIND_LABEL[kind];
  return <span class={`nc-kind nc-kind-${kind} codicon codicon-${k.icon}`} title={k.label} role="img" aria-label={k.label} />;
}
