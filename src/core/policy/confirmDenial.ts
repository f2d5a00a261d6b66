/**
 * Is a refusal in a tool's output really the sandbox's? Text cannot say: a
 * Landlock refusal, a chmod-000 file in the workspace and `echo "Permission
 * denied"` all print the same words, and only the first may seal a branch and
 * start a recovery. A candidate (from denials.ts) is attributed to the
 * sandbox only when
 *   1. the call plausibly made that access: the path (or address) is one the
 *      call's classification reads, writes or connects to, or the call's
 *      targets are unknown (a script, inline code); printed text is not an
 *      access; and
 *   2. the policy in force confirms the access lies outside what it allows:
 *      a write outside the writable paths, a read outside the readable ones,
 *      a connection to an address:port that is not in the egress list.
 * Everything else is a tool error: recorded on the TOOL span, never a
 * GUARDRAIL span, never a recovery. Pure, apart from the optional probes.
 */
import path from 'node:path';
import { isInside } from './paths';
import type { Classification, PolicyDecision } from './types';

export interface DenialContext {
  /** The branch's sandbox folder: relative paths resolve against it; always writable. */
  workdir: string;
  /** The agent's home inside the sandbox (for `~`), when known. */
  home?: string;
  /** Writable paths of the policy in force, absolute (variables expanded). The workdir and /tmp are added. */
  readWrite: readonly string[];
  /** Readable paths of the policy in force, absolute. */
  readOnly: readonly string[];
  /** Allowed connections (the gateway included). */
  egress: ReadonlyArray<{ host: string; port: number }>;
  /** What the call was classified as before it ran. */
  classification?: Pick<Classification, 'reads' | 'writes' | 'network' | 'blastRadius'>;
  /** Resolves symlinks of the existing part of a path (the sandbox sees the same paths). */
  realpath?: (abs: string) => string;
  /** Would the file permissions alone (outside any sandbox) allow this access? undefined = unknown. */
  permits?: (abs: string, access: 'read' | 'write') => boolean | undefined;
}

export interface ToolPermissionError {
  /** The line that looked like a refusal. */
  detail: string;
  path?: string;
  host?: string;
  port?: number;
  /** Why it is not the sandbox's doing. */
  why: string;
}

export interface DenialAttribution {
  /** Refusals the policy confirms: GUARDRAIL spans, and grounds for recovery. */
  sandbox: Array<PolicyDecision & { confirmation: string }>;
  /** Everything else: the tool failed, the sandbox was not involved. */
  toolErrors: ToolPermissionError[];
}

/** The private /tmp (and the home inside it) is always writable in the local sandbox. */
const ALWAYS_WRITABLE = ['/tmp'];
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '0.0.0.0']);

type Access = 'read' | 'write' | 'unknown';

const WRITE_TEXT = /Read-only file system|EROFS|cannot (?:create|touch|remove|move|overwrite|make|mkdir|link|change|set)|for writing|\b(?:mkdir|rmdir|unlink|rename|symlink|link|copyfile|chmod|chown|utime|truncate|mkdtemp|ftruncate),\s/i;
const READ_TEXT = /cannot (?:open '[^']*' for reading|access|read|stat)|for reading|\b(?:scandir|opendir|stat|lstat|access|readlink),\s/i;

function accessFromText(line: string): Access {
  if (WRITE_TEXT.test(line)) return 'write';
  if (READ_TEXT.test(line)) return 'read';
  return 'unknown';
}

function related(a: string, b: string): boolean {
  return isInside(a, b) || isInside(b, a);
}

function resolveIn(ctx: DenialContext, p: string): string {
  let s = p.trim();
  if (s === '~' || s.startsWith('~/')) s = (ctx.home ?? '/tmp/home') + s.slice(1);
  const abs = path.resolve(ctx.workdir, s);
  if (!ctx.realpath) return abs;
  try {
    return ctx.realpath(abs);
  } catch {
    return abs;
  }
}

function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === '*' || p === h || (LOOPBACK.has(p) && LOOPBACK.has(h))) return true;
  return p.startsWith('*.') && (h.endsWith(p.slice(1)) || h === p.slice(2));
}

