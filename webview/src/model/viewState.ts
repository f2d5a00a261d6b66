/**
 * The webview's state and how host messages change it (a pure reducer, so
 * the panes re-render from one model and the logic is testable).
 */
import type { Node, Run } from '../../../src/core/model/types';
import {
  EMPTY_UI_STATE,
  NO_CAPABILITIES,
  type ActiveRunView,
  type HostCapabilities,
  type HostMessage,
  type NarrationLine,
  type ReplayUiState,
  type RunDetail,
  type StoreStatus,
} from '../../../src/protocol/replay';

export const MAX_NARRATION = 500;

export interface ViewState {
  booted: boolean;
  workspaceName: string | null;
  store: { status: StoreStatus; message: string | null };
  runs: Run[];
  detail: RunDetail | null;
  active: ActiveRunView | null;
  narration: NarrationLine[];
  /** The run the live narration belongs to: kept after the run ends so its lines stay with it. */
  liveRunId: string | null;
  gutterEnabled: boolean;
  modelPreset: string;
  capabilities: HostCapabilities;
  phoenixEndpoint: string | null;
  /** While a run is live, the playhead follows its newest step until the user moves it. */
  follow: boolean;
  ui: ReplayUiState;
}

export function initialState(ui: ReplayUiState = EMPTY_UI_STATE): ViewState {
  return {
    booted: false,
    workspaceName: null,
    store: { status: 'missing', message: null },
    runs: [],
    detail: null,
    active: null,
    narration: [],
    liveRunId: null,
    gutterEnabled: true,
    modelPreset: 'nim-nemotron',
    capabilities: NO_CAPABILITIES,
    phoenixEndpoint: null,
    follow: true,
    ui,
  };
}

export type Action =
  | { type: 'host'; message: Exclude<HostMessage, { kind: 'reply' }> }
  | { type: 'selectRun'; runId: string }
  /** `follow`: the user went to the newest step (End), so keep following. */
  | { type: 'selectNode'; nodeId: string | null; follow?: boolean }
  | { type: 'toggleBranch'; branchId: string }
  | { type: 'toggleHidden'; branchId: string }
  | { type: 'setCompare'; compare: [string, string] | null }
  | { type: 'setUi'; patch: Partial<Pick<ReplayUiState, 'speed' | 'compressGaps' | 'filesMode' | 'tab'>> }
  | { type: 'detailLoaded'; detail: RunDetail | null };

export function reduce(s: ViewState, a: Action): ViewState {
  switch (a.type) {
    case 'selectRun':
      if (s.ui.selectedRunId === a.runId) return s;
      return { ...s, ui: { ...s.ui, selectedRunId: a.runId, selectedNodeId: null } };
    case 'selectNode':
      return { ...s, follow: a.follow ?? false, ui: { ...s.ui, selectedNodeId: a.nodeId } };
    case 'toggleHidden': {
      const hidden = s.ui.hidden.includes(a.branchId) ? s.ui.hidden.filter((b) => b !== a.branchId) : [...s.ui.hidden, a.branchId];
      return { ...s, ui: { ...s.ui, hidden } };
    }
    case 'setCompare':
      return { ...s, ui: { ...s.ui, compare: a.compare } };
    case 'setUi':
      return { ...s, ui: { ...s.ui, ...a.patch } };
    case 'toggleBranch': {
      const collapsed = s.ui.collapsed.includes(a.branchId) ? s.ui.collapsed.filter((b) => b !== a.branchId) : [...s.ui.collapsed, a.branchId];
      return { ...s, ui: { ...s.ui, collapsed } };
    }
    case 'detailLoaded':
      if (a.detail && a.detail.run.id !== s.ui.selectedRunId) return s; // a stale reply for a run no longer selected
      return { ...s, detail: a.detail };
    case 'host':
      return onHost(s, a.message);
  }
}

