/**
 * The selected step's recorded facts, as text. Attribute values come from the
 * model and tools: they are rendered as text nodes only, never as HTML.
 */
import type { Node } from '../../../src/core/model/types';
import type { NodeDetail } from '../../../src/protocol/replay';
import { attrText, formatDuration, formatTime, KIND_LABEL } from '../model/format';

interface Props {
  node: Node | null;
  detail: NodeDetail | null;
  error: string | null;
  onRestore(nodeId: string): void;
  onOpenDiff(nodeId: string): void;
}

export function Inspector({ node, detail, error, onRestore, onOpenDiff }: Props) {
  if (!node) return <p class="nc-muted nc-pad">Select a step to see what was recorded for it.</p>;
  const n = detail?.node.id === node.id ? detail.node : node;
  const attrs = Object.entries(n.attributes).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section class="nc-inspector" aria-label={`Step ${n.name}`}>
      <h3 class="nc-inspector-title">{n.name}</h3>
      <dl class="nc-facts">
        <dt>Kind</dt>
        <dd>{KIND_LABEL[n.kind].label}</dd>
        <dt>Status</dt>
        <dd>{n.status}</dd>
        <dt>Started</dt>
        <dd>{formatTime(n.startTime)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(n.endTime === null ? null : n.endTime - n.startTime)}</dd>
        <dt>Step</dt>
        <dd>#{n.seq + 1}</dd>
        {n.snapshotId ? (
          <>
            <dt>Snapshot</dt>
            <dd>
              <code>{n.snapshotId}</code>
            </dd>
          </>
        ) : null}
      </dl>
      {n.snapshotId ? (
        <div class="nc-actions">
          <vscode-button onClick={() => onOpenDiff(n.id)}>Compare with workspace</vscode-button>
          <vscode-button secondary onClick={() => onRestore(n.id)}>
            Restore into workspace
          </vscode-button>
        </div>
      ) : null}
      {error ? (
        <p class="nc-error" role="alert">
          {error}
        </p>
      ) : null}
      <h4>Attributes</h4>
      {attrs.length === 0 ? (
        <p class="nc-muted">None recorded.</p>
      ) : (
        <table class="nc-attrs">
          <tbody>
            {attrs.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>
                  <pre>{attrText(v)}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {detail && detail.node.id === n.id && detail.spans.length > 0 ? (
        <>
          <h4>Spans</h4>
          <ul class="nc-spans">
            {detail.spans.map((s) => (
              <li key={s.spanId}>
                <code>{s.kind}</code> {s.name} <span class="nc-muted">{s.spanId}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
