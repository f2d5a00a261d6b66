/**
 * Branches and their steps as one keyboard-navigable list (a listbox):
 * arrow keys / Home / End / PageUp / PageDown move the selection over steps,
 * Enter (or a double click) opens the selected step's files; the twisty
 * buttons fold a branch. Long runs are windowed: only the rows in view (plus
 * a margin) are in the DOM.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { HostCapabilities } from '../../../src/protocol/replay';
import { branchMeta, formatDuration, formatTime } from '../model/format';
import { NAV_KEYS, moveSelection, type NavKey, type Row } from '../model/rows';
import { isDenial } from '../model/runModel';
import { KindIcon } from './KindIcon';
import { StatusBadge } from './StatusBadge';

interface Props {
  rows: Row[];
  selectedNodeId: string | null;
  multiAgent: boolean;
  capabilities: HostCapabilities;
  onSelectNode(nodeId: string): void;
  onToggleBranch(branchId: string): void;
  onOpenDiff(nodeId: string): void;
  onRestoreBranch(branchId: string): void;
}

const NODE_H = 22;
/** Above this many rows the list is windowed inside its own scroll area. */
export const WINDOW_ABOVE = 400;
const OVERSCAN = 20;

function rowHeight(r: Row): number {
  if (r.type === 'node') return NODE_H;
  return 24 + (r.forkedFrom ? 18 : 0) + (r.branch.sealReason ? 36 : 0);
}

export function BranchList({ rows, selectedNodeId, multiAgent, capabilities, onSelectNode, onToggleBranch, onOpenDiff, onRestoreBranch }: Props) {
  const listRef = useRef<HTMLDivElement>(null);
  const windowed = rows.length > WINDOW_ABOVE;
  const offsets = useMemo(() => {
    const o = new Float64Array(rows.length + 1);
    for (let i = 0; i < rows.length; i++) o[i + 1] = o[i]! + rowHeight(rows[i]!);
    return o;
  }, [rows]);
  const [scroll, setScroll] = useState({ top: 0, height: 600 });

  useEffect(() => {
    const el = listRef.current;
    if (!selectedNodeId || !el) return;
    if (!windowed) {
      el.querySelector<HTMLElement>(`[data-node-id="${CSS.escape(selectedNodeId)}"]`)?.scrollIntoView({ block: 'nearest' });
      return;
    }
    const i = rows.findIndex((r) => r.type === 'node' && r.node.id === selectedNodeId);
    if (i < 0) return;
    const top = offsets[i]!;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + NODE_H > el.scrollTop + el.clientHeight) el.scrollTop = top + NODE_H - el.clientHeight;
  }, [selectedNodeId, windowed]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (NAV_KEYS.includes(e.key)) {
      const next = moveSelection(rows, selectedNodeId, e.key as NavKey);
      if (next) onSelectNode(next);
      e.preventDefault();
      e.stopPropagation();
    } else if (e.key === 'Enter' && selectedNodeId && capabilities.diff) {
      onOpenDiff(selectedNodeId);
      e.preventDefault();
    }
  };

  let from = 0;
  let to = rows.length;
  if (windowed) {
    const lo = scroll.top;
    const hi = scroll.top + scroll.height;
    while (from < rows.length && offsets[from + 1]! < lo) from++;
    to = from;
    while (to < rows.length && offsets[to]! < hi) to++;
    from = Math.max(0, from - OVERSCAN);
    to = Math.min(rows.length, to + OVERSCAN);
  }
  const slice = rows.slice(from, to);

  return (
    <div
      class={`nc-branches${windowed ? ' nc-windowed' : ''}`}
      role="listbox"
      aria-label="Branches and steps"
      tabIndex={0}
      ref={listRef}
      onKeyDown={onKeyDown}
      onScroll={windowed ? (e) => setScroll({ top: (e.currentTarget as HTMLElement).scrollTop, height: (e.currentTarget as HTMLElement).clientHeight }) : undefined}
      aria-activedescendant={selectedNodeId ? `nc-node-${selectedNodeId}` : undefined}
    >
      {windowed ? <div style={{ height: `${offsets[from]}px` }} aria-hidden="true" /> : null}
      {slice.map((r) =>
        r.type === 'branch' ? (
          <div key={r.key} class={`nc-row nc-branch nc-branch-${r.branch.status}`} style={{ paddingLeft: `${r.depth * 10 + 2}px` }} role="presentation">
            <div class="nc-branch-head">
              <button
                type="button"
                class="nc-twisty"
                aria-expanded={!r.collapsed}
                aria-label={`${r.collapsed ? 'Expand' : 'Collapse'} branch ${r.branch.label}`}
                onClick={() => onToggleBranch(r.branch.id)}
              >
                <span class={`codicon codicon-chevron-${r.collapsed ? 'right' : 'down'}`} aria-hidden="true" />
              </button>
              <span class="nc-branch-label" title={r.branch.label}>
                {r.branch.label}
              </span>
              <StatusBadge status={r.branch.status} />
              <span class="nc-muted nc-branch-meta" title={`agent ${r.branch.agentId} · ${r.nodeCount} steps`}>
                {branchMeta(r.branch.label, multiAgent ? r.branch.agentId : '', r.nodeCount)}
              </span>
              {r.branch.status === 'completed' && capabilities.restore ? (
                <button type="button" class="nc-link nc-restore" onClick={() => onRestoreBranch(r.branch.id)} title="Restore this branch's result into the workspace">
                  Restore
                </button>
              ) : null}
            </div>
            {r.forkedFrom ? (
              <div class="nc-forked-from" title={`forked from step ${r.forkedFrom.step}: ${r.forkedFrom.name}`}>
                <span class="codicon codicon-repo-forked" aria-hidden="true" /> from step {r.forkedFrom.step}: {r.forkedFrom.name}
              </div>
            ) : null}
            {r.branch.sealReason ? (
              <div class="nc-seal-reason" title={r.branch.sealReason}>
                {r.branch.sealReason}
              </div>
            ) : null}
          </div>
        ) : (
          <div
            key={r.key}
            id={`nc-node-${r.node.id}`}
            data-node-id={r.node.id}
            role="option"
            aria-selected={r.node.id === selectedNodeId}
            class={`nc-row nc-node nc-node-${r.node.status}${isDenial(r.node) ? ' nc-node-denial' : ''}${r.node.id === selectedNodeId ? ' nc-selected' : ''}`}
            style={{ paddingLeft: `${r.depth * 10 + 2}px` }}
            onClick={() => onSelectNode(r.node.id)}
            onDblClick={() => capabilities.diff && onOpenDiff(r.node.id)}
          >
            <KindIcon kind={r.node.kind} node={r.node} />
            <span class="nc-node-name" title={r.node.name}>
              {r.node.name}
            </span>
            {r.forks > 0 ? (
              <span class="nc-fork" title={`${r.forks} branch${r.forks === 1 ? '' : 'es'} fork from this step (listed after this branch)`}>
                <span class="codicon codicon-repo-forked" aria-hidden="true" />
                {r.forks}
              </span>
            ) : null}
            <span class="nc-muted nc-node-time" title={`started ${formatTime(r.node.startTime)}, took ${formatDuration(r.node.endTime === null ? null : r.node.endTime - r.node.startTime)}`}>
              {formatTime(r.node.startTime)}
            </span>
          </div>
        ),
      )}
      {windowed ? <div style={{ height: `${offsets[rows.length]! - offsets[to]!}px` }} aria-hidden="true" /> : null}
    </div>
  );
}
