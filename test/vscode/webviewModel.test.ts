import assert from 'node:assert/strict';
import { EMPTY_UI_STATE, PROTOCOL_VERSION, type ReplayBootstrap } from '../../src/protocol/replay';
import { buildRows, moveSelection } from '../../webview/src/model/rows';
import { branchMeta } from '../../webview/src/model/format';
import { initialState, MAX_NARRATION, reduce } from '../../webview/src/model/viewState';
import { mkBranch, mkNode, mkRun } from './fixtures';

// A run as the deny-and-recover scenario records it: the main branch fails on a denial,
// and a recovery branch forks from its first snapshot.
const main = mkBranch('br_main', { status: 'failed', sealReason: 'Kernel denied write /etc/x', openedAt: 100 });
const rec = mkBranch('br_rec', { parentNodeId: 'nd_snap', parentBranchId: 'br_main', label: 'recovery-1', openedAt: 150 });
const nodes = [
  mkNode('nd_snap', 'br_main', 0, { kind: 'checkpoint', snapshotId: 'snap_1' }),
  mkNode('nd_tool', 'br_main', 1),
  mkNode('nd_deny', 'br_main', 2, { kind: 'policy_decision', parentNodeId: 'nd_tool', status: 'error' }),
  mkNode('nd_r0', 'br_rec', 0, { startTime: 160 }),
  mkNode('nd_r1', 'br_rec', 1, { kind: 'checkpoint', snapshotId: 'snap_2', startTime: 170 }),
];
const detail = { run: mkRun(), branches: [rec, main], nodes };

