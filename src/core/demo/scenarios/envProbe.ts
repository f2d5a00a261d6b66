import type { Scenario } from '../scenario';
import { shell, text, tools } from './steps';

/**
 * Security probe, not a story: runs `env` through the agent's shell tool so a
 * test can check what a tool process inherits (the supervisor secret and the
 * user's keys must not be there).
 */
export const envProbe: Scenario = {
  name: 'env-probe',
  description: 'Runs `env` via the shell tool, then finishes.',
  reply(ctx) {
    const c = ctx.conversation;
    return c.stepsThisTurn() === 0 ? tools(shell(c, 'env')) : text('Environment listed.');
  },
};
