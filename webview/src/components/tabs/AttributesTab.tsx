/** The Attributes tab: every recorded attribute, as text, keys in natural order (llm.tools.2 before llm.tools.10). The escape hatch. */
import type { Node } from '../../../../src/core/model/types';
import type { NodeDetail } from '../../../../src/protocol/replay';
import { attrText } from '../../model/format';

const natural = new Intl.Collator('en', { numeric: true });

export function AttributesTab({ node, detail }: { node: Node; detail: NodeDetail | null }) {
  const n = detail?.node.id === node.id ? detail.node : node;
  const attrs = Object.entries(n.attributes).sort(([a], [b]) => natural.compare(a, b));
  return (
    <section class="nc-attributes" aria-label="Attributes">
      {attrs.length === 0 ? <p class="nc-muted">None recorded.</p> : null}
      <dl class="nc-attrs">
        {attrs.map(([k, v]) => (
          <div key={k} class="nc-attr">
            <dt>{k}</dt>
            <dd>
              <pre class="nc-text">{attrText(v)}</pre>
            </dd>
          </div>
        ))}
      </dl>
      {detail && detail.node.id === n.id && detail.spans.length > 0 ? (
        <>
          <h4>Spans</h4>
          <ul class="nc-spans">
            {detail.spans.map((s) => (
              <li key={s.spanId}>
                <code>{s.kind}</code> {s.name} <span class="nc-muted nc-mono">{s.spanId}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
