/**
 * Recognises the kernel's refusals in a tool's output. A denied write
 * reaches the model as e.g. `/bin/bash: line 3: /etc/x: Read-only file system`
 * or `... Permission denied` followed by `(Command exited with code 1)`; a
 * refused connection as `connect EACCES 127.0.0.1:8080`.
 */
import { Scrubber } from '../redact/scrubber';
import type { PolicyDecision } from './types';

const scrubber = new Scrubber();

const FS: Array<{ re: RegExp; rule: string }> = [
  // shell: "<path>: Permission denied" / "Read-only file system" / "Operation not permitted"
  { re: /(?:^|[\s:'"`(])((?:\/|\.{1,2}\/|~\/)[^\s:'"`]*):\s*(Permission denied|Read-only file system|Operation not permitted)/gm, rule: '' },
  // Node: "EACCES: permission denied, open '/etc/x'"
  { re: /\b(EACCES|EROFS|EPERM): [a-z -]+, \w+ '([^']+)'/g, rule: '' },
  // Python: "PermissionError: [Errno 13] Permission denied: '/etc/x'"
  { re: /\[Errno (13|30|1)\] (Permission denied|Read-only file system|Operation not permitted): '([^']+)'/g, rule: '' },
];

function fsRule(text: string): string {
  if (/read-only file system|EROFS|Errno 30/i.test(text)) return 'kernel.fs.read_only';
  if (/operation not permitted|EPERM|Errno 1\b/i.test(text)) return 'kernel.fs.not_permitted';
  return 'kernel.fs.permission_denied';
}

export function detectKernelDenials(output: string, ctx: { toolName?: string; toolCallId?: string } = {}): PolicyDecision[] {
  const out: PolicyDecision[] = [];
  const seen = new Set<string>();
  const add = (d: PolicyDecision) => {
    const key = `${d.rule}|${d.path ?? ''}|${d.host ?? ''}|${d.port ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ ...d, detail: scrubber.scrub(d.detail), ...(ctx.toolName ? { toolName: ctx.toolName } : {}), ...(ctx.toolCallId ? { toolCallId: ctx.toolCallId } : {}) });
  };
  const lineOf = (idx: number) => {
    const start = output.lastIndexOf('\n', idx) + 1;
    const end = output.indexOf('\n', idx);
    return output.slice(start, end === -1 ? undefined : end).trim().slice(0, 300);
  };
  for (const m of output.matchAll(FS[0].re)) add({ decision: 'deny', source: 'kernel', rule: fsRule(m[2]), detail: lineOf(m.index ?? 0), path: m[1] });
  for (const m of output.matchAll(FS[1].re)) add({ decision: 'deny', source: 'kernel', rule: fsRule(m[1]), detail: lineOf(m.index ?? 0), path: m[2] });
  for (const m of output.matchAll(FS[2].re)) add({ decision: 'deny', source: 'kernel', rule: fsRule(m[2]), detail: lineOf(m.index ?? 0), path: m[3] });
  // Connections refused by the sandbox (Landlock TCP rules answer EACCES, not ECONNREFUSED).
  for (const m of output.matchAll(/connect EACCES ([\w.:-]+?):(\d+)\b/g)) add({ decision: 'deny', source: 'kernel', rule: 'kernel.net.connect_denied', detail: lineOf(m.index ?? 0), host: m[1], port: Number(m[2]) });
  for (const m of output.matchAll(/Failed to connect to (\S+) port (\d+)[^\n]*Permission denied/g)) add({ decision: 'deny', source: 'kernel', rule: 'kernel.net.connect_denied', detail: lineOf(m.index ?? 0), host: m[1], port: Number(m[2]) });
  return out;
}
