import type { BranchStatus, RunStatus } from '../../../src/core/model/types';

const LABEL: Record<BranchStatus | RunStatus, string> = {
  open: 'running',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  error: 'error',
};

export function StatusBadge({ status }: { status: BranchStatus | RunStatus }) {
  return <vscode-badge class={`nc-status nc-status-${status}`}>{LABEL[status]}</vscode-badge>;
}
