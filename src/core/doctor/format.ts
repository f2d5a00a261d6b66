/** The doctor's table, for a terminal or an output channel (plain text, no colour codes). */
import type { CheckStatus, DoctorReport } from './types';

const LABEL: Record<CheckStatus, string> = { pass: 'ok', warn: 'WARN', fail: 'FAIL', skip: '-' };

export function formatReport(r: DoctorReport): string {
  const w = Math.max(...r.checks.map((c) => c.title.length), 5);
  const lines = [`${'CHECK'.padEnd(w)}  RESULT  DETAIL`];
  for (const c of r.checks) {
    lines.push(`${c.title.padEnd(w)}  ${LABEL[c.status].padEnd(6)}  ${c.detail}`);
    // A short indent: editors draw guides for deep ones (the output channel does).
    if (c.fix && (c.status === 'fail' || c.status === 'warn')) lines.push(`  → fix: ${c.fix}`);
  }
  const failed = r.checks.filter((c) => c.status === 'fail').length;
  const warned = r.checks.filter((c) => c.status === 'warn').length;
  lines.push('');
  lines.push(
    failed
      ? `${failed} check(s) failed: a run would fail until they are fixed.${warned ? ` ${warned} warning(s).` : ''}`
      : `All checks passed${warned ? ` (${warned} warning(s): a run works, with less)` : ''}.`,
  );
  return lines.join('\n');
}
