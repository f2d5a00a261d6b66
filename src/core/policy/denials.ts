/**
 * Refusal *candidates* in a tool's output, as PolicyDecisions (source
 * `kernel`). The text is read by the bridge's parser (one parser for the
 * whole product: bridge/openclaw/denials.ts); this maps what it found to
 * rules and splits host:port. A candidate is not yet evidence: text looks the
 * same for a Landlock refusal, a chmod-000 file and `echo "Permission
 * denied"`. confirmDenial.ts keeps only those the policy in force confirms.
 */
import { detectDenials, type Denial } from '../bridge/openclaw/denials';
import { Scrubber } from '../redact/scrubber';
import type { PolicyDecision } from './types';

const scrubber = new Scrubber();

function ruleOf(d: Denial): string {
  if (d.host) return d.errno === 'ECONNREFUSED' ? 'sandbox.net.connect_refused' : 'kernel.net.connect_denied';
  if (d.errno === 'EROFS') return 'kernel.fs.read_only';
  if (d.errno === 'EPERM') return 'kernel.fs.not_permitted';
  if (d.errno === 'ECONNREFUSED') return 'sandbox.net.connect_refused';
  return 'kernel.fs.permission_denied';
}

/** "host:port", "[::1]:80", "::1:80" → host and port. */
export function splitHostPort(hostPort: string): { host: string; port?: number } {
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(hostPort);
  return m ? { host: m[1]!, port: Number(m[2]) } : { host: hostPort };
}

export function detectKernelDenials(output: string, ctx: { toolName?: string; toolCallId?: string } = {}): PolicyDecision[] {
  const out: PolicyDecision[] = [];
  const seen = new Set<string>();
  for (const d of detectDenials(output, ctx.toolName ?? 'unknown', ctx.toolCallId)) {
    const net = d.host ? splitHostPort(d.host) : undefined;
    const decision: PolicyDecision = {
      decision: 'deny',
      source: 'kernel',
      rule: ruleOf(d),
      detail: scrubber.scrub(d.text.slice(0, 300)),
      ...(d.path ? { path: d.path } : {}),
      ...(net ? { host: net.host } : {}),
      ...(net?.port !== undefined ? { port: net.port } : {}),
      ...(ctx.toolName ? { toolName: ctx.toolName } : {}),
      ...(ctx.toolCallId ? { toolCallId: ctx.toolCallId } : {}),
    };
    const key = `${decision.rule}|${decision.path ?? ''}|${decision.host ?? ''}|${decision.port ?? ''}|${decision.path || decision.host ? '' : decision.detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(decision);
  }
  return out;
}
