/** Shown while the extension drives a run: phase, message and a cancel button. */
import type { ActiveRunView } from '../../../src/protocol/replay';
import type { Bridge } from '../host/bridge';

export function ActiveRunBar({ active, bridge }: { active: ActiveRunView; bridge: Bridge }) {
  return (
    <div class="nc-active" role="status">
      <vscode-progress-ring class="nc-ring" />
      <div class="nc-active-text">
        <b>{active.phase}</b> — {active.message || active.task}
      </div>
      <vscode-button secondary onClick={() => bridge.command({ type: 'cancelRun' })}>
        Cancel
      </vscode-button>
    </div>
  );
}
