import assert from 'node:assert/strict';
import type { FileChange } from '../../src/core/snapshots/api';
import { DEFAULTS, readSettings } from '../../src/vscode/config/settings';
import { askingModelCall, hoverFactsFor } from '../../src/vscode/decorations/hoverFacts';
import { compareDiffTitle, stepDiffTitle, workspaceDiffTitle } from '../../src/vscode/diff/diffTitle';
import { fromSnapshotUriParts, toSnapshotUriParts } from '../../src/vscode/diff/snapshotUri';
import { deletedFiles, files } from '../../src/vscode/restore/fileCounts';
import { isAgentLogLine, plural, runFacts, stepMessage } from '../../src/vscode/run/liveText';
import { demoNote } from '../../src/vscode/run/demoScenario';
import { kindInWords, lineNote } from '../../src/vscode/decorations/hoverMarkdown';
import { atPlayhead, factsAtPlayhead, playheadOf } from '../../src/vscode/decorations/playhead';
import { changesAt, compareAt, memoryAt, type SnapshotReader } from '../../src/core/replay/changes';
import { phoenixEndpointOf } from '../../src/vscode/views/phoenixLink';
import type { RestorePreview } from '../../src/core/restore';
import { BUTTONS, buildRestoreModal, interpretChoice } from '../../src/vscode/restore/restoreModal';
import { LiveRun, MAX_NARRATION_LINES } from '../../src/vscode/run/liveRun';
import { missingKeyProblem, problemFromError } from '../../src/vscode/run/problems';
import { readRecent, rememberTask } from '../../src/vscode/run/recentTasks';
import { validateApiKey } from '../../src/vscode/secrets/apiKeyStore';
import { relativeInWorkspace, workspacePaths } from '../../src/vscode/services/workspacePaths';
import { lastSnapshotOfBranch, listRuns, nodeDetail, runDetail, snapshotForNode } from '../../src/vscode/views/replayData';
import type { StoreReader } from '../../src/vscode/services/storeReader';
import { mkBranch, mkNode, mkRun } from './fixtures';

const file = (name: string) => ({ name, type: 'file' as const, mode: 0o644, size: 1, hash: 'h' });

