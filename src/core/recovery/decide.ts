/**
 * Whether a finished agent turn needs a recovery branch. A denial the agent
 * got past within the turn (it pivoted and then did successful work) needs
 * none; a denial that ended its progress does. OpenClaw's `replayInvalid`
 * only says the turn had side effects: then recovery must restore a snapshot
 * into a fresh sandbox rather than simply retry in place.
 */

export interface TurnFacts {
  /** Indexes (in tool-call order) of tool calls whose result carried a denial. */
  deniedCallIndexes: number[];
  /** Total tool calls in the turn, and which of them succeeded. */
  toolCalls: Array<{ ok: boolean; mutating: boolean }>;
  /** The turn ended in an error (agent crash, timeout, malformed envelope). */
  turnFailed: boolean;
  replayInvalid: boolean;
}

export type RecoveryVerdict =
  | { recover: false; why: string }
  | { recover: true; why: string; mode: 'restore' | 'retry' };

export function needsRecovery(f: TurnFacts): RecoveryVerdict {
  if (f.deniedCallIndexes.length === 0) return { recover: false, why: 'no policy denial in this turn' };
  const last = Math.max(...f.deniedCallIndexes);
  const after = f.toolCalls.slice(last + 1);
  const pivoted = after.some((c) => c.ok && c.mutating);
  if (pivoted && !f.turnFailed) {
    return { recover: false, why: 'the agent got past the denial within the turn (later successful changes)' };
  }
  return {
    recover: true,
    why: pivoted ? 'the turn failed after the denial' : 'the agent made no further progress after the denial',
    // Side effects happened (or may have): only a restore gives a clean start.
    mode: f.replayInvalid || f.toolCalls.some((c) => c.mutating) ? 'restore' : 'retry',
  };
}
