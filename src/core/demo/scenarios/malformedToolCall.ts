import type { Scenario } from '../scenario';
import { firstLine, text } from './steps';

/** Emits a tool call whose arguments are not valid JSON, then reports whatever the agent made of it. */
export const malformedToolCall: Scenario = {
  name: 'malformed-tool-call',
  description: 'Sends a tool call with truncated (invalid) JSON arguments, then finishes.',
  reply(ctx) {
    const c = ctx.conversation;
    if (c.stepsThisTurn() === 0) {
      const name = c.execTool()?.name ?? c.tools[0]?.name ?? 'exec';
      return { kind: 'tools', calls: [{ name, arguments: '{"command": "echo hi' }] };
    }
    return text(`The tool call could not be run (${firstLine(c.lastToolResults()) || 'no result'}). Stopping.`);
  },
};
