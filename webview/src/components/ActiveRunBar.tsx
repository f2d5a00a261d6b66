/** Shown while the extension drives a run: what it is doing now (its newest step), how long it has been going, and Cancel. */
import { useEffect, useState } from 'preact/hooks';
import type { ActiveRunView, RunPhase } from '../../../src/protocol/replay';
import type { Bridge } from '../host/bridge';
import { formatOffset } from '../model/timeAxis';

const PHASE: Record<RunPhase, string> = {
  starting: 'Starting',
  preparing: 'Preparing the sandbox',
  agent: 'Agent working',
  recovering: 'Recovering',
  finishing: 'Finishing',
};

export function ActiveRunBar({ active, bridge, canCancel }: { active: ActiveRunView; bridge: Bridge; canCancel: boolean }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return (
    <div class="nc-active" role="status" aria-live="polite">
      <vscode-progress-ring class="nc-ring" aria-hidden="true" />
      <div class="nc-active-text">
        <b>{PHASE[active.phase]}</b> <span class="nc-muted">{formatOffset(now - active.startedAt)}</span>
        <div class="nc-active-message" title={active.message || active.task}>
          {active.message || active.task}
        </div>
      </div>
      {canCancel ? (
        <vscode-button secondary onClick={() => bridge.command({ type: 'cancelRun' })}>
          Cancel
        </vscode-button>
      ) : null}
    </div>
  );
}
