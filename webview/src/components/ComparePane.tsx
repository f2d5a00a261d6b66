/**
 * Two branches side by side: steps aligned by order and kind, where they
 * diverge marked, and the files that differ between the two branch tips (or
 * the two selected steps), each opening its diff, or all in the multi-file diff.
 */
import { useMemo } from 'preact/hooks';
import type { Node } from '../../../src/core/model/types';
import type { ChangesView, HostCapabilities } from '../../../src/protocol/replay';
import type { Requested } from '../hooks/useRequest';
import { alignBranches } from '../model/compareBranches';
import type { RunModel } from '../model/runModel';
import { KindIcon } from './KindIcon';
import { StatusBadge } from './StatusBadge';

interface Props {
  model: RunModel;
  pair: [string, string];
  selectedId: string | null;
  files: Requested<ChangesView>;
  capabilities: HostCapabilities;
  onPair(pair: [string, string]): void;
  /** The two steps the files are compared at (the branch tips unless picked). */
  ends: [string | null, string | null];
  picked: [boolean, boolean];
  /** Compare the files at this step of that side (null: back to the tip). */
  onPick(side: 0 | 1, nodeId: string | null): void;
  onSelect(nodeId: string): void;
  onOpenFile(path: string): void;
  onOpenAll(): void;
  onClose(): void;
}

export function ComparePane({ model, pair, selectedId, files, capabilities, onPair, ends, picked, onPick, onSelect, onOpenFile, onOpenAll, onClose }: Props) {
  const [a, b] = pair;
  const left = model.laneOf.get(a);
  const right = model.laneOf.get(b);
  const aligned = useMemo(() => (left && right ? alignBranches(left.nodes, right.nodes) : { rows: [], truncated: false }), [left, right]);
  if (!left || !right) return null;
  const divergences = aligned.rows.filter((r) => r.divergence).length;
  const picker = (value: string, other: string, side: 0 | 1) => (
    <select
      class="nc-select"
      aria-label={side === 0 ? 'Left branch' : 'Right branch'}
      value={value}
      onChange={(e) => {
        const v = (e.currentTarget as HTMLSelectElement).value;
        onPair(side === 0 ? [v, other] : [other, v]);
      }}
    >
      {model.lanes.map((l) => (
        <option key={l.branch.id} value={l.branch.id}>
          {`${l.branch.label} (${l.branch.status})`}
        </option>
      ))}
    </select>
  );
  const cell = (n: Node | null, side: 0 | 1) =>
    n ? (
      <button
        type="button"
        class={`nc-cmp-step${n.id === selectedId ? ' nc-selected' : ''}${n.id === ends[side] ? ' nc-cmp-end' : ''} nc-node-${n.status}`}
        onClick={() => {
          onSelect(n.id);
          onPick(side, n.id);
        }}
        aria-current={n.id === selectedId ? 'step' : undefined}
        title="Select this step, and compare the files at it"
      >
        <KindIcon kind={n.kind} node={n} />
        <span class="nc-cmp-name">
          {n.seq + 1}. {n.name}
        </span>
      </button>
    ) : (
      <span class="nc-cmp-gap" aria-label="no matching step">
        —
      </span>
    );
  return (
    <section class="nc-compare" aria-label={`Compare ${left.branch.label} with ${right.branch.label}`}>
      <div class="nc-compare-head">
        <h3>Compare</h3>
        <button type="button" class="nc-icon-btn" aria-label="Close compare" title="Close compare" onClick={onClose}>
          <span class="codicon codicon-close" aria-hidden="true" />
        </button>
      </div>
      <div class="nc-compare-pickers">
        <div>
          {picker(a, b, 0)} <StatusBadge status={left.branch.status} />
        </div>
        <div>
          {picker(b, a, 1)} <StatusBadge status={right.branch.status} />
        </div>
      </div>
      <p class="nc-muted">
        {aligned.rows.length} aligned rows · {divergences} point{divergences === 1 ? '' : 's'} of divergence{aligned.truncated ? ' · only the first steps are aligned' : ''}
      </p>
      <ol class="nc-compare-rows">
        {aligned.rows.map((r, i) => (
          <li key={i} class={`nc-cmp-row${r.same ? ' nc-cmp-same' : ''}${r.divergence ? ' nc-cmp-diverge' : ''}`}>
            {r.divergence ? (
              <div class="nc-cmp-divergence">
                <span class="codicon codicon-git-compare" aria-hidden="true" /> The branches diverge here
              </div>
            ) : null}
            <div class="nc-cmp-cells">
              {cell(r.left, 0)}
              {cell(r.right, 1)}
            </div>
          </li>
        ))}
      </ol>
      <h4>
        Files that differ {picked[0] || picked[1] ? 'between the two steps picked' : 'between the branch tips'}
        <span class="nc-muted"> ({files.data?.left.replace(/^after /, '') ?? left.branch.label} ↔ {files.data?.right.replace(/^after /, '') ?? right.branch.label})</span>
      </h4>
      <p class="nc-muted nc-hint">
        Click a step in either column to compare the files at that step.
        {picked[0] || picked[1] ? (
          <>
            {' '}
            <button
              type="button"
              class="nc-link"
              onClick={() => {
                onPick(0, null);
                onPick(1, null);
              }}
            >
              Back to the branch tips
            </button>
          </>
        ) : null}
      </p>
      {files.error ? <p class="nc-error" role="alert">{files.error}</p> : null}
      {files.loading && !files.data ? <p class="nc-muted">Comparing…</p> : null}
      {files.data && files.data.files.length === 0 ? <p class="nc-muted">{files.data.note ?? 'No file differs.'}</p> : null}
      {files.data && files.data.files.length ? (
        <>
          <ul class="nc-filelist">
            {files.data.files.map((f) => (
              <li key={f.path}>
                <button type="button" class="nc-file" disabled={!capabilities.diff} onClick={() => onOpenFile(f.path)}>
                  <span class={`codicon codicon-diff-${f.kind === 'added' ? 'added' : f.kind === 'deleted' ? 'removed' : 'modified'} nc-file-${f.kind}`} aria-hidden="true" />
                  <span class="nc-mono nc-file-path">{f.path}</span>
                  <span class="nc-muted nc-file-kind">{f.kind === 'added' ? `only in ${right.branch.label}` : f.kind === 'deleted' ? `only in ${left.branch.label}` : 'differs'}</span>
                </button>
              </li>
            ))}
          </ul>
          {capabilities.diff ? (
            <vscode-button secondary onClick={onOpenAll}>
              <span class="codicon codicon-diff-multiple" aria-hidden="true" /> Open all in the multi-file diff
            </vscode-button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
