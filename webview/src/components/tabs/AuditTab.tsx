/** The Audit log tab: every tool call of the playhead's branch with arguments, result, duration and status; filterable; a row selects its step. */
import { useMemo, useState } from 'preact/hooks';
import type { Node } from '../../../../src/core/model/types';
import { auditRows, filterAudit } from '../../model/auditLog';
import { formatDuration } from '../../model/format';
import type { RunModel } from '../../model/runModel';

const STATUS_WORD = { ok: 'ok', failed: 'failed', denied: 'denied', running: 'running' } as const;

export function AuditTab({ node, model, onSelect }: { node: Node; model: RunModel; onSelect(id: string): void }) {
  const [query, setQuery] = useState('');
  const lane = model.laneOf.get(node.branchId);
  const rows = useMemo(() => auditRows(model.toolCalls(node.branchId)), [model, node.branchId]);
  const shown = filterAudit(rows, query);
  // The row at the playhead: the tool call itself, or the last call at or before it.
  const at = [...rows].reverse().find((r) => r.node.seq <= node.seq || r.node.id === node.parentNodeId)?.node.id;
  return (
    <section class="nc-audit" aria-label={`Audit log of branch ${lane?.branch.label ?? ''}`}>
      <div class="nc-audit-head">
        <label class="nc-filter">
          <span class="codicon codicon-filter" aria-hidden="true" />
          <input type="search" placeholder="Filter tool calls" aria-label="Filter tool calls" value={query} onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <span class="nc-muted">
          {shown.length === rows.length ? `${rows.length}` : `${shown.length} of ${rows.length}`} tool call{rows.length === 1 ? '' : 's'} in {lane?.branch.label}
        </span>
      </div>
      {shown.length === 0 ? <p class="nc-muted nc-pad">{rows.length ? 'No tool call matches the filter.' : 'This branch made no tool call.'}</p> : null}
      <ol class="nc-audit-rows">
        {shown.map((r) => (
          <li key={r.node.id} class={`nc-audit-row nc-audit-${r.status}${r.node.id === at ? ' nc-current' : ''}`} aria-current={r.node.id === at ? 'step' : undefined}>
            <button type="button" class="nc-audit-select" onClick={() => onSelect(r.node.id)} aria-label={`Select step ${r.step}: ${r.tool}, ${STATUS_WORD[r.status]}`}>
              <span class="nc-audit-step">#{r.step}</span>
              <span class="nc-audit-tool">{r.tool}</span>
              <span class={`nc-pill nc-pill-${r.status}`}>{STATUS_WORD[r.status]}</span>
              <span class="nc-muted nc-audit-dur">{formatDuration(r.durationMs)}</span>
            </button>
            {r.denial ? <div class="nc-audit-denial">Denied by {r.denial}</div> : null}
            <details open={r.node.id === at}>
              <summary>Arguments and result</summary>
              <div class="nc-kv-label">Arguments</div>
              <pre class="nc-text nc-code">{r.args || '(none)'}</pre>
              <div class="nc-kv-label">Result</div>
              <pre class="nc-text nc-code">{r.result || (r.status === 'running' ? '(running)' : '(empty)')}</pre>
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}
