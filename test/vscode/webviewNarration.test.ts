import assert from 'node:assert/strict';
import { NO_CAPABILITIES, PROTOCOL_VERSION } from '../../src/protocol/replay';
import { narrationOf, recordedNarration, showsLive } from '../../webview/src/model/narration';
import { initialState, reduce } from '../../webview/src/model/viewState';
import { mkBranch, mkNode, mkRun } from './fixtures';

// A recorded deny-and-recover run, with the attributes the core records on its decisions and recoveries.
const main = mkBranch('br_main', { label: 'main', status: 'failed', sealedAt: 140, sealReason: 'Kernel denied write /etc/x' });
const rec = mkBranch('br_rec', { label: 'recovery-1', parentNodeId: 'nd_snap', openedAt: 150, sealedAt: 190, sealReason: 'Done: README.md updated' });
const detail = {
  run: mkRun(),
  branches: [main, rec],
  nodes: [
    mkNode('nd_snap', 'br_main', 0, { kind: 'checkpoint' }),
    mkNode('nd_tool', 'br_main', 1, { startTime: 110 }),
    mkNode('nd_deny', 'br_main', 2, {
      kind: 'policy_decision',
      status: 'error',
      name: 'deny exec: echo > /etc/x',
      startTime: 120,
      attributes: { 'nemocognition.policy.decision': 'deny', 'nemocognition.policy.detail': 'write /etc/x', 'nemocognition.policy.source': 'kernel', 'nemocognition.policy.rule': 'kernel.fs.permission_denied' },
    }),
    mkNode('nd_r0', 'br_rec', 0, {
      kind: 'recovery',
      startTime: 160,
      attributes: { 'nemocognition.recovery.attempt': 1, 'nemocognition.recovery.fork_from': 'snapshot before exec', 'nemocognition.recovery.reason': 'a write was denied', 'nemocognition.recovery.sandbox': 'sb-rec-1' },
    }),
    mkNode('nd_say', 'br_rec', 1, { kind: 'narration', name: 'Writing the greeting', startTime: 170 }),
    mkNode('nd_turn', 'br_rec', 2, { kind: 'agent_turn', startTime: 155 }),
  ],
};

describe('webview narration', () => {
  it('tells a recorded run from its decisions, recoveries, narration nodes and branch seals, in time order', () => {
    assert.deepEqual(recordedNarration(detail), [
      { at: 120, text: '[main] Denied: write /etc/x (kernel kernel.fs.permission_denied)' },
      { at: 140, text: 'Branch main failed: Kernel denied write /etc/x' },
      { at: 160, text: 'Recovery 1: a write was denied; forked from snapshot before exec into sb-rec-1' },
      { at: 170, text: 'Writing the greeting' },
      { at: 190, text: 'Branch recovery-1 completed: Done: README.md updated' },
    ]);
  });

  it('leaves out branches still open and falls back to the node name without recovery attributes', () => {
    const open = { ...rec, status: 'open' as const, sealedAt: null, sealReason: null };
    const bare = mkNode('nd_r', 'br_rec', 0, { kind: 'recovery', name: 'recovery 1: fork from x', startTime: 160 });
    assert.deepEqual(recordedNarration({ ...detail, branches: [open], nodes: [bare] }), [{ at: 160, text: 'Recovery: recovery 1: fork from x' }]);
  });

  it('merges live lines by time only when asked, recorded first at equal times', () => {
    const live = [{ at: 120, text: 'Agent: trying /etc/x' }, { at: 100, text: 'Agent started' }];
    const merged = narrationOf(detail, live, true).map((l) => l.text);
    assert.equal(merged[0], 'Agent started');
    assert.deepEqual(merged.slice(1, 3), ['[main] Denied: write /etc/x (kernel kernel.fs.permission_denied)', 'Agent: trying /etc/x']);
    assert.equal(narrationOf(detail, live, false).length, 5);
    assert.deepEqual(narrationOf(null, live, true).map((l) => l.at), [100, 120]);
  });

  it('shows live lines with their own run, or with a run still starting', () => {
    assert.equal(showsLive('run_1', 'run_1', false), true);
    assert.equal(showsLive('run_2', 'run_1', true), false);
    assert.equal(showsLive('run_2', null, true), true);
    assert.equal(showsLive('run_2', null, false), false);
  });

  it('remembers which run the live narration belongs to after it ends, and starts afresh for the next run', () => {
    const boot = { protocolVersion: PROTOCOL_VERSION, workspaceName: 'ws', store: { status: 'ready' as const, message: null }, runs: [mkRun()], detail, active: null, narration: [], gutterEnabled: true, modelPreset: 'demo', capabilities: NO_CAPABILITIES, phoenixEndpoint: null };
    let s = reduce(initialState(), { type: 'host', message: { kind: 'bootstrap', state: boot } });
    const active = { task: 't', runId: 'run_1', phase: 'agent' as const, message: '', startedAt: 1 };
    s = reduce(s, { type: 'host', message: { kind: 'notify', notification: { type: 'activeRunChanged', active } } });
    s = reduce(s, { type: 'host', message: { kind: 'notify', notification: { type: 'narration', line: { at: 5, text: 'live' } } } });
    s = reduce(s, { type: 'host', message: { kind: 'notify', notification: { type: 'activeRunChanged', active: null } } });
    assert.equal(s.liveRunId, 'run_1');
    assert.deepEqual(s.narration.map((l) => l.text), ['live']);
    s = reduce(s, { type: 'host', message: { kind: 'notify', notification: { type: 'activeRunChanged', active: { ...active, runId: null, startedAt: 2 } } } });
    assert.deepEqual(s.narration, []);
    assert.equal(s.liveRunId, null);
  });
});
