/**
 * FIXTURE (labelled as such): writes a workspace whose store holds one recorded
 * run, appended through the real core Store API, so the end-to-end test can
 * open the Replay view on known content without running an agent. The events
 * follow the shape a supervised run records: a first branch whose write to a
 * read-only path is denied by the kernel policy (sealed `failed`, kept as
 * evidence) and a recovery branch forked from the last good checkpoint that
 * completes. The snapshot ids are labels only: no snapshot objects exist.
 * TODO(nemocog): once `nemocog demo --headless --workspace <dir>` is reliable,
 * add a second e2e case on a workspace recorded by the real demo run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StoreEvent } from '../../../src/core/model/events';
import { storeDirFor } from '../../../src/core/store/paths';
import { Store } from '../../../src/core/store/store';

export interface SeededRun {
  runId: string;
  task: string;
  failedBranch: { id: string; label: string; reason: string };
  recoveryBranch: { id: string; label: string; reason: string };
  /** A node of the failed branch with distinctive attributes, for the inspector. */
  deniedNode: { id: string; name: string; attributes: Record<string, string> };
  nodeNames: string[];
}

export async function seedWorkspace(workspace: string): Promise<SeededRun> {
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'README.md'), '# e2e workspace\n\nA tiny project the supervised agent worked on.\n');
  fs.writeFileSync(path.join(workspace, 'hello.js'), "console.log('hello from the recovered branch');\n");

  const t0 = Date.UTC(2026, 10, 25, 14, 3, 0);
  const at = (s: number) => t0 + s * 1000;
  const runId = 'run-e2e-0001';
  const task = 'Add a greeting script and update the message of the day';
  const failed = { id: 'br-main', label: 'main', reason: 'Policy denied: write to /etc/motd (Landlock: Permission denied)' };
  const recovery = { id: 'br-recovery-1', label: 'main-recovery-1', reason: 'Task completed: hello.js written, /etc/motd left untouched' };
  const denied = {
    id: 'n-deny',
    name: 'deny write /etc/motd',
    attributes: {
      'openinference.span.kind': 'GUARDRAIL',
      'nemocognition.policy.decision': 'deny',
      'nemocognition.policy.source': 'kernel',
      'nemocognition.policy.rule': 'kernel.fs.permission_denied',
      'nemocognition.policy.path': '/etc/motd',
      'output.value': 'bash: /etc/motd: Permission denied',
    },
  };

  const node = (
    nodeId: string,
    branchId: string,
    kind: Extract<StoreEvent, { type: 'node.appended' }>['kind'],
    name: string,
    start: number,
    end: number,
    extra: Partial<Extract<StoreEvent, { type: 'node.appended' }>> = {},
  ): StoreEvent => ({
    type: 'node.appended',
    nodeId,
    runId,
    branchId,
    kind,
    name,
    parentNodeId: null,
    startTime: at(start),
    endTime: at(end),
    status: 'ok',
    snapshotId: null,
    attributes: {},
    ...extra,
  });

  const events: StoreEvent[] = [
    {
      type: 'run.started',
      run: { id: runId, task, workspace, baselineSnapshotId: 'snap-baseline', startedAt: at(0), driver: 'local', meta: { 'nemocog.model.preset': 'demo' } },
    },
    { type: 'branch.opened', branchId: failed.id, runId, parentNodeId: null, parentBranchId: null, agentId: 'main', label: failed.label, sandbox: '/tmp/sandbox-main', at: at(0) },
    node('n-llm-1', failed.id, 'model_call', 'model call #1', 1, 3, {
      attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'nemocog-demo', 'llm.token_count.prompt': 412, 'llm.token_count.completion': 58 },
    }),
    node('n-ckpt-1', failed.id, 'checkpoint', 'checkpoint before write hello.js', 3, 3, { snapshotId: 'snap-0001', attributes: { 'nemocog.snapshot.files': 2 } }),
    node('n-tool-1', failed.id, 'tool_call', 'write hello.js', 3, 4, { attributes: { 'openinference.span.kind': 'TOOL', 'tool.name': 'write', 'input.value': 'hello.js' } }),
    node('n-llm-2', failed.id, 'model_call', 'model call #2', 4, 6, { attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'nemocog-demo' } }),
    node('n-ckpt-2', failed.id, 'checkpoint', 'checkpoint before exec', 6, 6, { snapshotId: 'snap-0002' }),
    node('n-tool-2', failed.id, 'tool_call', 'exec: echo hi > /etc/motd', 6, 7, {
      status: 'error',
      attributes: { 'openinference.span.kind': 'TOOL', 'tool.name': 'exec', 'input.value': 'echo hi > /etc/motd' },
    }),
    node(denied.id, failed.id, 'policy_decision', denied.name, 7, 7, { parentNodeId: 'n-tool-2', status: 'error', attributes: denied.attributes }),
    node('n-recover', failed.id, 'recovery', 'recover from checkpoint before exec', 7, 8, {
      snapshotId: 'snap-0002',
      attributes: { 'nemocognition.recovery.attempt': 1, 'nemocognition.recovery.fork_from': 'last-good-node', 'nemocognition.recovery.sandbox': recovery.label },
    }),
    { type: 'branch.sealed', branchId: failed.id, status: 'failed', reason: failed.reason, at: at(8) },
    { type: 'branch.opened', branchId: recovery.id, runId, parentNodeId: 'n-ckpt-2', parentBranchId: failed.id, agentId: 'main', label: recovery.label, sandbox: '/tmp/sandbox-main-recovery-1', at: at(8) },
    node('n-r-llm-1', recovery.id, 'model_call', 'model call #3', 9, 11, { attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'nemocog-demo' } }),
    node('n-r-narr', recovery.id, 'narration', 'skipping /etc/motd: outside the workspace', 11, 11),
    node('n-r-ckpt', recovery.id, 'checkpoint', 'final checkpoint', 12, 12, { snapshotId: 'snap-0003' }),
    { type: 'branch.sealed', branchId: recovery.id, status: 'completed', reason: recovery.reason, at: at(12) },
    { type: 'run.ended', runId, status: 'completed', at: at(13) },
  ];

  const store = await Store.open(storeDirFor(workspace));
  try {
    for (const e of events) await store.append(e);
  } finally {
    await store.close();
  }
  const nodeNames = events.flatMap((e) => (e.type === 'node.appended' ? [e.name] : []));
  return { runId, task, failedBranch: failed, recoveryBranch: recovery, deniedNode: denied, nodeNames };
}
