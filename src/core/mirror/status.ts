/**
 * What the mirror tells its user (status bar, CLI progress), as plain JSON so
 * that it crosses a process boundary unchanged (`nemocog mirror --json`).
 */
export type MirrorPhase = 'live' | 'catching-up' | 'failing';

export interface MirrorStatus {
  state: MirrorPhase;
  endpoint: string;
  project: string;
  /** Ended spans recorded but not yet confirmed in Phoenix. */
  behind: number;
  /** Spans confirmed since the mirror of this workspace and project began. */
  delivered: number;
  /** Spans still open in the store (a running tool call, branch or run): sent when they end. */
  open: number;
  /** The run the latest confirmed span belongs to. */
  lastRunId: string | null;
  lastDeliveredAt: number | null;
  /** When failing: what went wrong and what to do. */
  reason?: string;
  fix?: string;
  /** When failing: Phoenix is expected back by itself (down, busy) rather than misconfigured. */
  transient?: boolean;
  /** When failing: the next attempt (ms since epoch). */
  retryAt?: number;
}

/** One line for a status bar or a log: "Phoenix: live", "Phoenix: behind by 12", "Phoenix: failing — …". */
export function describeStatus(s: MirrorStatus): string {
  switch (s.state) {
    case 'live':
      return 'live';
    case 'catching-up':
      return `behind by ${s.behind} span${s.behind === 1 ? '' : 's'}`;
    case 'failing':
      return `failing — ${s.reason ?? 'unknown error'}${s.behind ? ` (${s.behind} span${s.behind === 1 ? '' : 's'} waiting)` : ''}`;
  }
}
