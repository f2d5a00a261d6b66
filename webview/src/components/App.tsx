/**
 * The Replay view: run picker, branch toggles, the player (DAG, minimap,
 * scrubber), then the step at the playhead and the inspector's tabs, or two
 * branches side by side. Everything below the player follows the selection;
 * every piece of data comes through the bridge (the Replay protocol).
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import type { Node } from '../../../src/core/model/types';
import type { InspectorTab, NodeDetail } from '../../../src/protocol/replay';
import type { Bridge } from '../host/bridge';
import { useRequest } from '../hooks/useRequest';
import { narrationOf, showsLive } from '../model/narration';
import { buildRows } from '../model/rows';
import { RunModel } from '../model/runModel';
import { initialState, reduce } from '../model/viewState';
import { ActiveRunBar } from './ActiveRunBar';
import { BranchList } from './BranchList';
import { BranchToggles, defaultComparePair } from './BranchToggles';
import { ComparePane } from './ComparePane';
import { EmptyState } from './EmptyState';
import { ForkForm } from './ForkForm';
import { InspectorTabs } from './Inspector';
import { NarrationPane } from './NarrationPane';
import { Player } from './Player';
import { RunPicker } from './RunPicker';
import { StepHeader } from './StepHeader';
import { AttributesTab } from './tabs/AttributesTab';
import { AuditTab } from './tabs/AuditTab';
import { FilesTab } from './tabs/FilesTab';
import { MemoryTab } from './tabs/MemoryTab';
import { ModelTab } from './tabs/ModelTab';
import { PolicyTab } from './tabs/PolicyTab';

const EMPTY = new Set<string>();

/** The model call that asked for a step: the nearest earlier model call of its branch. */
function askingCall(model: RunModel, node: Node): Node | null {
  const lane = model.laneOf.get(node.branchId);
  let best: Node | null = null;
  for (const n of lane?.nodes ?? []) if (n.kind === 'model_call' && n.seq < node.seq && (!best || n.seq > best.seq)) best = n;
  return best;
}

