import assert from 'node:assert/strict';
import { ForkRefusedError, MAX_INSTRUCTION_CHARS, planFork } from '../../../src/core/fork/plan';
import { FORK_MARKER } from '../../../src/core/recovery/forkPrompt';
import { Conversation } from '../../../src/core/demo/conversation';
import { followForkInstruction } from '../../../src/core/demo/scenarios/fork';
import { mkBranch, mkNode, mkRun } from '../../vscode/fixtures';

const run = mkRun('run_1', { baselineSnapshotId: 'snap_base', status: 'completed', task: 'Add a greeting and record the install in /etc/x' });
const main = mkBranch('br_main', { status: 'failed', label: 'main' });
const rec = mkBranch('br_rec', { parentNodeId: 'm0', parentBranchId: 'br_main', label: 'recovery-1' });
const nodes = [
  mkNode('m0', 'br_main', 0, { kind: 'checkpoint', snapshotId: 'snap_base' }),
  mkNode('m1', 'br_main', 1, { kind: 'tool_call', name: 'write: src/greeting.ts', snapshotId: 'snap_base', attributes: { 'nemocognition.snapshot.after': 'snap_1' } }),
  mkNode('m2', 'br_main', 2, { kind: 'tool_call', name: 'exec: echo hi > /etc/x', status: 'error', snapshotId: 'snap_1', attributes: { 'nemocognition.snapshot.after': 'snap_2' } }),
  mkNode('m3', 'br_main', 3, { kind: 'model_call', name: 'model call' }),
  mkNode('m4', 'br_main', 4, {
    kind: 'policy_decision',
    parentNodeId: 'm2',
    status: 'error',
    attributes: { 'nemocognition.policy.decision': 'deny', 'nemocognition.policy.source': 'kernel', 'nemocognition.policy.rule': 'kernel.fs.permission_denied' },
  }),
];
const src = { run, branches: [main, rec], nodes };

describe('fork/plan: "fork from here"', () => {
  it('forks from a node of a sealed branch, from the workspace as it was right after that node', () => {
    const p = planFork(src, 'm2', '  Write the note inside the workspace instead  ');
    assert.equal(p.snapshotId, 'snap_2');
    assert.equal(p.fromBranch.id, 'br_main');
    assert.equal(p.label, 'fork-1');
    assert.equal(p.instruction, 'Write the note inside the workspace instead');
  });

  it('tells the agent the original task, what the branch did (the denial named even when recorded later), and the instruction', () => {
    const p = planFork(src, 'm2', 'Write the note inside the workspace instead');
    assert.ok(p.prompt.startsWith(`[${FORK_MARKER} 1]`));
    assert.match(p.prompt, /right after step 3 of its branch "main"/);
    assert.match(p.prompt, /Original task:\nAdd a greeting and record the install in \/etc\/x/);
    assert.match(p.prompt, /- write: src\/greeting\.ts: ok/);
    assert.match(p.prompt, /- exec: echo hi > \/etc\/x: denied \(kernel: kernel\.fs\.permission_denied\)/);
    assert.match(p.prompt, /New instruction:\nWrite the note inside the workspace instead\n/);
    assert.doesNotMatch(p.prompt, /snap_|nd_|m2/, 'no checkpoint or node id reaches the agent');
  });

  it('numbers forks after the ones the run already has', () => {
    const withFork = { ...src, branches: [...src.branches, mkBranch('br_f', { label: 'fork-2', parentNodeId: 'm1' })] };
    assert.equal(planFork(withFork, 'm1', 'again').label, 'fork-3');
  });

  it('refuses a running run, an unknown node, an empty or oversized instruction, each saying what to do', () => {
    const refused = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof ForkRefusedError && re.test(e.message) && e.fix.length > 0);
    refused(() => planFork({ ...src, run: { ...run, status: 'running' } }, 'm2', 'x'), /still running/);
    refused(() => planFork(src, 'nope', 'x'), /not part of run/);
    refused(() => planFork(src, 'm2', '   '), /no instruction/);
    refused(() => planFork(src, 'm2', 'x'.repeat(MAX_INSTRUCTION_CHARS + 1)), /characters long/);
    refused(() => planFork({ ...src, run: { ...run, baselineSnapshotId: null }, nodes: [mkNode('z', 'br_main', 0, { kind: 'model_call' })] }, 'z', 'x'), /No snapshot/);
  });

  it('the demo model answers a fork in any scenario by recording the instruction inside the workspace', () => {
    const p = planFork(src, 'm2', 'Write the note inside the workspace instead');
    const conversation = new Conversation({
      messages: [{ role: 'user', content: p.prompt }],
      tools: [{ type: 'function', function: { name: 'write', parameters: { properties: { path: {}, content: {} } } } }],
    });
    assert.ok(conversation.isFork());
    assert.equal(conversation.forkInstruction(), 'Write the note inside the workspace instead');
    const reply = followForkInstruction({ conversation, options: { outsidePath: '/etc/x', probeTcpPort: 22, probeUdpPort: 53 }, state: new Map() });
    assert.equal(reply.kind, 'tools');
    const args = JSON.parse(reply.kind === 'tools' ? reply.calls[0]!.arguments : '{}') as { path: string; content: string };
    assert.equal(args.path, 'notes/fork.md');
    assert.match(args.content, /Write the note inside the workspace instead/);
  });
});
