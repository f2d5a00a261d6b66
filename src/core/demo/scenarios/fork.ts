import type { ScenarioContext, ScenarioReply } from '../scenario';
import { text, tools, writeFile } from './steps';

export const FORK_NOTE = 'notes/fork.md';

/**
 * How the scripted demo model answers a user's fork, whatever the scenario:
 * it cannot understand instructions, so it says so plainly and records the
 * instruction it was given in notes/fork.md (inside the workspace, so the fork
 * completes), then finishes. The fork's lane, its memory update and its
 * result are real; only the model's "thinking" is scripted.
 */
export function followForkInstruction(ctx: ScenarioContext): ScenarioReply {
  const c = ctx.conversation;
  const instruction = c.forkInstruction() || '(no instruction found in the fork prompt)';
  switch (c.stepsThisTurn()) {
    case 0:
      return tools(
        writeFile(
          c,
          FORK_NOTE,
          `# Fork\n\nThe offline demo model follows a script; it recorded the instruction it was given:\n\n${instruction}\n`,
        ),
      );
    default:
      return text(`Done: this fork started from the chosen step; the demo model recorded your instruction in ${FORK_NOTE}.`);
  }
}
