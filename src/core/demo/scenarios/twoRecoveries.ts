import type { Scenario } from '../scenario';
import { attemptOutsideWrite, completeInsideWorkspace } from './denyAndRecover';

const SEEN = 'two-recoveries:seen-recovery-prompts';

/**
 * Like deny-and-recover, but the first recovery attempt is denied again; only
 * the second one completes. The attempt number comes from the correction
 * prompt ("attempt 2") when it says so, otherwise from how many distinct
 * correction prompts this server has seen.
 */
export const twoRecoveries: Scenario = {
  name: 'two-recoveries',
  description: 'Denied on the first turn and again on the first recovery; completes on the second recovery.',
  reply(ctx) {
    const c = ctx.conversation;
    if (!c.isRecovery()) return attemptOutsideWrite(ctx);
    const seen = (ctx.state.get(SEEN) as Set<string> | undefined) ?? new Set<string>();
    ctx.state.set(SEEN, seen);
    seen.add(c.lastUserText());
    const attempt = c.recoveryAttempt() ?? seen.size;
    return attempt <= 1 ? attemptOutsideWrite(ctx) : completeInsideWorkspace(ctx);
  },
};
