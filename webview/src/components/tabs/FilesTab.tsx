/**
 * The Files tab: the files changed at the playhead, in two modes: what this
 * step changed (its pre- and post-call snapshots), or this step against your
 * workspace. A file opens the diff editor; "Open all" the multi-file diff.
 */
import type { Node } from '../../../../src/core/model/types';
import type { ChangesMode, ChangesView, HostCapabilities } from '../../../../src/protocol/replay';
import type { Requested } from '../../hooks/useRequest';

const KIND: Record<string, { icon: string; word: string }> = {
  added: { icon: 'diff-added', word: 'added' },
  deleted: { icon: 'diff-removed', word: 'removed' },
  modified: { icon: 'diff-modified', word: 'changed' },
  'type-changed': { icon: 'diff-renamed', word: 'type changed' },
};

interface Props {
  node: Node;
  mode: ChangesMode;
  changes: Requested<ChangesView>;
  capabilities: HostCapabilities;
  onMode(m: ChangesMode): void;
  onOpen(path: string): void;
  onOpenAll(): void;
}

export function FilesTab({ node, mode, changes, capabilities, onMode, onOpen, onOpenAll }: Props) {
  const v = changes.data;
  return (
    <section class="nc-files" aria-label="Files changed">
      <div class="nc-segmented" role="radiogroup" aria-label="Compare">
        <label>
          <input type="radio" name="nc-files-mode" checked={mode === 'step'} onChange={() => onMode('step')} /> What this step changed
        </label>
        {capabilities.workspace ? (
          <label>
            <input type="radio" name="nc-files-mode" checked={mode === 'workspace'} onChange={() => onMode('workspace')} /> This step vs my workspace
          </label>
        ) : null}
      </div>
      {changes.error ? <p class="nc-error" role="alert">Could not compare: {changes.error}</p> : null}
      {v ? (
        <p class="nc-muted">
          {v.left} ↔ {v.right}
          {v.files.length ? ` · ${v.files.length + v.more} file${v.files.length + v.more === 1 ? '' : 's'}` : ''}
        </p>
      ) : (
        <p class="nc-muted">{changes.loading ? 'Comparing…' : ''}</p>
      )}
      {v?.note && v.files.length === 0 ? <p class="nc-muted">{v.note}</p> : null}
      {v && v.files.length ? (
        <>
          <ul class="nc-filelist">
            {v.files.map((f) => (
              <li key={f.path}>
                <button type="button" class="nc-file" disabled={!capabilities.diff} onClick={() => onOpen(f.path)} title={capabilities.diff ? `Open the diff of ${f.path}` : f.path}>
                  <span class={`codicon codicon-${KIND[f.kind]!.icon} nc-file-${f.kind}`} aria-hidden="true" />
                  <span class="nc-mono nc-file-path">{f.path}</span>
                  <span class="nc-muted nc-file-kind">{KIND[f.kind]!.word}</span>
                </button>
              </li>
            ))}
          </ul>
          {v.more ? <p class="nc-muted">and {v.more} more</p> : null}
          {capabilities.diff ? (
            <vscode-button secondary onClick={onOpenAll}>
              <span class="codicon codicon-diff-multiple" aria-hidden="true" /> Open all {v.files.length + v.more} in the multi-file diff
            </vscode-button>
          ) : null}
        </>
      ) : null}
      <p class="nc-muted nc-hint">Step {node.seq + 1}: {mode === 'step' ? 'its snapshot before and after' : 'the files after it, against the workspace now'}.</p>
    </section>
  );
}
