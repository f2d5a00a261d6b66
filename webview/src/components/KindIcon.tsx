import type { NodeKind } from '../../../src/core/model/types';
import { KIND_LABEL } from '../model/format';

export function KindIcon({ kind }: { kind: NodeKind }) {
  const k = KIND_LABEL[kind];
  return (
    <span class={`nc-kind nc-kind-${kind}`} title={k.label} role="img" aria-label={k.label}>
      {k.glyph}
    </span>
  );
}
