/** What the user is told when the local copy of a remote run could not be kept whole. */
import type { ReplicaResult } from '../replica/replicaWriter';
import type { Problem } from '../run/problems';

export function replicaProblem(r: ReplicaResult): Problem | undefined {
  if (!r.failure) return undefined;
  return {
    message: `The local copy of the remote run stopped after ${r.appended} event(s): ${r.failure.message}`,
    fix: 'The run itself is complete on the remote side. Free disk space here (or close other NemoCognition windows writing this workspace), then run again to get a local copy.',
  };
}
