/** The read-only slice of the core Store that the VS Code side uses (the real Store satisfies it). */
import type { Store } from '../../core/store/store';

export type StoreReader = Pick<
  Store,
  | 'listRuns'
  | 'getRun'
  | 'branchesOf'
  | 'getBranch'
  | 'nodesOfRun'
  | 'nodesOfBranch'
  | 'getNode'
  | 'spansOfNode'
  | 'snapshotOfNode'
  | 'snapshot'
  | 'attributionFor'
  | 'attributionHistoryFor'
  | 'attributionStepsOf'
>;
