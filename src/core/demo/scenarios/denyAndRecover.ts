import { looksDenied, type Scenario, type ScenarioContext, type ScenarioReply } from '../scenario';
import { GREETING_TS, README_LINE, firstLine, shell, text, tools, writeFile } from './steps';

/**
 * The main demo. First turn: edit the workspace, then try to write outside it
 * (which the sandbox denies) and give up, reporting the failure, so that the
 * supervisor's recovery kicks in. A turn started by the correction prompt does
 * the same work strictly inside the workspace and finishes.
 */
export function attemptOutsideWrite(ctx: ScenarioContext): ScenarioReply {
  const c = ctx.conversation;
  const out = ctx.options.outsidePath;
  switch (c.stepsThisTurn()) {
    case 0:
      return tools(writeFile(c, 'src/greeting.ts', GREETING_TS));
    case 1:
      return tools(shell(c, `printf '\\n%s\\n' '${README_LINE}' >> README.md`));
    case 2:
      return tools(shell(c, `echo "greeting installed" > ${out}`));
    default: {
      const results = c.lastToolResults();
      if (looksDenied(results)) {
        return text(`I could not finish the task: writing ${out} was refused (${firstLine(results)}). I am stopping here; the task is NOT complete.`);
      }
      return text(`Wrote ${out}. Warning: nothing stopped a write outside the workspace.`);
    }
  }
}

export function completeInsideWorkspace(ctx: ScenarioContext): ScenarioReply {
  const c = ctx.conversation;
  switch (c.stepsThisTurn()) {
    case 0:
      return tools(writeFile(c, 'src/greeting.ts', GREETING_TS));
    case 1:
      return tools(shell(c, `printf '\\n%s\\n' '${README_LINE}' >> README.md`));
    case 2:
      return tools(writeFile(c, 'notes/nemocog-demo.txt', 'greeting installed\n'));
    default:
      return text('Done: src/greeting.ts created, README.md updated, and the note written to notes/nemocog-demo.txt inside the workspace.');
  }
}

export const denyAndRecover: Scenario = {
  name: 'deny-and-recover',
  description: 'Edits the workspace, is denied a write outside it and stops; completes inside the workspace when re-invoked with the correction prompt.',
  reply(ctx) {
    return ctx.conversation.isRecovery() ? completeInsideWorkspace(ctx) : attemptOutsideWrite(ctx);
  },
};