function onHost(s: ViewState, m: Exclude<HostMessage, { kind: 'reply' }>): ViewState {
  if (m.kind === 'bootstrap') {
    const b = m.state;
    const knownRun = (id: string | null) => (id && b.runs.some((r) => r.id === id) ? id : null);
    const selectedRunId = knownRun(s.ui.selectedRunId) ?? b.detail?.run.id ?? b.runs[0]?.id ?? null;
    return {
      ...s,
      booted: true,
      workspaceName: b.workspaceName,
      store: b.store,
      runs: b.runs,
      detail: b.detail && b.detail.run.id === selectedRunId ? b.detail : s.detail?.run.id === selectedRunId ? s.detail : b.detail,
      active: b.active,
      narration: b.narration.slice(-MAX_NARRATION),
      liveRunId: b.active?.runId ?? (b.narration.length ? s.liveRunId : null),
      gutterEnabled: b.gutterEnabled,
      modelPreset: b.modelPreset,
      capabilities: b.capabilities,
      phoenixEndpoint: b.phoenixEndpoint,
      follow: b.active !== null && !s.ui.selectedNodeId,
      ui: { ...s.ui, selectedRunId },
    };
  }
  const n = m.notification;
  switch (n.type) {
    case 'runsChanged': {
      const selectedRunId = s.ui.selectedRunId ?? n.runs[0]?.id ?? null;
      return { ...s, runs: n.runs, ui: { ...s.ui, selectedRunId } };
    }
    case 'runUpdated': {
      const runs = upsertRun(s.runs, n.detail.run);
      if (s.ui.selectedRunId && s.ui.selectedRunId !== n.detail.run.id) return { ...s, runs };
      return { ...s, runs, detail: n.detail, ui: { ...s.ui, selectedRunId: n.detail.run.id } };
    }
    case 'nodeAppended': {
      if (!s.detail || s.detail.run.id !== n.node.runId) return s;
      const isNew = !s.detail.nodes.some((x) => x.id === n.node.id);
      const detail = { ...s.detail, nodes: upsertNode(s.detail.nodes, n.node) };
      // Following a live run: the playhead moves to a new step, never back in time (an agent turn is
      // appended when it ends but starts at the turn's start), and never onto a hidden branch.
      const current = s.ui.selectedNodeId ? s.detail.nodes.find((x) => x.id === s.ui.selectedNodeId) : undefined;
      const follows = s.follow && isNew && !s.ui.hidden.includes(n.node.branchId) && (!current || n.node.startTime >= current.startTime);
      return follows ? { ...s, detail, ui: { ...s.ui, selectedNodeId: n.node.id } } : { ...s, detail };
    }
    case 'narration': {
      const narration = [...s.narration, n.line];
      return { ...s, narration: narration.length > MAX_NARRATION ? narration.slice(-MAX_NARRATION) : narration };
    }
    case 'activeRunChanged': {
      // A new run's narration starts afresh; the previous run's lines are in its recording.
      const fresh = !!n.active && n.active.startedAt !== s.active?.startedAt && (s.active !== null || s.liveRunId !== null);
      const base = fresh ? { ...s, narration: [], liveRunId: null } : s;
      const liveRunId = n.active?.runId ?? base.liveRunId;
      // A run that just got its id is what the user wants to watch: follow it.
      const newRunId = n.active?.runId;
      if (newRunId && newRunId !== s.active?.runId && newRunId !== s.ui.selectedRunId) {
        return { ...base, active: n.active, liveRunId, follow: true, detail: null, ui: { ...s.ui, selectedRunId: newRunId, selectedNodeId: null } };
      }
      // A run (or a fork) starting: follow it.
      const starting = n.active !== null && s.active === null;
      return { ...base, active: n.active, liveRunId, follow: starting ? true : s.follow };
    }
    case 'revealNode':
      return { ...s, ui: { ...s.ui, selectedRunId: n.runId, selectedNodeId: n.nodeId } };
    case 'storeStatus':
      return { ...s, store: { status: n.status, message: n.message } };
    case 'settingsChanged':
      return { ...s, gutterEnabled: n.gutterEnabled, modelPreset: n.modelPreset, phoenixEndpoint: n.phoenixEndpoint };
  }
}

function upsertRun(runs: Run[], run: Run): Run[] {
  const i = runs.findIndex((r) => r.id === run.id);
  if (i < 0) return [run, ...runs];
  const copy = runs.slice();
  copy[i] = run;
  return copy;
}

/** A node is appended once and may be closed later: the later copy replaces the earlier one. */
function upsertNode(nodes: Node[], node: Node): Node[] {
  const i = nodes.findIndex((x) => x.id === node.id);
  if (i < 0) return [...nodes, node];
  const copy = nodes.slice();
  copy[i] = node;
  return copy;
}
