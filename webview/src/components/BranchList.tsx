/**
 * Branches and their steps as one keyboard-navigable list (a listbox):
 * arrow keys / Home / End / PageUp / PageDown move the selection over steps,
 * Enter (or a double click) opens the selected step's files; the twisty
 * buttons fold a branch. Long runs are windowed: only the rows in view (plus
 * a margin) are in the DOM.
 */
import { memo } from './memo';
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
  // Looked up on every move of the playhead: computed once per list.
  const index = useMemo(() => {
    const nodeRow = new Map<string, number>();
    const label = new Map<string, string>();
    let firstBranch: string | null = null;
    rows.forEach((r, i) => {
      if (r.type === 'node') {
        nodeRow.set(r.node.id, i);
        firstBranch ??= r.node.branchId;
      } else label.set(r.branch.id, r.branch.label);
    });
    return { nodeRow, label, firstBranch };
  }, [rows]);

  useEffect(() => {
    const el = listRef.current;
    if (!selectedNodeId || !el) return;
    // Keyboard focus moves with the selection into the branch's listbox (when it was in the list). The list
    // scrolls itself to the selected step (a live run's newest one included), never the whole view: the
    // player stays where it is.
    const row = el.querySelector<HTMLElement>(`[data-node-id="${CSS.escape(selectedNodeId)}"]`);
    if (el.contains(document.activeElement) && row) (row.parentElement as HTMLElement).focus({ preventScroll: true });
    const i = index.nodeRow.get(selectedNodeId) ?? -1;
    if (i < 0) return;
    // A windowed list knows its rows' offsets (no layout read on a scrub step); a short one asks the row.
    const top = windowed ? offsets[i]! : (row?.offsetTop ?? 0); // .nc-branches is the rows' offset parent
    const h = windowed ? NODE_H : (row?.offsetHeight ?? NODE_H);
    const view = windowed ? scroll : { top: el.scrollTop, height: el.clientHeight };
    if (top < view.top) el.scrollTop = top;
    else if (top + h > view.top + view.height) el.scrollTop = top + h - view.height;
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
  // Each branch's steps form a listbox of their own (a listbox holds options only); the branch headers, with
  // their buttons, sit between them. The arrow keys still move over every step, across branches.
  const groups: Array<{ key: string; branch: Row & { type: 'branch' } } | { key: string; options: Array<Row & { type: 'node' }> }> = [];
  for (const r of slice) {
    if (r.type === 'branch') groups.push({ key: r.key, branch: r });
    else {
      const last = groups[groups.length - 1];
      if (last && 'options' in last && last.options[0]!.node.branchId === r.node.branchId) last.options.push(r);
      else groups.push({ key: `o:${r.key}`, options: [r] });
    }
  }
  const selectedRow = selectedNodeId ? index.nodeRow.get(selectedNodeId) : undefined;
  const focusBranch = selectedRow !== undefined ? (rows[selectedRow] as Row & { type: 'node' }).node.branchId : index.firstBranch;
  const labelOf = (branchId: string) => index.label.get(branchId) ?? 'branch';

  return (
    <div
      class={`nc-branches${windowed ? ' nc-windowed' : ''}`}
      ref={listRef}
      onKeyDown={onKeyDown}
      onScroll={windowed ? (e) => setScroll({ top: (e.currentTarget as HTMLElement).scrollTop, height: (e.currentTarget as HTMLElement).clientHeight }) : undefined}
    >
      {windowed ? <div style={{ height: `${offsets[from]}px` }} aria-hidden="true" /> : null}
      {groups.map((g) =>
        'branch' in g ? (
          <BranchHeader key={g.key} r={g.branch} multiAgent={multiAgent} capabilities={capabilities} onToggleBranch={onToggleBranch} onRestoreBranch={onRestoreBranch} />
        ) : (
          <div
            key={g.key}
            role="listbox"
            class="nc-steps"
            aria-label={`Steps of ${labelOf(g.options[0]!.node.branchId)}`}
            tabIndex={g.options[0]!.node.branchId === focusBranch ? 0 : -1}
            aria-activedescendant={g.options.some((o) => o.node.id === selectedNodeId) ? `nc-node-${selectedNodeId}` : undefined}
          >
            {g.options.map((r) => (
              <StepRow key={r.key} r={r} selected={r.node.id === selectedNodeId} diff={capabilities.diff} onSelectNode={onSelectNode} onOpenDiff={onOpenDiff} />
            ))}
          </div>
        ),
      )}
      {windowed ? <div style={{ height: `${offsets[rows.length]! - offsets[to]!}px` }} aria-hidden="true" /> : null}
    </div>
  );
}

function BranchHeader({ r, multiAgent, capabilities, onToggleBranch, onRestoreBranch }: { r: Row & { type: 'branch' }; multiAgent: boolean; capabilities: HostCapabilities; onToggleBranch(id: string): void; onRestoreBranch(id: string): void }) {
  return (
    <div class={`nc-row nc-branch nc-branch-${r.branch.status}`} style={{ paddingLeft: `${r.depth * 10 + 2}px` }}>
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
  );
}

type StepRowProps = { r: Row & { type: 'node' }; selected: boolean; diff: boolean; onSelectNode(id: string): void; onOpenDiff(id: string): void };

/** Memoised: a move of the playhead redraws the two rows whose selection changed, not the whole list. */
const StepRow = memo(StepRowView, (a, b) => a.r === b.r && a.selected === b.selected && a.diff === b.diff);

function StepRowView({ r, selected, diff, onSelectNode, onOpenDiff }: StepRowProps) {
  return (
    <div
      id={`nc-node-${r.node.id}`}
      data-node-id={r.node.id}
      role="option"
      aria-selected={selected}
      class={`nc-row nc-node nc-node-${r.node.status}${isDenial(r.node) ? ' nc-node-denial' : ''}${selected ? ' nc-selected' : ''}`}
      style={{ paddingLeft: `${r.depth * 10 + 2}px` }}
      onClick={() => onSelectNode(r.node.id)}
      onDblClick={() => diff && onOpenDiff(r.node.id)}
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
  );
}
