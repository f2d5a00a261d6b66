/** The Replay view: run picker, timeline, branch list, and inspector / narration tabs. */
import { useEffect, useMemo, useReducer, useState } from 'preact/hooks';
import type { NodeDetail } from '../../../src/protocol/replay';
import type { Bridge } from '../host/bridge';
import { narrationOf, showsLive } from '../model/narration';
import { buildRows } from '../model/rows';
import { initialState, reduce } from '../model/viewState';
import { ActiveRunBar } from './ActiveRunBar';
import { BranchList } from './BranchList';
import { EmptyState } from './EmptyState';
import { Inspector } from './Inspector';
import { NarrationPane } from './NarrationPane';
import { RunPicker } from './RunPicker';
import { Timeline } from './Timeline';

export function App({ bridge }: { bridge: Bridge }) {
  const [state, dispatch] = useReducer(reduce, undefined, () => initialState(bridge.loadUiState()));
  const [nodeDetail, setNodeDetail] = useState<NodeDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { ui, detail } = state;

  useEffect(() => {
    const off = bridge.onMessage((message) => dispatch({ type: 'host', message }));
    bridge.ready();
    return off;
  }, [bridge]);

  useEffect(() => bridge.saveUiState(ui), [bridge, ui]);

  // The selected run's branches and nodes, when the host has not pushed them already.
  useEffect(() => {
    const runId = ui.selectedRunId;
    if (!state.booted || !runId || detail?.run.id === runId) return;
    bridge.request('getRun', { runId }).then(
      (d) => dispatch({ type: 'detailLoaded', detail: d }),
      (e: Error) => setError(`Could not load the run: ${e.message}`),
    );
  }, [bridge, state.booted, ui.selectedRunId, detail?.run.id]);

  const selectedNode = useMemo(() => detail?.nodes.find((n) => n.id === ui.selectedNodeId) ?? null, [detail, ui.selectedNodeId]);

  useEffect(() => {
    if (!selectedNode) {
      setNodeDetail(null);
      return;
    }
    setError(null);
    let live = true;
    bridge.request('getNodeDetail', { nodeId: selectedNode.id }).then(
      (d) => live && setNodeDetail(d),
      (e: Error) => live && setError(`Could not load the step: ${e.message}`),
    );
    return () => {
      live = false;
    };
    // Re-ask when the node closes (endTime changes), so the inspector shows the result.
  }, [bridge, selectedNode?.id, selectedNode?.endTime]);

  const collapsed = useMemo(() => new Set(ui.collapsed), [ui.collapsed]);
  const rows = useMemo(() => (detail ? buildRows(detail, collapsed) : []), [detail, collapsed]);
  const includeLive = showsLive(detail?.run.id ?? null, state.liveRunId, state.active !== null);
  const narration = useMemo(() => narrationOf(detail, state.narration, includeLive), [detail, state.narration, includeLive]);

  if (!state.booted) return <p class="nc-muted nc-pad">Connecting to NemoCognition…</p>;

  const selectNode = (nodeId: string) => {
    dispatch({ type: 'selectNode', nodeId });
    bridge.command({ type: 'selectNode', nodeId });
  };
  const openDiff = (nodeId: string) => bridge.command({ type: 'openDiff', nodeId });
  const restoreNode = (nodeId: string) => bridge.command({ type: 'restoreNode', nodeId });

  const nothingYet = state.runs.length === 0 && !state.active;
  return (
    <main class="nc-app">
      {state.active ? <ActiveRunBar active={state.active} bridge={bridge} /> : null}
      {nothingYet ? (
        <EmptyState bridge={bridge} store={state.store} modelPreset={state.modelPreset} />
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
          {detail ? <Timeline nodes={detail.nodes} selectedNodeId={ui.selectedNodeId} onSelect={selectNode} /> : null}
          {detail ? (
            <BranchList
              rows={rows}
              selectedNodeId={ui.selectedNodeId}
              onSelectNode={selectNode}
              onToggleBranch={(branchId) => {
                dispatch({ type: 'toggleBranch', branchId });
                bridge.command({ type: 'toggleBranch', branchId, expanded: collapsed.has(branchId) });
              }}
              onOpenDiff={openDiff}
              onRestoreBranch={(branchId) => bridge.command({ type: 'restoreBranch', branchId })}
            />
          ) : (
            <p class="nc-muted nc-pad">Loading run…</p>
          )}
          <vscode-tabs class="nc-tabs">
            <vscode-tab-header slot="header">Inspector</vscode-tab-header>
            <vscode-tab-panel>
              <Inspector node={selectedNode} detail={nodeDetail} error={error} onRestore={restoreNode} onOpenDiff={openDiff} />
            </vscode-tab-panel>
            <vscode-tab-header slot="header">Narration</vscode-tab-header>
            <vscode-tab-panel>
              <NarrationPane lines={narration} />
            </vscode-tab-panel>
          </vscode-tabs>
        </>
      )}
    </main>
  );
}
