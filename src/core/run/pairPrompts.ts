/**
 * What the two agents of a pair are told at each turn, and how the reviewer's
 * answer is read (pure). Every message starts with a marker naming the role
 * and the turn, so the scripted demo model (and a person reading the
 * transcript) knows who is speaking. No checkpoint id or sandbox internals.
 */

export const PAIR_MARKER = 'NemoCognition pair';

export type PairRole = 'coder' | 'reviewer';

export interface PairTurnPlan {
  role: PairRole;
  /** 1-based count of this role's turns. */
  turn: number;
  /** `fix` is the coder answering a review. */
  purpose: 'code' | 'review' | 'fix';
  message: string;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

export function coderFirstTurn(task: string): PairTurnPlan {
  return {
    role: 'coder',
    turn: 1,
    purpose: 'code',
    message: [`[${PAIR_MARKER} · coder · turn 1]`, 'You are the coder of a pair. After your turn, a reviewer agent reads your changes in this same workspace.', '', 'Task:', task.trim()].join('\n'),
  };
}

export function reviewerTurn(task: string, turn: number, changedFiles: string[], coderSaid: string | null): PairTurnPlan {
  const lines = [
    `[${PAIR_MARKER} · reviewer · turn ${turn}]`,
    'You are the reviewer of a pair. The coder agent has just worked on this task in this same workspace:',
    '',
    task.trim(),
    '',
    changedFiles.length ? `Files it changed since it took over: ${changedFiles.slice(0, 50).join(', ')}.` : 'It changed no file.',
  ];
  if (coderSaid) lines.push(`The coder said: "${clip(coderSaid.trim(), 1000)}"`);
  lines.push('', 'Read the changes. If they are right, answer with a line starting with APPROVED. Otherwise write what must be fixed in REVIEW.md and answer with a line starting with FIX: followed by the fix.');
  return { role: 'reviewer', turn, purpose: 'review', message: lines.join('\n') };
}

export function coderFixTurn(turn: number, review: string): PairTurnPlan {
  return {
    role: 'coder',
    turn,
    purpose: 'fix',
    message: [`[${PAIR_MARKER} · coder · fix · turn ${turn}]`, 'The reviewer read your changes and asks for a fix:', '', `"${clip(review.trim(), 2000)}"`, '', 'Make the fix in this workspace, then say what you changed.'].join('\n'),
  };
}

/** The reviewer approved when a line of its answer starts with APPROVED (and none asks for a fix). */
export function reviewApproved(answer: string | null): boolean {
  const text = answer ?? '';
  return /^\s*APPROVED\b/im.test(text) && !/^\s*FIX:/im.test(text);
}
