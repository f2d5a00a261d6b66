/**
 * The static host of a shared replay file: stands where the VS Code extension
 * host stands for the Replay webview, answering the app's typed protocol
 * (src/protocol/replay.ts) from the data inlined in the page. It defines
 * `acquireVsCodeApi` before the app loads; the app itself is unchanged.
 * Commands that need a workspace (restore, run) say so; "open diff" shows
 * the step's changed files from the inlined contents. All text is text.
 */
import './static-host.css';
import {
  assertNever,
  isWebviewMessage,
  type HostMessage,
  type NodeDetail,
  type RequestResults,
  type WebviewCommand,
  type WebviewRequest,
} from '../../src/protocol/replay';
import type { SharedReplayData } from '../../src/core/share/data';
import { showDiff } from './diffDialog';
import { showBanner, toast } from './chrome';

const DATA_ID = 'nc-replay-data';

function readData(): SharedReplayData | null {
  const el = document.getElementById(DATA_ID);
  try {
    const data = JSON.parse(el?.textContent ?? 'null') as SharedReplayData;
    return data && data.format === 'nemocognition.shared-replay' && data.version === 1 ? data : null;
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

function nodeDetail(d: SharedReplayData, nodeId: string): NodeDetail | null {
  const node = d.bootstrap.detail?.nodes.find((n) => n.id === nodeId);
  if (!node) return null;
  const spans = (d.nodeSpans[nodeId] ?? []).map((id) => d.spans[id]).filter((s): s is NonNullable<typeof s> => !!s);
  return { node, spans, snapshot: d.snapshots[nodeId] ?? null };
}

function answer(d: SharedReplayData, r: WebviewRequest): RequestResults[WebviewRequest['method']] {
  switch (r.method) {
    case 'getRun':
      return d.bootstrap.detail && d.bootstrap.detail.run.id === r.runId ? d.bootstrap.detail : null;
    case 'getNodeDetail':
      return nodeDetail(d, r.nodeId);
    default:
      return assertNever(r);
  }
}

const NEEDS_WORKSPACE = 'This is a shared replay: open the workspace in VS Code with NemoCognition to do that.';

function command(d: SharedReplayData, c: WebviewCommand): void {
  switch (c.type) {
    case 'selectRun':
    case 'selectNode':
    case 'toggleBranch':
      return;
    case 'openDiff':
      showDiff(d, c.nodeId, c.path);
      return;
    case 'restoreNode':
    case 'restoreBranch':
    case 'runAgent':
    case 'cancelRun':
    case 'setApiKey':
    case 'showOutput':
    case 'openSettings':
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
        try {
          send({ kind: 'reply', id: m.id, ok: true, result: answer(data, m.request) });
        } catch (e) {
          send({ kind: 'reply', id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) });
        }
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
showBanner(data);
