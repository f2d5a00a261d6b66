/**
 * The structured correction prompt a recovery branch starts with: what was
 * attempted, what was denied and by which rule, what is allowed. It never
 * carries checkpoint ids or sandbox internals: the agent's context stays
 * about the task, not about NemoCognition's bookkeeping.
 */

export const RECOVERY_MARKER = 'NemoCognition recovery';

export interface DeniedAction {
  tool: string;
  /** What the agent tried, e.g. the shell command or the file path. */
  attempted: string;
  /** Who denied it: the kernel sandbox, the supervisor policy, ... */
  source: string;
  rule: string;
  detail: string;
}

export interface CorrectionInput {
  task: string;
  attempt: number;
  maxAttempts: number;
  denied: DeniedAction[];
  /** Where the new sandbox starts from, in the agent's words. */
  startsFrom: 'the original workspace' | 'the last good state of the previous attempt' | 'the step it was forked from';
  allowedWrite: string[];
  allowedRead: string[];
  allowedNetwork: string[];
}

const clip = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}…` : s);

export function buildCorrectionPrompt(input: CorrectionInput): string {
  const lines: string[] = [];
  lines.push(`[${RECOVERY_MARKER} ${input.attempt}/${input.maxAttempts}]`);
  lines.push(
    `A previous attempt at this task was stopped by the sandbox policy. You are now in a fresh sandbox that starts from ${input.startsFrom}; changes made by the failed attempt are not present.`,
  );
  lines.push('', 'Task:', input.task.trim(), '', 'What was attempted and denied:');
  for (const d of input.denied) {
    lines.push(`- ${d.tool}: ${clip(d.attempted)}`);
    lines.push(`  denied by ${d.source} (rule: ${d.rule}): ${clip(d.detail, 200)}`);
  }
  lines.push('', 'What is allowed:');
  lines.push(`- write: ${input.allowedWrite.join(', ') || 'nothing'}`);
  if (input.allowedRead.length) lines.push(`- read: ${input.allowedRead.join(', ')}`);
  lines.push(`- network: ${input.allowedNetwork.join(', ') || 'none'}`);
  lines.push(
    '',
    'Complete the task using only allowed operations. Do not retry a denied operation or try to work around the policy; if the task cannot be done within it, say so plainly in your final answer.',
  );
  return lines.join('\n');
}
