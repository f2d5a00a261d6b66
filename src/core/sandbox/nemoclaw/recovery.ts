/**
 * The NemoClaw side of recovery (issue 4, item 7): keep the failed sandbox
 * as evidence with a forensic snapshot, then fork a fresh sandbox from the
 * run's baseline with `nemoclaw <main> snapshot restore <baseline> --to
 * <main>-recovery-<n>`. The failed sandbox is never modified or deleted here.
 */
import { recoverySandboxName } from './commands';
import type { NemoClawDriver } from './driver';
import type { SnapshotInfo } from './parse';

export interface RecoveryFork {
  /** Sandbox the denied branch ran in (left untouched). */
  failedSandbox: string;
  /** Snapshot of the failed sandbox, taken before forking. */
  forensic: SnapshotInfo;
  /** The run's main sandbox, which owns the baseline snapshot. */
  mainSandbox: string;
  baselineId: string;
  /** The new sandbox the recovery branch runs in. */
  sandbox: string;
  attempt: number;
}

export async function forkRecoverySandbox(
  driver: NemoClawDriver,
  args: { mainSandbox: string; failedSandbox: string; baselineId: string; attempt: number },
): Promise<RecoveryFork> {
  if (!Number.isInteger(args.attempt) || args.attempt < 1) {
    throw new Error(`Recovery attempt must be a positive integer, got ${args.attempt}.`);
  }
  const forensic = await driver.createSnapshot(args.failedSandbox);
  const sandbox = recoverySandboxName(args.mainSandbox, args.attempt);
  await driver.restoreSnapshot(args.mainSandbox, args.baselineId, { to: sandbox });
  return { ...args, forensic, sandbox };
}
