import assert from 'node:assert/strict';
import { EMPTY_UI_STATE, isHostMessage, isPhoenixEndpoint, isUiState, isWebviewMessage, PROTOCOL_VERSION, RESULT_GUARDS, upgradeUiState } from '../../src/protocol/replay';
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
      capabilities: { restore: true, diff: true, workspace: true, fork: true, run: true },
      phoenixEndpoint: 'http://127.0.0.1:6006',
    };

    it('refuses a bootstrap whose Phoenix endpoint is not http(s) or whose capabilities are missing', () => {
      assert.equal(isHostMessage({ kind: 'bootstrap', state: { ...boot, phoenixEndpoint: 'javascript:alert(1)' } }), false);
      assert.equal(isHostMessage({ kind: 'bootstrap', state: { ...boot, capabilities: { restore: true } } }), false);
    });

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

  it('validates persisted UI state and upgrades the version-1 state', () => {
    assert.ok(isUiState({ ...EMPTY_UI_STATE, selectedNodeId: 'nd_1', collapsed: ['br_1'], hidden: ['br_2'], compare: ['br_1', 'br_2'], speed: 8 }));
    assert.equal(isUiState({ v: 2, selectedRunId: null, selectedNodeId: null, collapsed: [] }), false);
    assert.equal(isUiState({ ...EMPTY_UI_STATE, speed: 3 }), false, 'only the offered speeds');
    assert.equal(isUiState({ ...EMPTY_UI_STATE, tab: 'html' }), false);
    assert.equal(isUiState({ ...EMPTY_UI_STATE, compare: ['a b', 'c'] }), false);
    assert.equal(isUiState(undefined), false);
    assert.deepEqual(upgradeUiState({ v: 1, selectedRunId: 'run_1', selectedNodeId: 'nd_1', collapsed: ['br_1'] }), { ...EMPTY_UI_STATE, selectedRunId: 'run_1', selectedNodeId: 'nd_1', collapsed: ['br_1'] });
    assert.equal(upgradeUiState({ v: 1, selectedRunId: null, selectedNodeId: null, collapsed: [1] }), null);
  });

  describe('version 2: files changed, memory, compare, fork, capabilities', () => {
    it('accepts the new commands and requests, with modes from the list only', () => {
      assert.ok(isWebviewMessage({ kind: 'command', command: { type: 'openDiff', nodeId: 'nd_1', path: 'a.ts', mode: 'step' } }));
      assert.ok(isWebviewMessage({ kind: 'command', command: { type: 'openChanges', nodeId: 'nd_1', mode: 'workspace' } }));
      assert.ok(isWebviewMessage({ kind: 'command', command: { type: 'openCompare', leftNodeId: 'nd_1', rightNodeId: 'nd_2' } }));
      assert.ok(isWebviewMessage({ kind: 'command', command: { type: 'fork', nodeId: 'nd_1', instruction: 'do it inside the workspace' } }));
      assert.ok(isWebviewMessage({ kind: 'command', command: { type: 'checkSetup' } }));
      assert.ok(isWebviewMessage({ kind: 'request', id: 2, request: { method: 'getChanges', nodeId: 'nd_1', mode: 'step' } }));
      assert.ok(isWebviewMessage({ kind: 'request', id: 3, request: { method: 'getCompare', leftNodeId: 'nd_1', rightNodeId: 'nd_2' } }));
      assert.ok(isWebviewMessage({ kind: 'request', id: 4, request: { method: 'getMemory', nodeId: 'nd_1' } }));
      assert.equal(isWebviewMessage({ kind: 'command', command: { type: 'openChanges', nodeId: 'nd_1', mode: 'everything' } }), false);
      assert.equal(isWebviewMessage({ kind: 'command', command: { type: 'openDiff', nodeId: 'nd_1', mode: 'rm' } }), false);
      assert.equal(isWebviewMessage({ kind: 'command', command: { type: 'fork', nodeId: 'nd_1', instruction: '   ' } }), false);
      assert.equal(isWebviewMessage({ kind: 'command', command: { type: 'fork', nodeId: 'nd_1', instruction: 'x'.repeat(4001) } }), false);
      assert.equal(isWebviewMessage({ kind: 'command', command: { type: 'openCompare', leftNodeId: 'nd_1', rightNodeId: 'nd_2', path: '../x' } }), false);
    });

    it('checks the replies to the new requests', () => {
      const view = { mode: 'step', left: 'before main step 2', right: 'after main step 2', files: [{ path: 'src/a.ts', kind: 'added' }], more: 0, note: null };
      assert.ok(RESULT_GUARDS.getChanges(view));
      assert.ok(RESULT_GUARDS.getCompare({ ...view, mode: 'compare' }));
      assert.equal(RESULT_GUARDS.getChanges({ ...view, files: [{ path: '/etc/passwd', kind: 'added' }] }), false);
      assert.equal(RESULT_GUARDS.getChanges({ ...view, mode: 'other' }), false);
      const memory = { atNodeId: 'nd_1', previousNodeId: null, files: [{ path: 'MEMORY.md', text: '# m', bytes: 3, previous: null, status: 'added' }] };
      assert.ok(RESULT_GUARDS.getMemory(memory));
      assert.equal(RESULT_GUARDS.getMemory({ ...memory, files: [{ ...memory.files[0], status: 'exploded' }] }), false);
    });

    it('makes a Phoenix link only from an http(s) endpoint without credentials', () => {
      assert.ok(isPhoenixEndpoint('http://127.0.0.1:6006'));
      assert.ok(isPhoenixEndpoint('https://phoenix.example.com/base'));
      for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'http://user:pw@host', 'file:///etc/passwd', 'not a url', '']) assert.equal(isPhoenixEndpoint(bad), false, bad);
    });
  });
});
