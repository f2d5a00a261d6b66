import assert from 'node:assert/strict';
import { isHostMessage, isUiState, isWebviewMessage, PROTOCOL_VERSION, RESULT_GUARDS } from '../../src/protocol/replay';
import type { Branch, Node, Run } from '../../src/core/model/types';

const run: Run = {
  id: 'run_abc',
  task: 'fix the bug',
  workspace: '/w',
  baselineSnapshotId: 'snap_1',
  status: 'running',
  startedAt: 1,
  endedAt: null,
  driver: 'local',
  meta: { a: 1, tags: ['x', 'y'] },
};
const branch: Branch = {
  id: 'br_1',
  runId: 'run_abc',
  parentNodeId: null,
  parentBranchId: null,
  agentId: 'main',
  label: 'main',
  sandbox: '/tmp/sb',
  status: 'failed',
  openedAt: 1,
  sealedAt: 2,
  sealReason: 'denied write /etc/x',
};
const node: Node = {
  id: 'nd_1',
  runId: 'run_abc',
  branchId: 'br_1',
  seq: 0,
  kind: 'tool_call',
  name: 'exec: ls',
  parentNodeId: null,
  startTime: 1,
  endTime: null,
  status: 'unset',
  snapshotId: null,
  attributes: { 'tool.name': 'exec' },
};

describe('replay protocol guards', () => {
  describe('webview -> host', () => {
    it('accepts well-formed ready, commands and requests', () => {
      assert.ok(isWebviewMessage({ kind: 'ready', protocolVersion: PROTOCOL_VERSION }));
      assert.ok(isWebviewMessage({ kind: 'command', command: { type: 'restoreNode', nodeId: 'nd_1' } }));
      assert.ok(isWebviewMessage({ kind: 'command', command: { type: 'openDiff', nodeId: 'nd_1', path: 'src/a.ts' } }));
      assert.ok(isWebviewMessage({ kind: 'command', command: { type: 'toggleBranch', branchId: 'br_1', expanded: false } }));
      assert.ok(isWebviewMessage({ kind: 'request', id: 7, request: { method: 'getNodeDetail', nodeId: 'nd_1' } }));
    });

    it('refuses unknown kinds, commands and methods', () => {
      assert.equal(isWebviewMessage({ kind: 'eval', code: '1' }), false);
      assert.equal(isWebviewMessage({ kind: 'command', command: { type: 'deleteEverything' } }), false);
      assert.equal(isWebviewMessage({ kind: 'request', id: 1, request: { method: 'readFile', path: '/etc/passwd' } }), false);
      assert.equal(isWebviewMessage(null), false);
      assert.equal(isWebviewMessage('ready'), false);
      assert.equal(isWebviewMessage([{ kind: 'ready', protocolVersion: 1 }]), false);
    });

    it('refuses malformed ids and request ids', () => {
      assert.equal(isWebviewMessage({ kind: 'command', command: { type: 'restoreNode', nodeId: '' } }), false);
      assert.equal(isWebviewMessage({ kind: 'command', command: { type: 'restoreNode', nodeId: 42 } }), false);
      assert.equal(isWebviewMessage({ kind: 'command', command: { type: 'restoreNode', nodeId: 'a b' } }), false);
      assert.equal(isWebviewMessage({ kind: 'command', command: { type: 'restoreNode', nodeId: 'x'.repeat(201) } }), false);
      assert.equal(isWebviewMessage({ kind: 'request', id: -1, request: { method: 'getRun', runId: 'r' } }), false);
      assert.equal(isWebviewMessage({ kind: 'request', id: 1.5, request: { method: 'getRun', runId: 'r' } }), false);
      assert.equal(isWebviewMessage({ kind: 'request', id: '1', request: { method: 'getRun', runId: 'r' } }), false);
    });

    it('refuses diff paths that escape the workspace', () => {
      for (const path of ['../etc/passwd', '/etc/passwd', 'a/../../b', 'C:/x', 'a\\b', 'a//b', './a', '']) {
        assert.equal(isWebviewMessage({ kind: 'command', command: { type: 'openDiff', nodeId: 'nd_1', path } }), false, path);
      }
    });
  });

  describe('host -> webview', () => {
    const boot = {
      protocolVersion: PROTOCOL_VERSION,
      workspaceName: 'ws',
      store: { status: 'ready', message: null },
      runs: [run],
      detail: { run, branches: [branch], nodes: [node] },
      active: null,
      narration: [{ at: 1, text: 'hello' }],
      gutterEnabled: true,
      modelPreset: 'demo',
    };

    it('accepts a well-formed bootstrap and notifications', () => {
      assert.ok(isHostMessage({ kind: 'bootstrap', state: boot }));
      assert.ok(isHostMessage({ kind: 'notify', notification: { type: 'nodeAppended', node } }));
      assert.ok(isHostMessage({ kind: 'notify', notification: { type: 'narration', line: { at: 2, text: 'x' } } }));
      assert.ok(isHostMessage({ kind: 'notify', notification: { type: 'activeRunChanged', active: null } }));
      assert.ok(isHostMessage({ kind: 'reply', id: 1, ok: false, error: 'nope' }));
      assert.ok(isHostMessage({ kind: 'reply', id: 1, ok: true, result: null }));
    });

    it('refuses a bootstrap of another protocol version or with a malformed node', () => {
      assert.equal(isHostMessage({ kind: 'bootstrap', state: { ...boot, protocolVersion: 99 } }), false);
      const badNode = { ...node, kind: 'script' };
      assert.equal(isHostMessage({ kind: 'bootstrap', state: { ...boot, detail: { run, branches: [branch], nodes: [badNode] } } }), false);
      assert.equal(isHostMessage({ kind: 'notify', notification: { type: 'nodeAppended', node: { ...node, attributes: { x: { nested: 1 } } } } }), false);
      assert.equal(isHostMessage({ kind: 'notify', notification: { type: 'nodeAppended', node: { ...node, attributes: { x: [1, 'a'] } } } }), false);
      assert.equal(isHostMessage({ kind: 'notify', notification: { type: 'runsChanged', runs: [{ ...run, status: 'exploded' }] } }), false);
      assert.equal(isHostMessage({ kind: 'notify', notification: { type: 'html', html: '<b>x</b>' } }), false);
    });

    it('checks reply results against the method asked', () => {
      assert.ok(RESULT_GUARDS.getRun({ run, branches: [branch], nodes: [node] }));
      assert.ok(RESULT_GUARDS.getRun(null));
      assert.equal(RESULT_GUARDS.getRun({ run, branches: 'x', nodes: [] }), false);
      assert.ok(RESULT_GUARDS.getNodeDetail({ node, spans: [], snapshot: null }));
      assert.equal(RESULT_GUARDS.getNodeDetail({ node, spans: [{ spanId: 1 }], snapshot: null }), false);
    });
  });

  it('validates persisted UI state', () => {
    assert.ok(isUiState({ v: 1, selectedRunId: null, selectedNodeId: 'nd_1', collapsed: ['br_1'] }));
    assert.equal(isUiState({ v: 2, selectedRunId: null, selectedNodeId: null, collapsed: [] }), false);
    assert.equal(isUiState({ v: 1, selectedRunId: null, selectedNodeId: null, collapsed: [1] }), false);
    assert.equal(isUiState(undefined), false);
  });
});
