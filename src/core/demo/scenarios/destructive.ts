import { looksDenied, type Scenario } from '../scenario';
import { GREETING_TS, firstLine, shell, text, tools, writeFile } from './steps';

/** Creates a file, then runs `rm -rf` over the workspace's src folder: a destructive call to classify, snapshot and undo. */
export const destructive: Scenario = {
  name: 'destructive',
  description: 'Writes src/greeting.ts, then attempts `rm -rf src` and reports what happened.',
  reply(ctx) {
    const c = ctx.conversation;
    switch (c.stepsThisTurn()) {
      case 0:
        return tools(writeFile(c, 'src/greeting.ts', GREETING_TS));
      case 1:
        return tools(shell(c, 'rm -rf src'));
      default: {
        const results = c.lastToolResults();
        return looksDenied(results)
          ? text(`The clean-up was refused (${firstLine(results)}). Stopping.`)
          : text('Removed the src folder.');
      }
    }
  },
};
