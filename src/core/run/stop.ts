/**
 * Why NemoCognition itself stopped a turn early (the model endpoint keeps
 * failing, the store can no longer record). The cause travels as the
 * AbortSignal's reason: to the agent runner the stop is a cancel, to the user
 * it reads as its cause. A user's cancel has no StopCause.
 */
import type { TurnFailure } from './agentPort';

export class StopCause extends Error {
  constructor(readonly failure: TurnFailure) {
    super(failure.message);
    this.name = 'StopCause';
  }
}

/** A controller whose signal also fires when `parent` does (keeping the parent's reason). */
export function stoppable(parent?: AbortSignal): { signal: AbortSignal; stop(failure: TurnFailure): void } {
  const own = new AbortController();
  return {
    signal: parent ? AbortSignal.any([parent, own.signal]) : own.signal,
    stop: (failure) => {
      if (!own.signal.aborted) own.abort(new StopCause(failure));
    },
  };
}

export function stopCauseOf(signal: AbortSignal | undefined): TurnFailure | null {
  return signal?.aborted && signal.reason instanceof StopCause ? signal.reason.failure : null;
}
