/** The whole run a node belongs to (run, branches, nodes), from the live run or the store. */
import type { Node } from '../../core/model/types';
import type { RunDetail } from '../../protocol/replay';
import type { RunController } from '../run/runController';
import { findNode, runDetail } from '../views/replayData';
import type { StoreService } from './storeService';

export interface NodeInRun {
  node: Node;
  detail: RunDetail;
}

export async function lookupRunOfNode(store: StoreService, runs: RunController, nodeId: string): Promise<NodeInRun | undefined> {
  const live = runs.current;
  const liveNode = live?.getNode(nodeId);
  if (live && liveNode) {
    const detail = live.detail();
    return detail ? { node: liveNode, detail } : undefined;
  }
  return store.query((s) => {
    const node = findNode(s, undefined, nodeId);
    const detail = node ? runDetail(s, undefined, node.runId) : null;
    return node && detail ? { node, detail } : undefined;
  });
}
