/** What the view shows before there is anything to replay: how to start. */
import type { HostCapabilities, StoreStatus } from '../../../src/protocol/replay';
import type { Bridge } from '../host/bridge';

interface Props {
  bridge: Bridge;
  store: { status: StoreStatus; message: string | null };
  modelPreset: string;
  capabilities: HostCapabilities;
}

export function EmptyState({ bridge, store, modelPreset, capabilities }: Props) {
  if (!capabilities.run) {
    return (
      <section class="nc-empty" aria-label="No runs">
        <h2>No recorded runs</h2>
        <p>This replay holds no run.</p>
      </section>
    );
  }
  if (store.status === 'no-workspace') {
    return (
      <section class="nc-empty" aria-label="No workspace">
        <h2>Open a folder to start</h2>
        <p>NemoCognition supervises an agent working on a workspace folder. Open a folder, then run a supervised agent.</p>
      </section>
    );
  }
  return (
    <section class="nc-empty" aria-label="Getting started">
      <h2>No supervised runs yet</h2>
      {store.status === 'error' && store.message ? <p class="nc-error" role="alert">{store.message}</p> : null}
      <p>
        <b>Run Supervised Agent</b> gives a task to an agent that works in a kernel-enforced sandbox copy of this workspace. Every model
        call, tool call and policy decision is recorded here, a snapshot is taken before each tool call, and a denied step is recovered on a new
        branch.
      </p>
      <ol>
        <li>
          {modelPreset === 'demo' ? (
            <span>The offline demo model is selected: no key needed.</span>
          ) : (
            <span>
              Set your model API key (kept in VS Code's secret storage), or switch <code>nemocognition.model.preset</code> to <code>demo</code> to try it
              offline.
            </span>
          )}
        </li>
        <li>Run a supervised agent and watch the steps stream in.</li>
        <li>Select a step to inspect it; press Enter to compare its snapshot with your files; restore the one you want.</li>
      </ol>
      <div class="nc-actions">
        <vscode-button onClick={() => bridge.command({ type: 'runAgent' })}>Run Supervised Agent</vscode-button>
        {modelPreset !== 'demo' ? (
          <vscode-button secondary onClick={() => bridge.command({ type: 'setApiKey' })}>
            Set API Key
          </vscode-button>
        ) : null}
        <vscode-button secondary onClick={() => bridge.command({ type: 'openSettings' })}>
          Settings
        </vscode-button>
      </div>
      <p class="nc-muted">
        Something not working?{' '}
        <button type="button" class="nc-link" onClick={() => bridge.command({ type: 'checkSetup' })}>
          Check Setup
        </button>{' '}
        tests the agent runtime, the sandbox and the model endpoint, and says what to fix.
      </p>
    </section>
  );
}
