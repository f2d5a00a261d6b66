/**
 * A synthetic recorded run for the replay benchmark (deterministic, seeded):
 * `nodes` nodes over `branches` branches, shaped like real runs: each branch
 * a baseline snapshot, an agent turn, then model calls each followed by a
 * pre-call snapshot and a tool call, a few policy denials (under their tool
 * calls), memory updates, idle gaps of agent start-up and model latency;
 * branches after the first fork from a node of an earlier branch, as
 * recoveries do, some failed, some completed. Attributes are the size of
 * real ones (an LLM node carries ~50 attributes).
 */
import type { Attributes, Branch, Node, NodeKind, Run } from '../src/core/model/types';
import type { RunDetail } from '../src/protocol/replay';
import { Prng } from './prng';

export function syntheticRun(opts: { nodes: number; branches: number; seed: number }): RunDetail {
  const rnd = new Prng(opts.seed);
  const t0 = Date.UTC(2026, 10, 26, 9, 0, 0);
  const run: Run = {
    id: 'run_bench',
    task: 'Refactor the parser module and add tests (synthetic benchmark run)',
    workspace: '/bench/ws',
    baselineSnapshotId: 'snap_base',
    status: 'completed',
    startedAt: t0,
    endedAt: null,
    driver: 'local',
    meta: {},
  };
  const branches: Branch[] = [];
  const nodes: Node[] = [];
  const perBranch = Math.floor(opts.nodes / opts.branches);
  let clock = t0;
  let snap = 0;
  for (let b = 0; b < opts.branches; b++) {
    const id = `br_${String(b).padStart(2, '0')}`;
    // A fork from a node of an earlier branch (the first half of it, as a recovery forks from a good state).
    const parentNode = b === 0 ? null : (() => {
      const earlier = nodes.filter((n) => n.branchId === branches[rnd.int(0, b - 1)]!.id);
      return earlier[rnd.int(0, Math.max(0, Math.floor(earlier.length / 2)))]!;
    })();
    const count = b === opts.branches - 1 ? opts.nodes - nodes.length : perBranch;
    const failed = b < opts.branches - 1 && rnd.next() < 0.6;
    clock += 2_000 + rnd.int(0, 5_000);
    const branch: Branch = {
      id,
      runId: run.id,
      parentNodeId: parentNode?.id ?? null,
      parentBranchId: parentNode?.branchId ?? null,
      agentId: 'main',
      label: b === 0 ? 'main' : `recovery-${b}`,
      sandbox: `local:${b === 0 ? 'main' : `recovery-${b}`}`,
      status: failed ? 'failed' : 'completed',
      openedAt: clock,
      sealedAt: null,
      sealReason: failed ? 'Denied: exec: write outside the workspace (kernel: kernel.fs.permission_denied)' : 'Done.',
    };
    branches.push(branch);
    const mine: Node[] = [];
    const add = (kind: NodeKind, name: string, dur: number, extra: Partial<Node> = {}): Node => {
      const n: Node = {
        id: `nd_${b}_${mine.length}`,
        runId: run.id,
        branchId: id,
        seq: mine.length,
        kind,
        name,
        parentNodeId: null,
        startTime: clock,
        endTime: clock + dur,
        status: 'ok',
        snapshotId: null,
        attributes: {},
        ...extra,
      };
      mine.push(n);
      nodes.push(n);
      return n;
    };
    add('checkpoint', 'workspace baseline', 0, { snapshotId: `snap_${snap++}` });
    const turnStart = clock;
    clock += 15_000 + rnd.int(0, 20_000); // agent start-up: a long idle gap
    while (mine.length < count - 2) {
      clock += 300 + rnd.int(0, 3_000); // model latency
      add('model_call', 'model call → exec', 40 + rnd.int(0, 400), { attributes: llmAttributes(rnd, mine.length) });
      clock += 5;
      const pre = add('checkpoint', 'snapshot before exec', 0, { snapshotId: `snap_${snap++}` });
      clock += 2;
      const denied = rnd.next() < 0.04;
      const tool = add('tool_call', `exec: npm test -- --grep case${mine.length}`, 50 + rnd.int(0, 2_000), {
        status: denied ? 'error' : 'ok',
        snapshotId: pre.snapshotId,
        attributes: toolAttributes(rnd, `snap_${snap++}`),
      });
      clock += 60;
      if (denied && mine.length < count - 2) {
        add('policy_decision', 'deny exec: write /etc/x', 0, {
          parentNodeId: tool.id,
          status: 'error',
          attributes: { 'nemocognition.policy.decision': 'deny', 'nemocognition.policy.rule': 'kernel.fs.permission_denied', 'nemocognition.policy.source': 'kernel', 'nemocognition.policy.path': '/etc/x' },
        });
      } else if (rnd.next() < 0.05 && mine.length < count - 2) {
        add('memory_update', 'memory updated: MEMORY.md', 0, { parentNodeId: tool.id, snapshotId: `snap_${snap}` });
      }
    }
    add('agent_turn', 'openclaw agent turn', 0, { startTime: turnStart, endTime: clock });
    clock += 100;
    add('checkpoint', 'result of the branch', 0, { snapshotId: `snap_${snap++}` });
    branch.sealedAt = clock;
  }
  run.endedAt = clock;
  return { run, branches, nodes };
}

function llmAttributes(rnd: Prng, i: number): Attributes {
  const a: Attributes = {
    'openinference.span.kind': 'LLM',
    'llm.model_name': 'nvidia/nemotron-3-super-120b-a12b',
    'llm.token_count.prompt': 6000 + rnd.int(0, 3000),
    'llm.token_count.completion': 20 + rnd.int(0, 200),
    'nemocognition.llm.latency_ms': 40 + rnd.int(0, 400),
    'llm.input_messages.0.message.role': 'system',
    'llm.input_messages.0.message.content': 'You are a coding agent. '.repeat(40),
    'llm.output_messages.0.message.role': 'assistant',
    'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'exec',
    'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': JSON.stringify({ command: `npm test -- --grep case${i}` }),
  };
  for (let m = 1; m < 12; m++) {
    a[`llm.input_messages.${m}.message.role`] = m % 2 ? 'user' : 'tool';
    a[`llm.input_messages.${m}.message.content`] = `message ${m} of call ${i}`;
  }
  for (let t = 0; t < 12; t++) a[`llm.tools.${t}.tool.json_schema`] = JSON.stringify({ type: 'function', function: { name: `tool${t}`, parameters: { type: 'object' } } });
  return a;
}

function toolAttributes(rnd: Prng, after: string): Attributes {
  return {
    'tool.name': 'exec',
    'input.value': JSON.stringify({ command: 'npm test' }),
    'output.value': 'ok '.repeat(50 + rnd.int(0, 200)),
    'nemocognition.snapshot.after': after,
    'nemocognition.tool.duration_ms': rnd.int(10, 2000),
    'nemocognition.policy.destructive': rnd.next(),
    'nemocognition.policy.blast_radius': rnd.next(),
    'nemocognition.policy.reversibility': 1,
    'nemocognition.policy.security_sensitive': 0,
    'nemocognition.policy.cost': 0.02,
  };
}
