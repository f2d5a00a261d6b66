import type { Scenario } from '../scenario';
import { shell, tools } from './steps';

/** Runs one harmless command, then never answers again: exercises the agent timeout and cancellation. */
export const timeout: Scenario = {
  name: 'timeout',
  description: 'One tool call, then the model hangs until the client aborts.',
  reply(ctx) {
    const c = ctx.conversation;
    return c.stepsThisTurn() === 0 ? tools(shell(c, 'echo started')) : { kind: 'hang' };
  },
};
