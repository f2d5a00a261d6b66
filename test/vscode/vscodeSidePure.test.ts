import assert from 'node:assert/strict';
import { DEFAULTS, readSettings } from '../../src/vscode/config/settings';
import { askingModelCall, hoverFactsFor } from '../../src/vscode/decorations/hoverFacts';
import { snapshotDiffTitle } from '../../src/vscode/diff/diffTitle';
import { fromSnapshotUriParts, toSnapshotUriParts } from '../../src/vscode/diff/snapshotUri';
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
    assert.equal(snapshotDiffTitle('README.md', 6), 'README.md (workspace ↔ step 7)');
    assert.equal(snapshotDiffTitle('src/a/greeting.ts', 0), 'greeting.ts (workspace ↔ step 1)');
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
    assert.match(m.message, /41 file\(s\) will be written and 1 deleted\. 1 need\(s\) a look/);
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
      attributionFor: () => [],
      attributionStepsOf: () => [],
    };

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
});
