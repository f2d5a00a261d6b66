/** What one setup check found, and what to do about it. */

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export type CheckGroup = 'agent' | 'sandbox' | 'model' | 'key' | 'phoenix' | 'remote' | 'nemoclaw';

export interface CheckResult {
  /** Stable id, e.g. `model.tools` (tests and the VS Code view key on it). */
  id: string;
  group: CheckGroup;
  /** Short name shown in the table: "Model: tool calls". */
  title: string;
  /** pass; warn = a run works but with less (no Phoenix, a missing isolation layer); fail = a run would fail. */
  status: CheckStatus;
  /** What was found, one line, never a secret. */
  detail: string;
  /** What to do, for warn and fail. */
  fix?: string;
}

export interface DoctorReport {
  checks: CheckResult[];
  /** False when a run with this setup would fail. */
  ok: boolean;
}

export const pass = (id: string, group: CheckGroup, title: string, detail: string): CheckResult => ({ id, group, title, status: 'pass', detail });
export const fail = (id: string, group: CheckGroup, title: string, detail: string, fix: string): CheckResult => ({ id, group, title, status: 'fail', detail, fix });
export const warn = (id: string, group: CheckGroup, title: string, detail: string, fix: string): CheckResult => ({ id, group, title, status: 'warn', detail, fix });
export const skip = (id: string, group: CheckGroup, title: string, detail: string): CheckResult => ({ id, group, title, status: 'skip', detail });

/** One line of an error, for a detail column. */
export function oneLine(text: string, max = 240): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t || 'no details';
}
