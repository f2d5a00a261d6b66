/** The list of recorded runs, newest first; picking one loads its branches. */
import type { Run } from '../../../src/core/model/types';
import { formatTime } from '../model/format';
import { StatusBadge } from './StatusBadge';

interface Props {
  runs: Run[];
  selectedRunId: string | null;
  onSelect(runId: string): void;
}

export function RunPicker({ runs, selectedRunId, onSelect }: Props) {
  const selected = runs.find((r) => r.id === selectedRunId) ?? null;
  return (
    <div class="nc-run-picker">
      <label for="nc-run-select" class="nc-visually-hidden">
        Run
      </label>
      <select id="nc-run-select" value={selectedRunId ?? ''} onChange={(e) => onSelect((e.currentTarget as HTMLSelectElement).value)}>
        {runs.map((r) => (
          <option key={r.id} value={r.id}>
            {`${formatTime(r.startedAt)} · ${r.task.length > 60 ? r.task.slice(0, 59) + '…' : r.task}`}
          </option>
        ))}
      </select>
      {selected ? <StatusBadge status={selected.status} /> : null}
    </div>
  );
}