export function App({ bridge }: { bridge: Bridge }) {
  const [state, dispatch] = useReducer(reduce, undefined, () => initialState(bridge.loadUiState()));
  const [nodeDetail, setNodeDetail] = useState<NodeDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [forking, setForking] = useState(false);
  const { ui, detail, capabilities } = state;

  useEffect(() => {
    const off = bridge.onMessage((message) => dispatch({ type: 'host', message }));
    bridge.ready();
    return off;
  }, [bridge]);

  useEffect(() => bridge.saveUiState(ui), [bridge, ui]);

  // Focus comes back where it was when the view is focused again (after a file pick was dismissed, say).
  useEffect(() => {
    let last: HTMLElement | null = null;
    const onIn = (e: FocusEvent) => (last = e.target as HTMLElement);
    const onWin = () => {
      if ((!document.activeElement || document.activeElement === document.body) && last?.isConnected) last.focus();
    };
    document.addEventListener('focusin', onIn);
    window.addEventListener('focus', onWin);
    return () => {
      document.removeEventListener('focusin', onIn);
      window.removeEventListener('focus', onWin);
    };
  }, []);

  useEffect(() => {
    const runId = ui.selectedRunId;
    if (!state.booted || !runId || detail?.run.id === runId) return;
    bridge.request('getRun', { runId }).then(
      (d) => dispatch({ type: 'detailLoaded', detail: d }),
      (e: Error) => setError(`Could not load the run: ${e.message}`),
    );
  }, [bridge, state.booted, ui.selectedRunId, detail?.run.id]);

  // The run model: laid out once per run, extended as nodes stream in.
  const modelRef = useRef<RunModel | null>(null);
  const model = useMemo(() => {
    const m = detail ? RunModel.update(modelRef.current, detail) : null;
    modelRef.current = m;
    return m;
  }, [detail]);
  const hidden = useMemo(() => (ui.hidden.length ? new Set(ui.hidden) : EMPTY), [ui.hidden]);
  const selected = (ui.selectedNodeId && model?.byId.get(ui.selectedNodeId)) || null;

  useEffect(() => {
    if (!selected) {
      setNodeDetail(null);
      return;
    }
    setError(null);
    let live = true;
    bridge.request('getNodeDetail', { nodeId: selected.id }).then(
      (d) => live && setNodeDetail(d),
      (e: Error) => live && setError(`Could not load the step: ${e.message}`),
    );
    return () => {
      live = false;
    };
  }, [bridge, selected?.id, selected?.endTime]);

  const tab = ui.tab;
  const changes = useRequest(selected && tab === 'files' && !ui.compare ? () => bridge.request('getChanges', { nodeId: selected.id, mode: ui.filesMode }) : null, [
    bridge,
    selected?.id,
    selected?.endTime,
    tab,
    ui.filesMode,
    !!ui.compare,
  ]);
  const memory = useRequest(selected && tab === 'memory' && !ui.compare ? () => bridge.request('getMemory', { nodeId: selected.id }) : null, [bridge, selected?.id, selected?.endTime, tab, !!ui.compare]);
  // What the compare's files are between: the two branch tips, or two steps the user picked in its columns.
  const [picked, setPicked] = useState<[string | null, string | null]>([null, null]);
  useEffect(() => setPicked([null, null]), [ui.compare?.[0], ui.compare?.[1]]);
  const pickedNode = (side: 0 | 1) => {
    const id = picked[side];
    const n = id && model ? model.byId.get(id) : undefined;
    return n && ui.compare && n.branchId === ui.compare[side] ? n : null;
  };
  const tips = ui.compare && model ? [pickedNode(0) ?? model.tip(ui.compare[0]), pickedNode(1) ?? model.tip(ui.compare[1])] : null;
  const compareFiles = useRequest(tips && tips[0] && tips[1] ? () => bridge.request('getCompare', { leftNodeId: tips[0]!.id, rightNodeId: tips[1]!.id }) : null, [bridge, tips?.[0]?.id, tips?.[1]?.id]);

  const collapsed = useMemo(() => new Set(ui.collapsed), [ui.collapsed]);
  const rows = useMemo(() => (detail && tab === 'steps' ? buildRows(detail, collapsed) : []), [detail, collapsed, tab]);
  const includeLive = showsLive(detail?.run.id ?? null, state.liveRunId, state.active !== null);
  const narration = useMemo(() => (tab === 'narration' ? narrationOf(detail, state.narration, includeLive) : []), [detail, state.narration, includeLive, tab]);

  const selectNode = useCallback((nodeId: string, opts?: { follow?: boolean }) => dispatch({ type: 'selectNode', nodeId, follow: opts?.follow }), []);

  // The host hears of every move of the playhead, the live run's included (the gutter follows it).
  const lastSent = useRef<string | null>(null);
  useEffect(() => {
    if (ui.selectedNodeId && ui.selectedNodeId !== lastSent.current) {
      lastSent.current = ui.selectedNodeId;
      bridge.command({ type: 'selectNode', nodeId: ui.selectedNodeId });
    }
  }, [bridge, ui.selectedNodeId]);

  if (!state.booted) return <p class="nc-muted nc-pad">Connecting to NemoCognition…</p>;

  const setTab = (t: InspectorTab) => dispatch({ type: 'setUi', patch: { tab: t } });
  const nothingYet = state.runs.length === 0 && !state.active;
  const live = !!state.active && state.active.runId === detail?.run.id;

  const renderTab = (t: InspectorTab) => {
    if (t === 'steps') {
      return detail ? (
        <BranchList
          rows={rows}
          selectedNodeId={ui.selectedNodeId}
          multiAgent={(model?.agents.length ?? 1) > 1}
          capabilities={capabilities}
          onSelectNode={(id) => selectNode(id)}
          onToggleBranch={(branchId) => {
            dispatch({ type: 'toggleBranch', branchId });
            bridge.command({ type: 'toggleBranch', branchId, expanded: collapsed.has(branchId) });
          }}
          onOpenDiff={(nodeId) => bridge.command({ type: 'openDiff', nodeId })}
          onRestoreBranch={(branchId) => bridge.command({ type: 'restoreBranch', branchId })}
        />
      ) : null;
    }
    if (t === 'narration') return <NarrationPane lines={narration} at={selected?.startTime ?? null} streaming={live && state.follow} />;
    if (!selected || !model) return <p class="nc-muted nc-pad">Select a step in the graph, the scrubber or the Steps tab.</p>;
    switch (t) {
      case 'model':
        return <ModelTab node={selected} asking={askingCall(model, selected)} onSelect={selectNode} />;
      case 'policy':
        return <PolicyTab node={selected} model={model} onSelect={selectNode} />;
      case 'audit':
        return <AuditTab node={selected} model={model} onSelect={selectNode} />;
      case 'memory':
        return <MemoryTab node={selected} model={model} memory={memory} onSelect={selectNode} />;
      case 'files':
        return (
          <FilesTab
            node={selected}
            mode={ui.filesMode}
            changes={changes}
            capabilities={capabilities}
            onMode={(m) => dispatch({ type: 'setUi', patch: { filesMode: m } })}
            onOpen={(path) => bridge.command({ type: 'openDiff', nodeId: selected.id, path, mode: ui.filesMode })}
            onOpenAll={() => bridge.command({ type: 'openChanges', nodeId: selected.id, mode: ui.filesMode })}
          />
        );
      case 'attributes':
        return <AttributesTab node={selected} detail={nodeDetail} />;
    }
  };

  return (
    <main class="nc-app">
      <h1 class="nc-visually-hidden">NemoCognition Replay{detail ? `: ${detail.run.task}` : ''}</h1>
      {state.active ? <ActiveRunBar active={state.active} bridge={bridge} canCancel={capabilities.run} /> : null}
      {nothingYet ? (
        <EmptyState bridge={bridge} store={state.store} modelPreset={state.modelPreset} capabilities={capabilities} />
      ) : (
        <>
          <RunPicker
            runs={state.runs}
            selectedRunId={ui.selectedRunId}
            onSelect={(runId) => {
              dispatch({ type: 'selectRun', runId });
              bridge.command({ type: 'selectRun', runId });
            }}
          />
          {error ? (
            <p class="nc-error-box" role="alert">
              {error}
            </p>
          ) : null}
          {detail && model ? (
            <>
              <BranchToggles
                model={model}
                hidden={hidden}
                comparing={!!ui.compare}
                onToggle={(branchId) => dispatch({ type: 'toggleHidden', branchId })}
                onCompare={() => dispatch({ type: 'setCompare', compare: ui.compare ? null : defaultComparePair(model) })}
              />
              <Player
                model={model}
                hidden={hidden}
                selectedId={ui.selectedNodeId}
                speed={ui.speed}
                compress={ui.compressGaps}
                live={live}
                following={state.follow}
                onSelect={selectNode}
                onSpeed={(speed) => dispatch({ type: 'setUi', patch: { speed } })}
                onCompress={(compressGaps) => dispatch({ type: 'setUi', patch: { compressGaps } })}
                onFollow={() => {
                  const last = model.last(hidden);
                  if (last) selectNode(last.id, { follow: true });
                }}
              />
              {ui.compare && model.laneOf.has(ui.compare[0]) && model.laneOf.has(ui.compare[1]) ? (
                <ComparePane
                  model={model}
                  pair={ui.compare}
                  selectedId={ui.selectedNodeId}
                  files={compareFiles}
                  capabilities={capabilities}
                  onPair={(compare) => dispatch({ type: 'setCompare', compare })}
                  ends={[tips?.[0]?.id ?? null, tips?.[1]?.id ?? null]}
                  picked={[!!pickedNode(0), !!pickedNode(1)]}
                  onPick={(side, nodeId) => setPicked((p) => (side === 0 ? [nodeId, p[1]] : [p[0], nodeId]))}
                  onSelect={selectNode}
                  onOpenFile={(path) => tips?.[0] && tips[1] && bridge.command({ type: 'openCompare', leftNodeId: tips[0].id, rightNodeId: tips[1].id, path })}
                  onOpenAll={() => tips?.[0] && tips[1] && bridge.command({ type: 'openCompare', leftNodeId: tips[0].id, rightNodeId: tips[1].id })}
                  onClose={() => dispatch({ type: 'setCompare', compare: null })}
                />
              ) : (
                <>
                  {selected ? (
                    <StepHeader
                      node={selected}
                      model={model}
                      detail={nodeDetail}
                      capabilities={capabilities}
                      phoenixEndpoint={state.phoenixEndpoint}
                      onFiles={() => setTab('files')}
                      onRestore={() => bridge.command({ type: 'restoreNode', nodeId: selected.id })}
                      onFork={() => setForking(true)}
                    />
                  ) : (
                    <p class="nc-muted nc-pad">Select a step: click the graph, drag the scrubber, or focus the scrubber and use ← →.</p>
                  )}
                  {forking && selected && capabilities.fork ? (
                    <ForkForm
                      key={selected.id}
                      node={selected}
                      branchLabel={model.laneOf.get(selected.branchId)?.branch.label ?? 'branch'}
                      running={state.active !== null}
                      onStart={(instruction) => {
                        bridge.command({ type: 'fork', nodeId: selected.id, instruction });
                        setForking(false);
                      }}
                      onCancel={() => setForking(false)}
                    />
                  ) : null}
                  <InspectorTabs tab={tab} onTab={setTab} render={renderTab} />
                </>
              )}
            </>
          ) : (
            <p class="nc-muted nc-pad">Loading run…</p>
          )}
        </>
      )}
    </main>
  );
}