describe('VS Code side (pure parts)', () => {
  it('reads settings with defaults for missing or mistyped values', () => {
    assert.deepEqual(readSettings(() => undefined), DEFAULTS);
    const s = readSettings((k) => ({ 'model.preset': 'demo', 'sandbox.driver': 'bogus', 'recovery.maxAttempts': 3.7, 'snapshots.ignore': ['a/', 3], 'model.endpoint': '  ' })[k]);
    assert.equal(s.modelPreset, 'demo');
    assert.equal(s.sandboxDriver, 'local');
    assert.equal(s.maxRecoveries, 3);
    assert.deepEqual(s.snapshotIgnore, DEFAULTS.snapshotIgnore);
    assert.equal(s.modelEndpoint, DEFAULTS.modelEndpoint);
  });

  it("titles a snapshot diff workspace first, as its sides are laid out, with the 1-based step", () => {
    // Each title says which branch and which step, left side first.
    assert.equal(workspaceDiffTitle('README.md', { branch: 'recovery-1', seq: 13 }), 'README.md — your workspace ↔ recovery-1 step 14');
    assert.equal(stepDiffTitle('src/a/greeting.ts', { branch: 'main', seq: 0 }), 'greeting.ts — main step 1: before ↔ after');
    assert.equal(compareDiffTitle('a.ts', { branch: 'main', seq: 11 }, { branch: 'recovery-1', seq: 13 }), 'a.ts — main step 12 ↔ recovery-1 step 14');
  });

  it('round-trips snapshot URIs and refuses traversal', () => {
    const parts = toSnapshotUriParts({ snapshotId: 'snap_1', path: 'src/a b.ts' });
    assert.equal(parts.scheme, 'nemocog-snapshot');
    assert.deepEqual(fromSnapshotUriParts(parts), { snapshotId: 'snap_1', path: 'src/a b.ts' });
    assert.throws(() => fromSnapshotUriParts({ scheme: 'nemocog-snapshot', path: '/../etc/passwd', query: 'snapshot=s' }));
    assert.throws(() => fromSnapshotUriParts({ scheme: 'nemocog-snapshot', path: '/a', query: '' }));
    assert.throws(() => fromSnapshotUriParts({ scheme: 'file', path: '/a', query: 'snapshot=s' }));
  });

  it('the restore modal lists the files, flags first, and asks to save unsaved editors before overwriting them', () => {
    const p: RestorePreview = {
      snapshotId: 'snap_1',
      root: '/w',
      write: [
        ...Array.from({ length: 40 }, (_, i) => ({ path: `f${String(i).padStart(2, '0')}.ts`, action: 'modify' as const, flags: [] })),
        { path: '.envrc', action: 'create' as const, flags: [{ kind: 'direnv' as const, message: 'direnv runs this file' }] },
      ],
      delete: [{ path: 'gone.txt', action: 'delete', flags: [] }],
      flagged: [],
      outsideSymlinks: [],
    };
    p.flagged = p.write.filter((f) => f.flags.length);
    const m = buildRestoreModal(p, 'branch x', ['f03.ts', 'elsewhere.md'], 10);
    assert.match(m.message, /41 files will be written and 1 deleted\. 1 need\(s\) a look/);
    assert.ok(m.detail.indexOf('.envrc: direnv') < m.detail.indexOf('Files (42)'), 'flags come before the list');
    assert.match(m.detail, /and 32 more/);
    assert.match(m.detail, /Unsaved changes in 1 editor\(s\)[\s\S]*f03\.ts/);
    assert.deepEqual(m.unsaved, ['f03.ts']);
    assert.deepEqual(m.buttons, [BUTTONS.saveAndRestore, BUTTONS.showAll], 'no plain Restore while an editor would be overwritten');
    assert.deepEqual(interpretChoice(BUTTONS.saveAndRestore), { restore: true, saveFirst: true, allowOutsideSymlinks: false, showAll: false });
    assert.equal(interpretChoice(undefined).restore, false);

    const links = buildRestoreModal({ ...p, outsideSymlinks: [{ path: 'l', target: '/etc' }] }, 'b', []);
    assert.deepEqual(links.buttons, [BUTTONS.showAll, BUTTONS.withLinks], 'outside symlinks are only restored by the button that says so, never by Enter');
    assert.match(links.detail, /l → \/etc/);
  });

  it('maps workspace paths and keeps the store out', () => {
    const p = workspacePaths('/w', '.nemocognition');
    assert.equal(p.storeDir, '/w/.nemocognition/store');
    assert.equal(p.snapshotsDir, '/w/.nemocognition/snapshots');
    assert.equal(relativeInWorkspace(p, '/w/src/a.ts'), 'src/a.ts');
    assert.equal(relativeInWorkspace(p, '/w/.nemocognition/store/x'), undefined);
    assert.equal(relativeInWorkspace(p, '/other/a.ts'), undefined);
  });

  it('remembers recent tasks newest first without duplicates', () => {
    assert.deepEqual(rememberTask(['b', 'a'], 'a'), ['a', 'b']);
    assert.equal(rememberTask(Array.from({ length: 20 }, (_, i) => `t${i}`), 'x').length, 10);
    assert.deepEqual(readRecent(['a', 3, '', 'b']), ['a', 'b']);
    assert.deepEqual(readRecent('nope'), []);
  });

  it('says what to do for a missing key and for known errors', () => {
    const p = missingKeyProblem(DEFAULTS);
    assert.match(p.fix, /Set API Key/);
    assert.ok(p.actions.includes('Use Demo Model'));
    assert.ok(problemFromError(new Error('connect ECONNREFUSED 127.0.0.1:1')).actions.includes('Use Demo Model'));
    assert.ok(problemFromError(new Error('HTTP 401 Unauthorized')).actions.includes('Set API Key'));
    const locked = Object.assign(new Error('locked'), { name: 'StoreLockedError' });
    assert.match(problemFromError(locked).fix, /Wait for it/);
    assert.equal(validateApiKey('  '), 'Paste the key, or press Escape to cancel.');
    assert.ok(validateApiKey('nvapi abc def'));
    assert.equal(validateApiKey('nvapi-0123456789'), undefined);
  });

  it('assembles the live run from listener events, later node copies winning', () => {
    const live = new LiveRun('task', '/w', 'local', 50);
    assert.equal(live.detail(), null);
    live.addBranch(mkBranch('br_1', { status: 'open' }));
    live.addNode(mkNode('n1', 'br_1', 0, { endTime: null }));
    live.addNode(mkNode('n1', 'br_1', 0, { endTime: 999 }));
    const d = live.detail()!;
    assert.equal(d.run.id, 'run_1');
    assert.equal(d.run.status, 'running');
    assert.equal(d.nodes.length, 1);
    assert.equal(d.nodes[0]!.endTime, 999);
    for (let i = 0; i < MAX_NARRATION_LINES + 5; i++) live.addNarration(`l${i}`, i);
    assert.equal(live.narration.length, MAX_NARRATION_LINES);
  });

  describe('replay data', () => {
    const nodes = [
      mkNode('s0', 'br_1', 0, { kind: 'checkpoint', snapshotId: 'snap_a' }),
      mkNode('t1', 'br_1', 1),
      mkNode('s2', 'br_1', 2, { kind: 'checkpoint', snapshotId: 'snap_b' }),
      mkNode('t3', 'br_1', 3),
    ];
    const fake: StoreReader = {
      listRuns: () => [mkRun('run_old', { startedAt: 1 }), mkRun('run_1', { startedAt: 100 })],
      getRun: (id) => (id === 'run_1' ? mkRun() : undefined),
      branchesOf: () => [mkBranch('br_1')],
      getBranch: (id) => (id === 'br_1' ? mkBranch('br_1') : undefined),
      nodesOfRun: () => nodes,
      nodesOfBranch: () => nodes,
      getNode: (id) => nodes.find((n) => n.id === id),
      spansOfNode: () => [],
      snapshotOfNode: (id) => (id === 's0' ? { snapshotId: 'snap_a', root: 'r' } : undefined),
      snapshot: () => undefined,
      attributionFor: () => [],
      attributionHistoryFor: () => [],
      attributionStepsOf: () => [],
    };

    it('uses a tool call\'s post-call snapshot, as the Files tab shows the step', () => {
      const tool = mkNode('t', 'br_1', 9, { kind: 'tool_call', snapshotId: 'snap_pre', attributes: { 'nemocognition.snapshot.after': 'snap_post' } });
      assert.equal(snapshotForNode([...nodes, tool], tool)?.snapshotId, 'snap_post');
    });

    it('uses a step\'s own snapshot, else the latest earlier one in its branch', () => {
      assert.equal(snapshotForNode(nodes, nodes[1]!)?.snapshotId, 'snap_a');
      assert.equal(snapshotForNode(nodes, nodes[3]!)?.snapshotId, 'snap_b');
      assert.equal(snapshotForNode(nodes, nodes[2]!)?.fromNodeId, 's2');
      assert.equal(snapshotForNode([mkNode('x', 'b', 0)], mkNode('x', 'b', 0)), undefined);
      assert.equal(lastSnapshotOfBranch(nodes, 'br_1')?.id, 's2');
    });

    it('lists runs newest first, the live run in front', () => {
      const live = new LiveRun('t', '/w', 'local', 500);
      live.addBranch(mkBranch('br_live', { runId: 'run_live' }));
      assert.deepEqual(listRuns(fake, live).map((r) => r.id), ['run_live', 'run_1', 'run_old']);
      assert.equal(runDetail(fake, live, 'run_live')?.branches[0]!.id, 'br_live');
      assert.equal(runDetail(fake, undefined, 'run_1')?.nodes.length, 4);
      assert.equal(runDetail(fake, undefined, 'nope'), null);
      assert.deepEqual(nodeDetail(fake, undefined, 's0')?.snapshot, { snapshotId: 'snap_a', root: 'r' });
      assert.equal(nodeDetail(fake, undefined, 'missing'), null);
    });

    it('finds the reasoning for a tool call on the model call above it', () => {
      const model = mkNode('m', 'br_1', 0, { kind: 'model_call', attributes: { 'llm.output_messages.0.message.reasoning_content': 'because' } });
      const tool = mkNode('t', 'br_1', 1, { parentNodeId: 'm', attributes: { 'tool.name': 'write' } });
      const f = hoverFactsFor({ startLine: 1, endLine: 2, nodeId: 't', runId: 'run_1', at: 5 }, tool, mkBranch('br_1'), model);
      assert.equal(f.tool, 'write');
      assert.equal(f.reasoning, 'because');
      assert.equal(f.stepNumber, 2);
      const later = mkNode('m2', 'br_1', 5, { kind: 'model_call' });
      const tool2 = mkNode('t2', 'br_1', 3);
      assert.equal(askingModelCall(tool2, [model, tool, tool2, later])?.id, 'm');
      assert.equal(askingModelCall(model, [model]), undefined);
    });
  });

  describe('what a new user hit in the old view', () => {
    it('counts the files an undo removed, not the folders it emptied', () => {
      assert.deepEqual(deletedFiles(['notes/a.txt', 'notes/b.txt', 'notes']), ['notes/a.txt', 'notes/b.txt']);
      assert.deepEqual(deletedFiles(['a/b/c.txt', 'a/b', 'a', 'x.txt']), ['a/b/c.txt', 'x.txt']);
      assert.equal(files(1), '1 file');
      assert.equal(files(3), '3 files');
    });

    it('says "2 branches, 1 recovery", not "branch(es)" and "recovery(ies)"', () => {
      const s = { branches: [mkBranch('a'), mkBranch('b')], toolCalls: 1, snapshots: 10, denials: 1, recoveries: 1 };
      assert.equal(runFacts(s), '2 branches, 1 tool call, 10 snapshots, 1 denial, 1 recovery');
      assert.equal(plural(2, 'recovery', 'recoveries'), '2 recoveries');
    });

    it("keeps the agent's own log lines out of the progress notification, and says what the agent is doing now", () => {
      assert.ok(isAgentLogLine('agent: [session-sqlite] slow SQLite reclamation … exitCode=1'));
      assert.ok(!isAgentLogLine('Agent: Done: src/greeting.ts created'));
      assert.ok(!isAgentLogLine('Kernel denied exec: echo hi > /etc/x'));
      assert.equal(stepMessage(mkNode('n', 'b', 11, { name: 'exec: npm test' }), 'recovery-1', 12), '12 steps recorded · recovery-1 step 12: exec: npm test');
    });

    it('tells the user the offline demo model plays a script whatever the task', () => {
      assert.match(demoNote({ modelPreset: 'demo', demoScenario: 'two-recoveries' })!, /scripted scenario "two-recoveries" whatever task you type/);
      assert.equal(demoNote({ modelPreset: 'nim-nemotron', demoScenario: 'deny-and-recover' }), undefined);
      assert.equal(readSettings((k) => (k === 'model.demoScenario' ? 'hostile-text' : undefined)).demoScenario, 'hostile-text');
      assert.equal(readSettings((k) => (k === 'model.demoScenario' ? 'rm -rf' : undefined)).demoScenario, 'deny-and-recover');
    });

    it('a cancelled or failed runtime install says what to do in VS Code, with the runtime setting, not a developer command', () => {
      const missing = Object.assign(new Error('The OpenClaw agent runtime was not found. Run `node .ci/install-agent-runtime.mjs` or set NEMOCOG_RUNTIME_DIR.'), { name: 'AgentRuntimeMissingError' });
      const p = problemFromError(missing);
      assert.doesNotMatch(`${p.message} ${p.fix}`, /\.ci\/|NEMOCOG_RUNTIME_DIR/);
      assert.deepEqual(p.actions, ['Install Agent Runtime', 'Open Runtime Setting']);
      const cancelled = Object.assign(new Error('The agent runtime install was cancelled. Nothing was left behind.'), { name: 'AgentRuntimeInstallError', kind: 'cancelled', fix: 'Nothing was left behind.' });
      assert.match(problemFromError(cancelled).message, /cancelled, so the run did not start/);
      const failed = Object.assign(new Error('npm failed (E404). Check the registry.'), { name: 'AgentRuntimeInstallError', kind: 'npm-failed', fix: 'Check the registry.' });
      const f = problemFromError(failed);
      assert.equal(f.message, 'The agent runtime could not be installed: npm failed (E404).');
      assert.ok(f.actions.includes('Open Runtime Setting') && !f.actions.includes('Open Settings'));
    });

    it('names a step kind in words in the gutter, and notes the block with its branch and step', () => {
      assert.equal(kindInWords('tool_call'), 'tool call');
      assert.equal(kindInWords('checkpoint'), 'snapshot');
      assert.equal(lineNote({ stepNumber: 4, branchLabel: 'recovery-1', tool: 'write', kind: 'tool_call' }, false), '◇ recovery-1 step 4 · write');
      assert.equal(lineNote({ stepNumber: 4, branchLabel: null, tool: null, kind: 'tool_call' }, true), '◆ selected: step 4 · tool call');
    });

    it('shows the gutter as of the playhead: the lines written on the way to it, its own marked', () => {
      const main = mkBranch('m');
      const rec = mkBranch('r', { parentNodeId: 'm0', parentBranchId: 'm' });
      const ns = [mkNode('m0', 'm', 0), mkNode('m1', 'm', 1), mkNode('m2', 'm', 2), mkNode('r0', 'r', 0), mkNode('r1', 'r', 1)];
      const ph = playheadOf({ baselineSnapshotId: null }, [main, rec], ns, 'r1');
      const markers = [{ nodeId: 'm0' }, { nodeId: 'm2' }, { nodeId: 'r0' }, { nodeId: 'r1' }];
      assert.deepEqual(atPlayhead(markers, ph), [{ nodeId: 'm0', current: false }, { nodeId: 'r0', current: false }, { nodeId: 'r1', current: true }]);
      assert.equal(atPlayhead(markers, null).length, 4, 'no playhead: every marker');
      // Lines rewritten later by another branch show their writer as of the playhead, not the latest one.
      const fact = (nodeId: string, s: number, e: number, at: number) => ({ nodeId, startLine: s, endLine: e, runId: 'run_1', at });
      const history = [fact('m2', 1, 3, 1), fact('r1', 1, 2, 2)];
      const atMain = playheadOf({ baselineSnapshotId: null }, [main, rec], ns, 'm2')!;
      assert.deepEqual(factsAtPlayhead(history, atMain).map((f) => [f.nodeId, f.startLine, f.endLine]), [['m2', 1, 3]]);
      assert.deepEqual(factsAtPlayhead(history, ph!).map((f) => [f.nodeId, f.startLine, f.endLine]), [['r1', 1, 2]]);
    });

    it('links to Phoenix only from an http(s) endpoint setting, and only while the mirror is on', () => {
      const on = { ...DEFAULTS, phoenixEnabled: true };
      assert.equal(phoenixEndpointOf({ ...on, phoenixEndpoint: 'http://127.0.0.1:6006/' }), 'http://127.0.0.1:6006');
      assert.equal(phoenixEndpointOf({ ...on, phoenixEndpoint: '' }), null);
      assert.equal(phoenixEndpointOf({ ...on, phoenixEndpoint: 'javascript:alert(1)' }), null);
      assert.equal(phoenixEndpointOf({ ...DEFAULTS, phoenixEndpoint: 'http://127.0.0.1:6006/' }), null, 'mirror off: Phoenix holds no spans to link to');
    });
  });

  describe('files changed, compare and memory (over a snapshot reader)', () => {
    const change = (path: string, kind: FileChange['kind']): FileChange => ({ path, kind, ...(kind === 'deleted' ? { before: file(path) } : { after: file(path) }) });
    const engine: SnapshotReader = {
      diff: (a, b) => (a === 'pre' && b === 'post' ? [change('src/a.ts', 'added'), { path: 'src', kind: 'added', after: { ...file('src'), type: 'dir' } }] : a === 'post' && b === 'r_post' ? [change('notes/x.md', 'added')] : []),
      diffLive: async (id) => (id === 'post' ? [change('src/a.ts', 'deleted')] : []),
      listFiles: (id) => (id === 'post' ? ['MEMORY.md', 'src/a.ts', 'notes/todo.md'] : id === 'base' ? ['MEMORY.md'] : []),
      readFile: (id, p) => (!engine.listFiles(id).includes(p) ? undefined : p === 'MEMORY.md' ? Buffer.from(id === 'post' ? '# mem\nnew line\n' : '# mem\n') : Buffer.from('todo')),
    };
    const detail = {
      run: { baselineSnapshotId: 'base' },
      branches: [mkBranch('m', { label: 'main' }), mkBranch('r', { label: 'recovery-1', parentNodeId: 'm1' })],
      nodes: [
        mkNode('m0', 'm', 0, { kind: 'checkpoint', snapshotId: 'pre' }),
        mkNode('m1', 'm', 1, { kind: 'tool_call', snapshotId: 'pre', attributes: { 'nemocognition.snapshot.after': 'post' } }),
        mkNode('r0', 'r', 0, { kind: 'tool_call', attributes: { 'nemocognition.snapshot.after': 'r_post' } }),
      ],
    };
    it('lists what a step changed (files only, not folders), and the step against the workspace read workspace → step', async () => {
      const step = await changesAt(engine, detail, 'm1', 'step', '/ws');
      assert.deepEqual(step, { mode: 'step', left: 'before main step 2', right: 'after main step 2', files: [{ path: 'src/a.ts', kind: 'added' }], more: 0, note: null });
      const ws = await changesAt(engine, detail, 'm1', 'workspace', '/ws');
      assert.deepEqual(ws?.files, [{ path: 'src/a.ts', kind: 'added' }], 'deleted from the step to the workspace = added from the workspace to the step');
      assert.equal((await changesAt(engine, detail, 'm0', 'step', '/ws'))?.note, 'This step changed no file.');
      assert.match((await changesAt(engine, detail, 'm1', 'workspace', null))!.note!, /needs the editor/);
    });
    it('compares two steps of different branches by their states after them', () => {
      assert.deepEqual(compareAt(engine, detail, 'm1', 'r0')?.files, [{ path: 'notes/x.md', kind: 'added' }]);
      assert.equal(compareAt(engine, detail, 'm1', 'nope'), null);
    });
    it('reads the memory files at a step against the previous memory update (or the baseline)', () => {
      const m = memoryAt(engine, detail, 'm1')!;
      assert.deepEqual(m.files.map((f) => [f.path, f.status]), [['MEMORY.md', 'modified'], ['notes/todo.md', 'added']]);
      assert.equal(m.files[0]!.previous, '# mem\n');
      assert.equal(m.previousNodeId, null);
    });
  });
});
