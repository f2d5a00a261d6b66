/** Show or hide each branch in the DAG and the scrubber, and "Compare…" two branches side by side. */
import type { Branch } from '../../../src/core/model/types';
import type { RunModel } from '../model/runModel';

interface Props {
  model: RunModel;
  hidden: ReadonlySet<string>;
  comparing: boolean;
  onToggle(branchId: string): void;
  onCompare(): void;
}

/** The pair "Compare…" starts with: a failed branch and the branch that forked from it, else the first two lanes. */
export function defaultComparePair(model: RunModel): [string, string] | null {
  const failed = model.lanes.find((l) => l.branch.status === 'failed' || l.branch.status === 'error');
  const child = failed ? model.lanes.find((l) => l.parentLane === failed.index) : undefined;
  if (failed && child) return [failed.branch.id, child.branch.id];
  return model.lanes.length >= 2 ? [model.lanes[0]!.branch.id, model.lanes[1]!.branch.id] : null;
}

const STATUS_ICON: Partial<Record<Branch['status'], string>> = { failed: 'error', error: 'error', completed: 'pass', cancelled: 'circle-slash', open: 'pulse' };

export function BranchToggles({ model, hidden, comparing, onToggle, onCompare }: Props) {
  return (
    <div class="nc-toggles" role="group" aria-label="Branches shown">
      {model.lanes.map((l) => {
        const shown = !hidden.has(l.branch.id);
        return (
          <button
            key={l.branch.id}
            type="button"
            class={`nc-chip nc-chip-${l.branch.status}${shown ? '' : ' nc-chip-off'}`}
            aria-pressed={shown}
            title={`${shown ? 'Hide' : 'Show'} branch ${l.branch.label} (${l.branch.status})`}
            onClick={() => onToggle(l.branch.id)}
          >
            <span class={`codicon codicon-${shown ? 'eye' : 'eye-closed'}`} aria-hidden="true" />
            <span class={`codicon codicon-${STATUS_ICON[l.branch.status] ?? 'circle'} nc-chip-status`} aria-hidden="true" />
            <span class="nc-chip-label">{l.branch.label}</span>
            <span class="nc-visually-hidden">, {l.branch.status}</span>
          </button>
        );
      })}
      {model.lanes.length >= 2 ? (
        <button type="button" class="nc-chip nc-chip-action" aria-pressed={comparing} onClick={onCompare} title="Put two branches side by side">
          <span class="codicon codicon-git-compare" aria-hidden="true" /> Compare…
        </button>
      ) : null}
    </div>
  );
}