export function attributeDenials(candidates: readonly PolicyDecision[], ctx: DenialContext): DenialAttribution {
  const out: DenialAttribution = { sandbox: [], toolErrors: [] };
  const writable = [ctx.workdir, ...ctx.readWrite, ...ALWAYS_WRITABLE].map((p) => path.resolve(p));
  const readable = [...writable, ...ctx.readOnly.map((p) => path.resolve(p))];
  const c = ctx.classification;
  const unknownTargets = c?.blastRadius.unknownTargets ?? false;

  for (const d of candidates) {
    const toolError = (why: string) =>
      out.toolErrors.push({ detail: d.detail, why, ...(d.path ? { path: d.path } : {}), ...(d.host ? { host: d.host } : {}), ...(d.port !== undefined ? { port: d.port } : {}) });
    const sandbox = (confirmation: string, extra: Partial<PolicyDecision> = {}) => out.sandbox.push({ ...d, ...extra, confirmation });

    if (d.host !== undefined) {
      const touched = unknownTargets || (c?.network ?? []).some((n) => hostMatches(n.host, d.host!) || (n.port !== null && n.port === d.port));
      if (!touched) {
        toolError(`the call made no connection to ${d.host}${d.port !== undefined ? `:${d.port}` : ''}: the output only names it`);
        continue;
      }
      if (d.port === undefined) {
        toolError(`no port in "${d.detail}": the egress policy cannot confirm the refusal`);
        continue;
      }
      const allowed = ctx.egress.some((e) => e.port === d.port && hostMatches(e.host, d.host!));
      if (allowed) toolError(`${d.host}:${d.port} is allowed by the policy: the refusal came from the other end, not the sandbox`);
      else sandbox(`${d.host}:${d.port} is not in the policy's egress list (${ctx.egress.map((e) => `${e.host}:${e.port}`).join(', ') || 'none'})`);
      continue;
    }

    if (!d.path) {
      toolError('no path or address to check against the policy: the text alone is not evidence of a sandbox refusal');
      continue;
    }
    const abs = resolveIn(ctx, d.path);
    const lexical = path.resolve(ctx.workdir, d.path);
    const writes = (c?.writes ?? []).some((w) => related(w, abs) || related(w, lexical));
    const reads = (c?.reads ?? []).some((r) => related(r, abs) || related(r, lexical));
    if (!writes && !reads && !unknownTargets) {
      toolError(`the call did not access ${d.path}: the output only names it`);
      continue;
    }
    const fromText = d.rule === 'kernel.fs.read_only' ? 'write' : accessFromText(d.detail);
    const access: Access = fromText !== 'unknown' ? fromText : writes ? 'write' : reads && !unknownTargets ? 'read' : 'unknown';
    const canWrite = writable.some((w) => isInside(w, abs));
    const canRead = canWrite || readable.some((r) => isInside(r, abs));
    const where = abs === lexical ? d.path : `${d.path} (${abs})`;

    if (access === 'write') {
      if (canWrite) toolError(`${where} is writable under the policy: the file's own permissions refused the write`);
      else sandbox(`writing ${where} is outside the policy's writable paths`, { path: d.path });
    } else if (access === 'read') {
      if (canRead) toolError(`${where} is readable under the policy: the file's own permissions refused the read`);
      else sandbox(`reading ${where} is outside the policy's readable paths`, { path: d.path });
    } else if (!canRead) {
      sandbox(`${where} is outside every path the policy allows`, { path: d.path });
    } else if (canWrite) {
      toolError(`${where} is readable and writable under the policy: the file's own permissions refused the access`);
    } else if (ctx.permits?.(abs, 'read') === true) {
      // Readable by policy and by its permissions: what failed can only have been a write, which the policy forbids.
      sandbox(`${where} is read-only under the policy and its permissions allow reading, so a write was refused`, { path: d.path });
    } else {
      toolError(`${where} is readable under the policy; the access may have been a read its permissions refuse, so the sandbox cannot be confirmed`);
    }
  }
  return out;
}
