/**
 * The static host of a shared replay file: stands where the VS Code extension
 * host stands for the Replay webview, answering the app's typed protocol v2
 * (src/protocol/replay.ts) from the data inlined in the page
 * (core/share/reader.ts: the run, a node's spans, the files changed at a
 * step, two steps compared, memory at a step). It defines `acquireVsCodeApi`
 * before the app loads; the app itself is unchanged. The bootstrap's
 * capabilities say what a page can do: diffs (shown in its own dialog), not
 * restore, fork, a workspace or runs, whose controls the app hides; a command
 * for one of those that arrives anyway says it needs the workspace. All text
 * is text.
 */
import './static-host.css';
import { assertNever, isWebviewMessage, PROTOCOL_VERSION, type HostMessage, type WebviewCommand } from '../../src/protocol/replay';
import { SHARE_FORMAT, SHARE_VERSION, type SharedReplayData } from '../../src/core/share/format';
import { answerRequest, compareDiff, stepDiff, type DiffRequest } from '../../src/core/share/reader';
import { showDiff } from './diffDialog';
import { showBanner, toast } from './chrome';

const DATA_ID = 'nc-replay-data';

function readData(): SharedReplayData | null {
  const el = document.getElementById(DATA_ID);
  try {
    const data = JSON.parse(el?.textContent ?? 'null') as SharedReplayData;
    return data && data.format === SHARE_FORMAT && data.version === SHARE_VERSION && data.bootstrap?.protocolVersion === PROTOCOL_VERSION ? data : null;
  } catch {
    return null;
  }
}

const data = readData();
let uiState: unknown;

/** Messages reach the app as they would from VS Code: asynchronously, as `message` events. */
function send(m: HostMessage): void {
  setTimeout(() => window.dispatchEvent(new MessageEvent('message', { data: m })), 0);
}

const NEEDS_WORKSPACE = 'This is a shared replay: open the workspace in VS Code with NemoCognition to do that.';

function openDiff(d: SharedReplayData, req: Promise<DiffRequest | null> | DiffRequest | null, path?: string): void {
  void Promise.resolve(req).then(
    (r) => (r ? showDiff(d, r, path) : toast('That step is not in this replay.')),
    (e: unknown) => toast(`Could not show the diff: ${e instanceof Error ? e.message : String(e)}`),
  );
}

function command(d: SharedReplayData, c: WebviewCommand): void {
  switch (c.type) {
    case 'selectRun':
    case 'selectNode':
    case 'toggleBranch':
      return;
    case 'openDiff':
      // Always what the step changed: a shared replay has no workspace to compare with.
      openDiff(d, stepDiff(d, c.nodeId), c.path);
      return;
    case 'openChanges':
      openDiff(d, stepDiff(d, c.nodeId));
      return;
    case 'openCompare':
      openDiff(d, compareDiff(d, c.leftNodeId, c.rightNodeId), c.path);
      return;
    case 'restoreNode':
    case 'restoreBranch':
    case 'fork':
    case 'runAgent':
    case 'cancelRun':
    case 'setApiKey':
    case 'showOutput':
    case 'openSettings':
    case 'checkSetup':
      toast(NEEDS_WORKSPACE);
      return;
    default:
      assertNever(c);
  }
}

window.acquireVsCodeApi = () => ({
  postMessage(m: unknown) {
    if (!data || !isWebviewMessage(m)) return;
    switch (m.kind) {
      case 'ready':
        send({ kind: 'bootstrap', state: data.bootstrap });
        return;
      case 'request':
        answerRequest(data, m.request).then(
          (result) => send({ kind: 'reply', id: m.id, ok: true, result }),
          (e: unknown) => send({ kind: 'reply', id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
        );
        return;
      case 'command':
        command(data, m.command);
        return;
    }
  },
  getState: () => uiState,
  setState: (s: unknown) => {
    uiState = s;
  },
});

const light = window.matchMedia?.('(prefers-color-scheme: light)').matches;
document.body.classList.toggle('vscode-light', !!light);
document.body.classList.toggle('vscode-dark', !light);
// The theme's variables live on the root element, as in VS Code (the app derives its own from them on :root).
document.documentElement.classList.toggle('nc-shared-light', !!light);
document.documentElement.classList.toggle('nc-shared-dark', !light);
showBanner(data);
