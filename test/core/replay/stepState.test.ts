import assert from 'node:assert/strict';
import { lineageOf, markedMemoryPaths, previousMemoryUpdate, stepSnapshots } from '../../../src/core/replay/stepState';
import { isMemoryPath } from '../../../src/core/run/toolText';
import { mkBranch, mkNode, mkRun } from '../../vscode/fixtures';

// The shape of a recorded demo run: main fails after a denied exec; recovery-1 forks from main's baseline node.
const run = mkRun('run_1', { baselineSnapshotId: 'snap_base' });
const main = mkBranch('br_main', { status: 'failed' });
const rec = mkBranch('br_rec', { parentNodeId: 'm0', parentBranchId: 'br_main', label: 'recovery-1' });
const fork = mkBranch('br_fork', { parentNodeId: 'm4', parentBranchId: 'br_main', label: 'fork-1' });
const nodes = [
  mkNode('m0', 'br_main', 0, { kind: 'checkpoint', snapshotId: 'snap_base' }),
  mkNode('m1', 'br_main', 1, { kind: 'model_call' }),
  mkNode('m2', 'br_main', 2, { kind: 'checkpoint', snapshotId: 'snap_pre1' }),
  mkNode('m3', 'br_main', 3, { kind: 'tool_call', attributes: { 'nemocognition.snapshot.after': 'snap_post1' } }),
  mkNode('m4', 'br_main', 4, { kind: 'memory_update', snapshotId: 'snap_post1', attributes: { 'nemocognition.memory.paths': ['MEMORY.md'] } }),
  mkNode('m5', 'br_main', 5, { kind: 'tool_call' }), // still open: no after snapshot yet
  mkNode('r0', 'br_rec', 0, { kind: 'recovery' }),
  mkNode('r1', 'br_rec', 1, { kind: 'checkpoint', snapshotId: 'snap_base' }),
  mkNode('r2', 'br_rec', 2, { kind: 'tool_call', attributes: { 'nemocognition.snapshot.after': 'snap_r_post' } }),
  mkNode('f0', 'br_fork', 0, { kind: 'model_call' }),
  mkNode('f1', 'br_fork', 1, { kind: 'memory_update', snapshotId: 'snap_f', attributes: { 'nemocognition.memory.paths': ['notes/todo.md'] } }),
];
const detail = { run, branches: [main, rec, fork], nodes };

describe('replay/stepState: the workspace as it was at a node', () => {
  it('lineage runs through the node a branch forked from, oldest first, ending at the node', () => {
    assert.deepEqual(lineageOf(detail, 'r2').map((n) => n.id), ['m0', 'r0', 'r1', 'r2']);
    assert.deepEqual(lineageOf(detail, 'f1').map((n) => n.id), ['m0', 'm1', 'm2', 'm3', 'm4', 'f0', 'f1']);
    assert.deepEqual(lineageOf(detail, 'nope'), []);
  });

  it("a tool call's step goes from its pre-call snapshot to its post-call snapshot", () => {
    assert.deepEqual(stepSnapshots(detail, 'm3'), { before: 'snap_pre1', after: 'snap_post1', afterNodeId: 'm3' });
  });

  it('a step that records no snapshot changes nothing: before and after are the latest state', () => {
    assert.deepEqual(stepSnapshots(detail, 'm1'), { before: 'snap_base', after: 'snap_base', afterNodeId: 'm0' });
    // An open tool call has no post-call snapshot yet: it shows the state before it.
    const open = stepSnapshots(detail, 'm5');
    assert.equal(open.before, 'snap_post1');
    assert.equal(open.after, 'snap_post1');
  });

  it("a forked branch's first step starts from the node it forked from", () => {
    assert.deepEqual(stepSnapshots(detail, 'r0'), { before: 'snap_base', after: 'snap_base', afterNodeId: 'm0' });
    assert.deepEqual(stepSnapshots(detail, 'f0'), { before: 'snap_post1', after: 'snap_post1', afterNodeId: 'm4' });
    assert.deepEqual(stepSnapshots(detail, 'r2'), { before: 'snap_base', after: 'snap_r_post', afterNodeId: 'r2' });
  });

  it('falls back to the run baseline when no node of the lineage recorded a snapshot', () => {
    const d = { run, branches: [main], nodes: [mkNode('x', 'br_main', 0, { kind: 'model_call' })] };
    assert.deepEqual(stepSnapshots(d, 'x'), { before: 'snap_base', after: 'snap_base', afterNodeId: null });
  });

  it('finds the previous memory update across a fork, and the paths the run marks as memory', () => {
    assert.equal(previousMemoryUpdate(detail, 'f1')?.id, 'm4');
    assert.equal(previousMemoryUpdate(detail, 'm4'), null);
    assert.deepEqual([...markedMemoryPaths(nodes)].sort(), ['MEMORY.md', 'notes/todo.md']);
  });

  it('treats MEMORY.md, memory/, NOTES.md and notes/ as memory, not other files', () => {
    for (const p of ['MEMORY.md', 'memory/2026-01-01.md', 'notes/nemocog-demo.txt', 'NOTES.md', '.openclaw/memory/x']) assert.ok(isMemoryPath(p), p);
    for (const p of ['src/memory.ts', 'README.md', 'docs/notes/x.md']) assert.ok(!isMemoryPath(p), p);
  });

  it('does not loop on a malformed store whose branches fork from each other', () => {
    const a = mkBranch('a', { parentNodeId: 'b0' });
    const b = mkBranch('b', { parentNodeId: 'a0' });
    const d = { run, branches: [a, b], nodes: [mkNode('a0', 'a', 0), mkNode('b0', 'b', 0)] };
    assert.deepEqual(lineageOf(d, 'a0').map((n) => n.id), ['b0', 'a0']);
  });
});
