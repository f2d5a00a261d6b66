/** The Memory tab: the agent's memory and state files as they were at the playhead, each diffed against the previous memory update. */
import type { Node } from '../../../../src/core/model/types';
import type { MemoryFileView, MemoryView } from '../../../../src/protocol/replay';
import type { Requested } from '../../hooks/useRequest';
import { lineDiff } from '../../model/lineDiff';
import type { RunModel } from '../../model/runModel';

export function MemoryTab({ node, model, memory, onSelect }: { node: Node; model: RunModel; memory: Requested<MemoryView>; onSelect(id: string): void }) {
  if (memory.error) return <p class="nc-error nc-pad" role="alert">Could not read the memory files: {memory.error}</p>;
  const m = memory.data;
  if (!m) return <p class="nc-muted nc-pad">{memory.loading ? 'Reading the memory files…' : 'No memory files at this step.'}</p>;
  const prev = m.previousNodeId ? model.byId.get(m.previousNodeId) : undefined;
  const at = m.atNodeId ? model.byId.get(m.atNodeId) : undefined;
  return (
    <section class="nc-memory" aria-label="Memory">
      <p class="nc-muted">
        As of step {node.seq + 1}
        {at && at.id !== node.id ? ` (its files were last snapshotted at step ${at.seq + 1})` : ''}; compared with{' '}
        {prev ? (
          <button type="button" class="nc-link" onClick={() => onSelect(prev.id)}>
            the memory update at step {prev.seq + 1}
          </button>
        ) : (
          'the run’s start'
        )}
        .
      </p>
      {m.files.length === 0 ? <p class="nc-muted">The agent kept no memory files (MEMORY.md, memory/, NOTES.md, notes/) up to this step.</p> : null}
      {m.files.map((f) => (
        <MemoryFile key={f.path} f={f} />
      ))}
    </section>
  );
}

const STATUS_WORDS: Record<MemoryFileView['status'], string> = { added: 'new', modified: 'changed', unchanged: 'unchanged', deleted: 'deleted' };

function MemoryFile({ f }: { f: MemoryFileView }) {
  const head = (
    <>
      <span class="codicon codicon-book" aria-hidden="true" /> <span class="nc-mono">{f.path}</span> <span class={`nc-pill nc-pill-${f.status}`}>{STATUS_WORDS[f.status]}</span>
    </>
  );
  if (f.text === null && f.status !== 'deleted') {
    return (
      <div class="nc-memfile">
        <div class="nc-memfile-head">{head}</div>
        <p class="nc-muted">Binary or larger than the view shows ({f.bytes.toLocaleString()} bytes).</p>
      </div>
    );
  }
  if (f.status === 'modified' && f.previous !== null && f.text !== null) {
    const d = lineDiff(f.previous, f.text);
    return (
      <div class="nc-memfile">
        <div class="nc-memfile-head">{head}</div>
        <pre class="nc-text nc-diff" aria-label={`Changes to ${f.path}`}>
          {d.lines.map((l, i) => (
            <div key={i} class={`nc-diff-${l.kind}`}>
              <span class="nc-diff-sign" aria-hidden="true">
                {l.kind === 'add' ? '+' : l.kind === 'del' ? '−' : ' '}
              </span>
              <span class="nc-visually-hidden">{l.kind === 'add' ? 'added: ' : l.kind === 'del' ? 'removed: ' : ''}</span>
              {l.text}
            </div>
          ))}
        </pre>
        {d.truncated ? <p class="nc-muted">Only the first lines are compared.</p> : null}
      </div>
    );
  }
  return (
    <details class="nc-memfile" open={f.status !== 'unchanged'}>
      <summary class="nc-memfile-head">{head}</summary>
      <pre class="nc-text">{f.status === 'deleted' ? (f.previous ?? '') : (f.text ?? '')}</pre>
    </details>
  );
}
