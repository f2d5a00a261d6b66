/**
 * The structured prompt a user's fork starts with ("fork from here"): the
 * original task, what the branch did up to the chosen step, and the user's new
 * instruction. Like the correction prompt, it never carries checkpoint ids,
 * node ids or sandbox internals: the agent's context stays about the task.
 */

export const FORK_MARKER = 'NemoCognition fork';

export interface ForkHistoryStep {
  /** "exec: npm test", "write: src/a.ts", "model: asked for exec". Untrusted text, clipped here. */
  what: string;
  outcome: 'ok' | 'failed' | 'denied' | 'open';
  /** The rule or reason, for a denial or failure. */
  detail?: string;
}

export interface ForkPromptInput {
  task: string;
  /** 1-based number of this fork in the run. */
  forkNumber: number;
  /** The branch forked from, as users see it ("main", "recovery-1"). */
  fromBranch: string;
  /** 1-based step number within that branch. */
  fromStep: number;
  history: ForkHistoryStep[];
  instruction: string;
}

const MAX_HISTORY = 25;
const clip = (s: string, n: number) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n)}…` : one;
};

export function buildForkPrompt(input: ForkPromptInput): string {
  const lines: string[] = [];
  lines.push(`[${FORK_MARKER} ${input.forkNumber}]`);
  lines.push(
    `You continue an earlier attempt at this task from a saved point: right after step ${input.fromStep} of its branch "${clip(input.fromBranch, 60)}". ` +
      'Your sandbox holds the files exactly as they were at that point; nothing that attempt did afterwards is present.',
  );
  lines.push('', 'Original task:', input.task.trim());
  lines.push('', 'What that attempt did up to that point:');
  const shown = input.history.slice(-MAX_HISTORY);
  if (input.history.length > shown.length) lines.push(`- (${input.history.length - shown.length} earlier steps not listed)`);
  if (shown.length === 0) lines.push('- nothing yet: it had not called any tool');
  for (const h of shown) lines.push(`- ${clip(h.what, 200)}: ${h.outcome}${h.detail ? ` (${clip(h.detail, 160)})` : ''}`);
  lines.push('', 'New instruction:', input.instruction.trim(), '');
  lines.push('Follow the new instruction, working only inside your current directory. When you are done, say what you did.');
  return lines.join('\n');
}
