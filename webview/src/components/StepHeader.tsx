/**
 * The step at the playhead, above the tabs: what it is, where (branch, step
 * number, time since the run started), its status, and what can be done from
 * it: its files, restore, fork from here, and "Open in Phoenix" when spans are
 * mirrored to a Phoenix UI (`<endpoint>/redirects/spans/<spanId>`).
 */
import type { Node } from '../../../src/core/model/types';
import type { HostCapabilities, NodeDetail } from '../../../src/protocol/replay';
import { formatDuration } from '../model/format';
import { isDenial, type RunModel } from '../model/runModel';
import { formatClock } from '../model/timeAxis';
import { iconOf } from './KindIcon';

/** The Phoenix UI's link to a span (verified against arize-phoenix 20.26); the endpoint is checked to be http(s) by the protocol guard. */
export function phoenixSpanUrl(endpoint: string, spanId: string): string | null {
  if (!/^[0-9a-f]{16}$/.test(spanId)) return null;
  return `${endpoint.replace(/\/+$/, '')}/redirects/spans/${spanId}`;
}

interface Props {
  node: Node;
  model: RunModel;
  detail: NodeDetail | null;
  capabilities: HostCapabilities;
  phoenixEndpoint: string | null;
  onFiles(): void;
  onRestore(): void;
  onFork(): void;
}

export function StepHeader({ node, model, detail, capabilities, phoenixEndpoint, onFiles, onRestore, onFork }: Props) {
  const lane = model.laneOf.get(node.branchId);
  const icon = iconOf(node);
  const span = detail?.node.id === node.id ? detail.spans.find((s) => s.attributes['nemocognition.node.id'] === node.id) ?? detail.spans[0] : undefined;
  const phoenix = phoenixEndpoint && span ? phoenixSpanUrl(phoenixEndpoint, span.spanId) : null;
  const denied = isDenial(node);
  return (
    <section class={`nc-step${denied ? ' nc-step-denied' : ''}${node.status === 'error' ? ' nc-step-error' : ''}`} aria-label="Selected step">
      <div class="nc-step-title">
        <span class={`codicon codicon-${icon.icon} nc-step-icon`} role="img" aria-label={icon.label} />
        <h3>{node.name}</h3>
      </div>
      <div class="nc-step-meta">
        <span>
          {lane?.branch.label ?? 'branch'} · step {node.seq + 1}
        </span>
        <span title="since the run started">at {formatClock(node.startTime - model.start)}</span>
        <span>{node.endTime === null ? 'running' : `took ${formatDuration(node.endTime - node.startTime)}`}</span>
        <span class={`nc-pill nc-pill-${denied ? 'denied' : node.status === 'error' ? 'failed' : node.endTime === null ? 'running' : 'ok'}`}>
          {denied ? 'denied' : node.status === 'error' ? 'failed' : node.endTime === null ? 'running' : 'ok'}
        </span>
      </div>
      <div class="nc-actions">
        <vscode-button secondary onClick={onFiles}>
          <span class="codicon codicon-diff" aria-hidden="true" /> Files changed
        </vscode-button>
        {capabilities.restore ? (
          <vscode-button secondary onClick={onRestore} title="Bring the files as they were after this step into the workspace (undoable)">
            <span class="codicon codicon-discard" aria-hidden="true" /> Restore
          </vscode-button>
        ) : null}
        {capabilities.fork ? (
          <vscode-button secondary onClick={onFork} title="Start a new branch from this step with a new instruction">
            <span class="codicon codicon-repo-forked" aria-hidden="true" /> Fork from here
          </vscode-button>
        ) : null}
        {phoenix ? (
          <a class="nc-link nc-phoenix" href={phoenix} title={`Open this step's span in Phoenix (${phoenix})`}>
            <span class="codicon codicon-link-external" aria-hidden="true" /> Open in Phoenix
          </a>
        ) : null}
      </div>
    </section>
  );
}
