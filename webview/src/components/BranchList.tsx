/**
 * Branches and their steps as one keyboard-navigable list (a listbox):
 * arrow keys / Home / End / PageUp / PageDown move the selection over steps,
 * Enter (or a double click) opens the selected step's snapshot diff; the
 * twisty buttons fold a branch.
 */
import { useEffect, useRef } from 'preact/hooks';
import { NAV_KEYS, moveSelection, type NavKey, type Row } from '../model/rows';
import { branchMeta, formatDuration, formatTime } from '../model/format';
import { KindIcon } from './KindIcon';
import { StatusBadge } from './StatusBadge';

interface Props {
  rows: Row[];
  selectedNodeId: string | null;
  onSelectNode(nodeId: string): void;
  onToggleBranch(branchId: string): void;
  onOpenDiff(nodeId: string): void;
  onRestoreBranch(branchId: string): void;
}

export function BranchList({ rows, selectedNodeId, onSelectNode, onToggleBranch, onOpenDiff, onRestoreBranch }: Props) {
  const listRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!selectedNodeId) return;
    const el = listRef.current?.querySelector<HTMLElement>(`[data-node-id="${CSS.escape(selectedNodeId)}"]`);
    el?.scrollIntoView({ block: 'nearest' });
  }, [selectedNodeId]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (NAV_KEYS.includes(e.key)) {
      const next = moveSelection(rows, selectedNodeId, e.key as NavKey);
      if (next) onSelectNode(next);
      e.preventDefault();
    } else if (e.key === 'Enter' && selectedNodeId) {
      onOpenDiff(selectedNodeId);
      e.preventDefault();
    }
  };

  return (
    <div
      class="nc-branches"
      role="listbox"
      aria-label="Branches and steps"
      tabIndex={0}
      ref={listRef}
      onKeyDown={onKeyDown}
      aria-activedescendant={selectedNodeId ? `nc-node-${selectedNodeId}` : undefined}
    >
      {rows.map((r) =>
        r.type === 'branch' ? (
          <div key={r.key} class={`nc-row nc-branch nc-branch-${r.branch.status}`} style={{ paddingLeft: `${r.depth * 14 + 4}px` }} role="presentation">
            <div class="nc-branch-head">
              <button
                type="button"
                class="nc-twisty"
                aria-expanded={!r.collapsed}
                aria-label={`${r.collapsed ? 'Expand' : 'Collapse'} branch ${r.branch.label}`}
                onClick={() => onToggleBranch(r.branch.id)}
              >
                {r.collapsed ? '▸' : '▾'}
              </button>
              <span class="nc-branch-label" title={r.branch.label}>
                {r.branch.label}
              </span>
              <StatusBadge status={r.branch.status} />
              <span class="nc-muted nc-branch-meta" title={`agent ${r.branch.agentId} · ${r.nodeCount} steps`}>
                {branchMeta(r.branch.label, r.branch.agentId, r.nodeCount)}
              </span>
              {r.branch.status === 'completed' ? (
                <button type="button" class="nc-link nc-restore" onClick={() => onRestoreBranch(r.branch.id)} title="Restore this branch's result into the workspace">
                  Restore
                </button>
              ) : null}
            </div>
            {r.forkedFrom ? (
              <div class="nc-forked-from" title={`forked from step #${r.forkedFrom.step}: ${r.forkedFrom.name}`}>
                <span aria-hidden="true">↳</span> forked from step #{r.forkedFrom.step}: {r.forkedFrom.name}
              </div>
            ) : null}
            {r.branch.sealReason ? <div class="nc-seal-reason">{r.branch.sealReason}</div> : null}
          </div>
        ) : (
          <div
            key={r.key}
            id={`nc-node-${r.node.id}`}
            data-node-id={r.node.id}
            role="option"
            aria-selected={r.node.id === selectedNodeId}
            class={`nc-row nc-node nc-node-${r.node.status}${r.node.id === selectedNodeId ? ' nc-selected' : ''}`}
            style={{ paddingLeft: `${r.depth * 14 + 4}px` }}
            onClick={() => onSelectNode(r.node.id)}
            onDblClick={() => onOpenDiff(r.node.id)}
          >
            <KindIcon kind={r.node.kind} />
            <span class="nc-node-name" title={r.node.name}>
              {r.node.name}
            </span>
            {r.forks > 0 ? (
              <span class="nc-fork" title={`${r.forks} recovery branch${r.forks === 1 ? '' : 'es'} fork from this step (listed after this branch)`}>
                ↳ {r.forks}
              </span>
            ) : null}
            <span class="nc-muted nc-node-time" title={`started ${formatTime(r.node.startTime)}, took ${formatDuration(r.node.endTime === null ? null : r.node.endTime - r.node.startTime)}`}>
              {formatTime(r.node.startTime)}
            </span>
          </div>
        ),
      )}
    </div>
  );
}
