import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BranchOpened, LinesAttributed, NodeAppended, RunStarted, StoreEvent } from '../../../src/core/model/events';
import type { NodeKind } from '../../../src/core/model/types';

export function tmpDir(prefix = 'nc-store-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function rmDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export function runStarted(id: string, at = 1_700_000_000_000): RunStarted {
  return { type: 'run.started', run: { id, task: `task of ${id}`, workspace: '/ws', baselineSnapshotId: null, startedAt: at, driver: 'local', meta: {} } };
}

export function branchOpened(branchId: string, runId: string, parentNodeId: string | null = null, parentBranchId: string | null = null, at = 1_700_000_000_100): BranchOpened {
  return { type: 'branch.opened', branchId, runId, parentNodeId, parentBranchId, agentId: 'main', label: branchId, sandbox: `/sb/${branchId}`, at };
}

export function node(
  nodeId: string,
  runId: string,
  branchId: string,
  extra: Partial<Omit<NodeAppended, 'type' | 'nodeId' | 'runId' | 'branchId'>> & { kind?: NodeKind } = {},
): NodeAppended {
  return {
    type: 'node.appended',
    nodeId,
    runId,
    branchId,
    kind: 'tool_call',
    name: `step ${nodeId}`,
    parentNodeId: null,
    startTime: 1_700_000_001_000,
    endTime: null,
    status: 'unset',
    snapshotId: null,
    attributes: {},
    ...extra,
  };
}

export function lines(runId: string, nodeId: string, p: string, ranges: Array<[number, number]>, at: number): LinesAttributed {
  return { type: 'lines.attributed', runId, nodeId, path: p, ranges, at };
}

export const wasmPath = path.join(__dirname, '..', '..', '..', 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm');

export type { StoreEvent };
