/** Turns any failure into what the user reads: what happened, and what to do. */
import { SandboxUnavailableError } from '../sandbox/driver';

export interface Problem {
  message: string;
  fix: string;
}

export function describeProblem(err: unknown): Problem {
  if (err instanceof SandboxUnavailableError) return { message: err.message.replace(err.fix, '').trim(), fix: err.fix };
  const e = err as { name?: string; message?: string; fix?: string; code?: string };
  if (e && typeof e.fix === 'string' && typeof e.message === 'string') return { message: e.message, fix: e.fix };
  if (e?.code === 'ENOSPC' || e?.name === 'StoreWriteError') {
    return { message: e.message ?? 'The disk is full.', fix: 'Free disk space (or lower nemocognition.snapshots.maxStoreSizeMB), then run again; what was recorded before is kept.' };
  }
  if (e?.name === 'StoreLockedError') return { message: e.message ?? 'The store is locked.', fix: 'Close the other NemoCognition window or CLI using this workspace, then retry.' };
  if (e?.name === 'PolicyError') return { message: e.message ?? 'The sandbox policy is invalid.', fix: 'Fix .nemocognition/policy.yaml at the line named above, or delete it to use the default policy.' };
  return { message: e?.message ?? String(err), fix: 'See the NemoCognition output channel (or the CLI output) for details, then retry.' };
}
