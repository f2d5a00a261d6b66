/** Finds a node and its run's other nodes, from the live run or the store. */
import type { Branch, Node } from '../../core/model/types';
import type { RunController } from '../run/runController';
import { findBranch, findNode } from '../views/replayData';
import type { StoreService } from './storeService';

export interface NodeContext {
  node: Node;
  branch: Branch | undefined;
  nodesOfRun: Node[];
}

export async function lookupNode(store: StoreService, runs: RunController, nodeId: string): Promise<NodeContext | undefined> {
  const live = runs.current;
  const liveNode = live?.getNode(nodeId);
  if (live && liveNode) return { node: liveNode, branch: live.getBranch(liveNode.branchId), nodesOfRun: live.detail()?.nodes ?? [] };
  return store.query((s) => {
    const node = findNode(s, undefined, nodeId);
    if (!node) return undefined;
    return { node, branch: findBranch(s, undefined, node.branchId), nodesOfRun: s.nodesOfRun(node.runId) };
  });
}

export async function lookupBranch(store: StoreService, runs: RunController, branchId: string): Promise<{ branch: Branch; nodesOfRun: Node[] } | undefined> {
  const live = runs.current;
  const lb = live?.getBranch(branchId);
  if (live && lb) return { branch: lb, nodesOfRun: live.detail()?.nodes ?? [] };
  return store.query((s) => {
    const branch = s.getBranch(branchId);
    return branch ? { branch, nodesOfRun: s.nodesOfRun(branch.runId) } : undefined;
  });
}