describe('webview model', () => {
  describe('buildRows', () => {
    it("lists the failed branch's own steps together, then its recovery one level deeper, saying where it forked", () => {
      const rows = buildRows(detail, new Set());
      assert.deepEqual(
        rows.map((r) => (r.type === 'branch' ? `B ${r.branch.id} ${r.depth}` : `N ${r.node.id} ${r.depth}`)),
        ['B br_main 0', 'N nd_snap 1', 'N nd_tool 1', 'N nd_deny 2', 'B br_rec 1', 'N nd_r0 2', 'N nd_r1 2'],
      );
      const snapRow = rows.find((r) => r.type === 'node' && r.node.id === 'nd_snap');
      assert.equal(snapRow?.type === 'node' && snapRow.forks, 1, 'the fork node still carries a fork marker');
      const recRow = rows.find((r) => r.type === 'branch' && r.branch.id === 'br_rec');
      assert.deepEqual(recRow?.type === 'branch' && recRow.forkedFrom, { nodeId: 'nd_snap', step: 1, name: 'nd_snap' });
      const mainRow = rows.find((r) => r.type === 'branch' && r.branch.id === 'br_main');
      assert.equal(mainRow?.type === 'branch' && mainRow.forkedFrom, null);
    });

    it('keeps start times non-decreasing within each branch for a recorded deny-and-recover run', () => {
      const rows = buildRows(detail, new Set());
      let last = -Infinity;
      for (const r of rows) {
        if (r.type === 'branch') last = -Infinity;
        else {
          assert.ok(r.node.startTime >= last, `${r.node.id} starts before the step above it`);
          last = r.node.startTime;
        }
      }
    });

    it('orders steps by seq, with an agent turn (recorded last) listed where it started and its steps nested under it', () => {
      const turn = mkNode('nd_turn', 'br_main', 3, { kind: 'agent_turn', startTime: 100.5, endTime: 400 });
      const rows = buildRows({ ...detail, nodes: [turn, ...[...nodes].reverse()] }, new Set());
      const main = rows.filter((r) => r.type === 'node' && r.node.branchId === 'br_main').map((r) => (r.type === 'node' ? `${r.node.id}:${r.depth}` : ''));
      assert.deepEqual(main, ['nd_snap:1', 'nd_turn:1', 'nd_tool:2', 'nd_deny:3']);
    });

    it("lists a turn first in a branch that starts without a snapshot (a pair's hand-over turn starts with a model call)", () => {
      const rev = mkBranch('br_rev', { agentId: 'reviewer', label: 'reviewer-1', parentNodeId: 'nd_snap', parentBranchId: 'br_main', openedAt: 120 });
      const revNodes = [
        mkNode('nd_call', 'br_rev', 0, { kind: 'model_call', startTime: 140 }),
        mkNode('nd_cat', 'br_rev', 1, { startTime: 141 }),
        mkNode('nd_rturn', 'br_rev', 2, { kind: 'agent_turn', startTime: 121, endTime: 150 }),
      ];
      const rows = buildRows({ ...detail, branches: [...detail.branches, rev], nodes: [...nodes, ...revNodes] }, new Set());
      const ids = rows.filter((r) => r.type === 'node' && r.node.branchId === 'br_rev').map((r) => (r.type === 'node' ? r.node.id : ''));
      assert.deepEqual(ids, ['nd_rturn', 'nd_call', 'nd_cat']);
    });

    it('places a branch forked from a recovery under that recovery, after its steps', () => {
      const rec2 = mkBranch('br_rec2', { parentNodeId: 'nd_r1', parentBranchId: 'br_rec', label: 'recovery-2', openedAt: 180 });
      const rows = buildRows({ ...detail, branches: [rec2, ...detail.branches] }, new Set());
      assert.deepEqual(
        rows.map((r) => (r.type === 'branch' ? `B ${r.branch.id} ${r.depth}` : `N ${r.node.id}`)),
        ['B br_main 0', 'N nd_snap', 'N nd_tool', 'N nd_deny', 'B br_rec 1', 'N nd_r0', 'N nd_r1', 'B br_rec2 2'],
      );
    });

    it('folds a collapsed branch but keeps the branch row and its forks', () => {
      const rows = buildRows(detail, new Set(['br_main']));
      assert.deepEqual(
        rows.map((r) => (r.type === 'branch' ? r.branch.id : r.node.id)),
        ['br_main', 'br_rec', 'nd_r0', 'nd_r1'],
      );
    });

    it('shows a branch whose fork node is unknown at the top level instead of losing it', () => {
      const orphan = mkBranch('br_orphan', { parentNodeId: 'nd_missing', openedAt: 300 });
      const rows = buildRows({ ...detail, branches: [...detail.branches, orphan] }, new Set());
      assert.ok(rows.some((r) => r.type === 'branch' && r.branch.id === 'br_orphan' && r.depth === 0));
    });

    it('does not loop on a malformed cycle, and still shows both branches', () => {
      const a = mkBranch('br_a', { parentNodeId: 'nd_b' });
      const b = mkBranch('br_b', { parentNodeId: 'nd_a' });
      const rows = buildRows({ run: mkRun(), branches: [a, b], nodes: [mkNode('nd_a', 'br_a', 0), mkNode('nd_b', 'br_b', 0)] }, new Set());
      const branchRows = rows.filter((r) => r.type === 'branch').map((r) => (r.type === 'branch' ? r.branch.id : ''));
      assert.deepEqual(branchRows.sort(), ['br_a', 'br_b']);
    });
  });

  describe('branchMeta', () => {
    it('names the agent only when the label does not already say it', () => {
      assert.equal(branchMeta('main', 'main', 8), '8 steps');
      assert.equal(branchMeta('recovery-1', 'main', 1), 'main · 1 step');
    });
  });

  describe('moveSelection', () => {
    const rows = buildRows(detail, new Set());
    it('moves over steps only, clamped at the ends', () => {
      assert.equal(moveSelection(rows, null, 'ArrowDown'), 'nd_snap');
      assert.equal(moveSelection(rows, 'nd_snap', 'ArrowDown'), 'nd_tool');
      assert.equal(moveSelection(rows, 'nd_deny', 'ArrowDown'), 'nd_r0');
      assert.equal(moveSelection(rows, 'nd_r1', 'ArrowDown'), 'nd_r1');
      assert.equal(moveSelection(rows, 'nd_snap', 'ArrowUp'), 'nd_snap');
      assert.equal(moveSelection(rows, 'nd_r0', 'End'), 'nd_r1');
      assert.equal(moveSelection(rows, 'nd_deny', 'Home'), 'nd_snap');
      assert.equal(moveSelection([], null, 'ArrowDown'), null);
    });
  });

  describe('reduce', () => {
    const boot: ReplayBootstrap = {
      protocolVersion: PROTOCOL_VERSION,
      workspaceName: 'ws',
      store: { status: 'ready', message: null },
      runs: [mkRun()],
      detail,
      active: null,
      narration: [],
      gutterEnabled: true,
      modelPreset: 'demo',
      capabilities: { restore: true, diff: true, workspace: true, fork: true, run: true },
      phoenixEndpoint: null,
    };

    it('boots, selects the bootstrap run and keeps a persisted selection that still exists', () => {
      const s = reduce(initialState({ ...EMPTY_UI_STATE, selectedRunId: 'run_gone' }), { type: 'host', message: { kind: 'bootstrap', state: boot } });
      assert.equal(s.booted, true);
      assert.equal(s.ui.selectedRunId, 'run_1');
      assert.equal(s.detail?.run.id, 'run_1');
    });

    it('upserts appended and closed nodes of the shown run and ignores other runs', () => {
      let s = reduce(initialState(), { type: 'host', message: { kind: 'bootstrap', state: boot } });
      const open = mkNode('nd_new', 'br_rec', 2, { endTime: null, status: 'unset' });
      s = reduce(s, { type: 'host', message: { kind: 'notify', notification: { type: 'nodeAppended', node: open } } });
      s = reduce(s, { type: 'host', message: { kind: 'notify', notification: { type: 'nodeAppended', node: { ...open, endTime: 500, status: 'ok' } } } });
      const got = s.detail!.nodes.filter((n) => n.id === 'nd_new');
      assert.equal(got.length, 1);
      assert.equal(got[0]!.endTime, 500);
      const other = reduce(s, { type: 'host', message: { kind: 'notify', notification: { type: 'nodeAppended', node: { ...open, id: 'nd_x', runId: 'run_2' } } } });
      assert.equal(other, s);
    });

    it('bounds the narration it keeps', () => {
      let s = initialState();
      for (let i = 0; i < MAX_NARRATION + 20; i++) s = reduce(s, { type: 'host', message: { kind: 'notify', notification: { type: 'narration', line: { at: i, text: `l${i}` } } } });
      assert.equal(s.narration.length, MAX_NARRATION);
      assert.equal(s.narration.at(-1)!.text, `l${MAX_NARRATION + 19}`);
    });

    it('ignores a stale run detail reply for a run no longer selected', () => {
      let s = reduce(initialState(), { type: 'host', message: { kind: 'bootstrap', state: boot } });
      s = reduce(s, { type: 'selectRun', runId: 'run_2' });
      assert.equal(reduce(s, { type: 'detailLoaded', detail }), s);
    });

    it('follows a run of this window as soon as it has an id', () => {
      let s = reduce(initialState(), { type: 'host', message: { kind: 'bootstrap', state: boot } });
      const active = { task: 't', runId: null, phase: 'starting' as const, message: '', startedAt: 1 };
      s = reduce(s, { type: 'host', message: { kind: 'notify', notification: { type: 'activeRunChanged', active } } });
      assert.equal(s.ui.selectedRunId, 'run_1');
      s = reduce(s, { type: 'host', message: { kind: 'notify', notification: { type: 'activeRunChanged', active: { ...active, runId: 'run_new' } } } });
      assert.equal(s.ui.selectedRunId, 'run_new');
      assert.equal(s.detail, null);
      const live = { ...detail, run: mkRun('run_new') };
      s = reduce(s, { type: 'host', message: { kind: 'notify', notification: { type: 'runUpdated', detail: live } } });
      assert.equal(s.detail?.run.id, 'run_new');
      assert.deepEqual(s.runs.map((r) => r.id), ['run_new', 'run_1']);
    });

    it('toggles branch folding and reveals a node from the host', () => {
      let s = reduce(initialState(), { type: 'toggleBranch', branchId: 'br_main' });
      assert.deepEqual(s.ui.collapsed, ['br_main']);
      s = reduce(s, { type: 'toggleBranch', branchId: 'br_main' });
      assert.deepEqual(s.ui.collapsed, []);
      s = reduce(s, { type: 'host', message: { kind: 'notify', notification: { type: 'revealNode', runId: 'run_1', nodeId: 'nd_tool' } } });
      assert.equal(s.ui.selectedNodeId, 'nd_tool');
    });
  });

});
