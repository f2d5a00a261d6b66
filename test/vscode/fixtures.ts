/** Small run-model builders for the VS Code side's tests. */
import type { Branch, Node, Run } from '../../src/core/model/types';

export function mkRun(id = 'run_1', over: Partial<Run> = {}): Run {
  return { id, task: 'task', workspace: '/w', baselineSnapshotId: null, status: 'completed', startedAt: 100, endedAt: 200, driver: 'local', meta: {}, ...over };
}

export function mkBranch(id: string, over: Partial<Branch> = {}): Branch {
  return {
    id,
    runId: 'run_1',
    parentNodeId: null,
    parentBranchId: null,
    agentId: 'main',
    label: id,
    sandbox: '/sb',
    status: 'completed',
    openedAt: 100,
    sealedAt: 200,
    sealReason: null,
    ...over,
  };
}

export function mkNode(id: string, branchId: string, seq: number, over: Partial<Node> = {}): Node {
  return {
    id,
    runId: 'run_1',
    branchId,
    seq,
    kind: 'tool_call',
    name: id,
    parentNodeId: null,
    startTime: 100 + seq,
    endTime: 101 + seq,
    status: 'ok',
    snapshotId: null,
    attributes: {},
    ...over,
  };
}
