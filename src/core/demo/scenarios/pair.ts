import { PAIR_MARKER } from '../../run/pairPrompts';
import { looksDenied, type Scenario, type ScenarioContext, type ScenarioReply } from '../scenario';
import { firstLine, shell, text, tools, writeFile } from './steps';

/**
 * Two agents in one run: a coder and a reviewer taking turns in one shared
 * sandbox (the run's pair mode tells each turn's role in its first line).
 * The coder writes a greeting that mishandles an empty name; the reviewer
 * reads it and first tries to file its review outside the workspace, which
 * the sandbox denies, so the pair restarts from the last cross-agent
 * checkpoint; the reviewer then writes REVIEW.md and asks for a fix; the
 * coder makes it.
 */
export const GREETING_V1 = "export function greet(name: string): string {\n  return 'Hello, ' + name + '!';\n}\n";
export const GREETING_V2 = "export function greet(name: string): string {\n  const who = name.trim() || 'world';\n  return `Hello, ${who}!`;\n}\n";
export const INDEX_TS = "import { greet } from './greeting';\n\nexport function main(): string {\n  return greet('NemoCognition');\n}\n";
export const REVIEW_MD = "# Review of src/greeting.ts\n\n- greet('') returns 'Hello, !': fall back to 'world' when the name is empty or blank.\n";
export const FIX_REQUEST = "FIX: greet('') returns 'Hello, !'; fall back to 'world' when the name is empty or blank (details in REVIEW.md).";

const ROLE = (role: string) => `${PAIR_MARKER} · ${role}`;

function coderFirst(ctx: ScenarioContext): ScenarioReply {
  const c = ctx.conversation;
  switch (c.stepsThisTurn()) {
    case 0:
      return tools(writeFile(c, 'src/greeting.ts', GREETING_V1));
    case 1:
      return tools(writeFile(c, 'src/index.ts', INDEX_TS));
    default:
      return text('Added greet(name) in src/greeting.ts and used it from src/index.ts. Ready for review.');
  }
}

function coderFix(ctx: ScenarioContext): ScenarioReply {
  const c = ctx.conversation;
  switch (c.stepsThisTurn()) {
    case 0:
      return tools(shell(c, 'cat REVIEW.md'));
    case 1:
      return tools(writeFile(c, 'src/greeting.ts', GREETING_V2));
    default:
      return text("Fixed: greet() now falls back to 'world' for an empty or blank name.");
  }
}

function review(ctx: ScenarioContext): ScenarioReply {
  const c = ctx.conversation;
  const recovering = c.isRecovery();
  switch (c.stepsThisTurn()) {
    case 0:
      return tools(shell(c, 'cat src/greeting.ts'));
    case 1:
      // First time, the reviewer files its review outside the workspace: the sandbox refuses it.
      return recovering ? tools(writeFile(c, 'REVIEW.md', REVIEW_MD)) : tools(shell(c, `printf '%s\\n' 'needs a fix: empty name' > ${ctx.options.outsidePath}-review`));
    default: {
      const results = c.lastToolResults();
      if (!recovering && looksDenied(results)) {
        return text(`I could not file my review: ${firstLine(results)}. Stopping here; the review is NOT complete.`);
      }
      return text(FIX_REQUEST);
    }
  }
}

export const pair: Scenario = {
  name: 'pair',
  description: 'Coder and reviewer take turns in one sandbox; the reviewer is denied a write outside it, the pair restarts from the last hand-over, the reviewer asks for a fix and the coder makes it.',
  reply(ctx) {
    const said = ctx.conversation.lastUserText();
    if (said.includes(ROLE('reviewer'))) return review(ctx);
    if (said.includes(ROLE('coder · fix'))) return coderFix(ctx);
    return coderFirst(ctx);
  },
};
