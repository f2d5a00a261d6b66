/**
 * The one parser of denial text (the policy layer's detectKernelDenials and
 * the supervisor build on it). It only finds *candidates*: text that looks
 * like a refusal. Whether the sandbox really refused is decided elsewhere,
 * against the policy in force (src/core/policy/confirmDenial.ts), because a
 * chmod-000 file or output that merely prints the words looks the same.
 *
 * Finds policy denials in what tools returned to the agent. The kernel's
 * refusals (Landlock, read-only mounts, seccomp, a namespace without a route)
 * reach the model only as text inside a tool result, e.g.
 *   /bin/bash: line 1: /etc/x: Permission denied
 *   (Command exited with code 1)
 * and OpenClaw's `toolSummary.failures` stays 0 for them. A call the
 * supervisor plugin blocked comes back with `details.status: "blocked"`.
 * Tool output is untrusted: this only reads it, with bounded regexes.
 */

export type DenialErrno = 'EACCES' | 'EPERM' | 'EROFS' | 'ECONNREFUSED' | 'BLOCKED';

export interface Denial {
  tool: string;
  errno: DenialErrno;
  /** Who refused: the kernel (seen in the output) or the supervisor plugin (blocked before running). */
  source: 'kernel' | 'supervisor';
  path?: string;
  /** host:port for network denials. */
  host?: string;
  /** The line that carried the denial (at most 500 characters). */
  text: string;
  toolCallId?: string;
}

const MAX_SCAN_CHARS = 256 * 1024;
const Q = `['"\u2018\u2019\u201c\u201d\`]`;

interface Rule {
  re: RegExp;
  errno: DenialErrno;
  where?: (m: RegExpExecArray) => { path?: string; host?: string };
}

// Order matters: the first rule that matches a line wins.
const RULES: Rule[] = [
  // Node / libuv style: "EACCES: permission denied, open '/etc/x'"
  { re: new RegExp(`\\b(EACCES|EPERM|EROFS)\\b[^\\n]*?,\\s*\\w+\\s+${Q}([^'"\u2019\u201d\`\\n]+)${Q}`), errno: 'EACCES', where: (m) => ({ path: m[2] }) },
  // Node net: "connect EACCES 127.0.0.1:9999" / "connect ECONNREFUSED 127.0.0.1:9999"
  { re: /\bconnect\s+(EACCES|EPERM|ECONNREFUSED)\s+(\[?[0-9a-fA-F.:]+\]?:\d+)/, errno: 'EACCES', where: (m) => ({ host: m[2] }) },
  // curl: "Failed to connect to host port 443 ... Connection refused" / "Permission denied"
  { re: /Failed to connect to (\S+) port (\d+)[^\n]*?(Connection refused|Permission denied|Operation not permitted)/i, errno: 'ECONNREFUSED', where: (m) => ({ host: `${m[1]}:${m[2]}` }) },
  // Python: "PermissionError: [Errno 13] Permission denied: '/etc/x'"
  { re: /\[Errno (?:13|30|1)\] (?:Permission denied|Read-only file system|Operation not permitted): '([^'\n]+)'/, errno: 'EACCES', where: (m) => ({ path: m[1] }) },
  // coreutils: "touch: cannot touch '/etc/x': Permission denied"
  { re: new RegExp(`${Q}([^'"\u2019\u201d\`\\n]+)${Q}:\\s*(Permission denied|Read-only file system|Operation not permitted)`), errno: 'EACCES', where: (m) => ({ path: m[1] }) },
  // shells: "/bin/bash: line 1: /etc/x: Permission denied", "sh: 1: cannot create /etc/x: Permission denied"
  { re: /(?:^|\s|:)(\/[^\s:'"]*|~\/[^\s:'"]*|\.{1,2}\/[^\s:'"]*):\s*(Permission denied|Read-only file system|Operation not permitted)/, errno: 'EACCES', where: (m) => ({ path: m[1] }) },
  // anything else that names the errno or its message
  { re: /(Permission denied|Read-only file system|Operation not permitted|\bEACCES\b|\bEPERM\b|\bEROFS\b)/, errno: 'EACCES' },
  { re: /Connection refused[^\n]*(?:policy|proxy|egress)|(?:policy|proxy|egress)[^\n]*(?:Connection refused|denied)/i, errno: 'ECONNREFUSED' },
];

function errnoFrom(text: string, fallback: DenialErrno): DenialErrno {
  if (/Read-only file system|\bEROFS\b/.test(text)) return 'EROFS';
  if (/Operation not permitted|\bEPERM\b/.test(text)) return 'EPERM';
  if (/Permission denied|\bEACCES\b/i.test(text)) return fallback === 'ECONNREFUSED' && /Connection refused/i.test(text) ? 'ECONNREFUSED' : 'EACCES';
  if (/Connection refused|ECONNREFUSED/i.test(text)) return 'ECONNREFUSED';
  return fallback;
}

/** Kernel denials in a text (one per offending line). */
export function detectDenials(text: string, tool = 'unknown', toolCallId?: string): Denial[] {
  const out: Denial[] = [];
  const body = text.length > MAX_SCAN_CHARS ? text.slice(0, MAX_SCAN_CHARS) : text;
  for (const rawLine of body.split('\n')) {
    const line = rawLine.length > 2000 ? rawLine.slice(0, 2000) : rawLine;
    for (const rule of RULES) {
      const m = rule.re.exec(line);
      if (!m) continue;
      const d: Denial = { tool, errno: errnoFrom(line, rule.errno), source: 'kernel', text: line.trim().slice(0, 500) };
      if (toolCallId) d.toolCallId = toolCallId;
      const where = rule.where?.(m);
      if (where?.path) d.path = where.path.trim();
      if (where?.host) d.host = where.host;
      out.push(d);
      break;
    }
  }
  return out;
}

/** Text parts of an OpenClaw tool result (`{ content: [{ type: 'text', text }], details }`) or a plain string. */
export function toolResultText(result: unknown): string {
  if (typeof result === 'string') return result;
  if (!result || typeof result !== 'object') return '';
  const r = result as { content?: unknown; details?: { aggregated?: unknown } };
  if (Array.isArray(r.content)) {
    return r.content
      .map((c) => (c && typeof c === 'object' && typeof (c as { text?: unknown }).text === 'string' ? (c as { text: string }).text : ''))
      .filter(Boolean)
      .join('\n');
  }
  return typeof r.details?.aggregated === 'string' ? r.details.aggregated : '';
}

export interface ToolOutcome {
  toolName: string;
  toolCallId?: string;
  result?: unknown;
  error?: string;
}

/** Denials in one tool call's outcome, as the supervisor plugin's after_tool_call reports it. */
export function denialsInToolOutcome(o: ToolOutcome): Denial[] {
  const details = o.result && typeof o.result === 'object' ? (o.result as { details?: { status?: unknown; reason?: unknown } }).details : undefined;
  if (details?.status === 'blocked') {
    const reason = typeof details.reason === 'string' ? details.reason : toolResultText(o.result);
    const d: Denial = { tool: o.toolName, errno: 'BLOCKED', source: 'supervisor', text: reason.slice(0, 500) };
    if (o.toolCallId) d.toolCallId = o.toolCallId;
    return [d];
  }
  const text = [toolResultText(o.result), o.error ?? ''].filter(Boolean).join('\n');
  return detectDenials(text, o.toolName, o.toolCallId);
}
