/**
 * Strict parser for the JSON envelope `openclaw agent --local --json` prints
 * (checked against OpenClaw 2026.9.6): `{ payloads: [...], meta: {...} }`.
 * It validates the fields NemoCognition relies on, keeps every other field
 * as it came (passthrough), and tolerates log lines printed before or after
 * the JSON. Everything else is a typed EnvelopeError.
 */

export type EnvelopeErrorKind = 'malformed' | 'too-large' | 'missing-fields';

export class EnvelopeError extends Error {
  constructor(
    public readonly kind: EnvelopeErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

export interface AgentPayload {
  text?: string;
  mediaUrl?: string | null;
  /** True on the payload OpenClaw prints when the run failed. */
  isError?: boolean;
  [k: string]: unknown;
}

export interface ToolSummary {
  calls: number;
  tools: string[];
  failures: number;
  /** Present when the last failing tool left an error unresolved, e.g. `{ toolName: 'exec' }`. */
  unresolvedError?: { toolName?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface AgentUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  total?: number;
  [k: string]: unknown;
}

export interface AgentMeta {
  durationMs: number;
  agentMeta: { sessionId: string; provider?: string; model?: string; usage?: AgentUsage; [k: string]: unknown };
  /** "This run had side effects and cannot simply be replayed": restore, do not retry. Not by itself a denial. */
  replayInvalid?: boolean;
  stopReason?: string;
  aborted?: boolean;
  toolSummary?: ToolSummary;
  finalAssistantVisibleText?: string;
  executionTrace?: Record<string, unknown>;
  /** Set when the turn failed, e.g. `{ kind: 'incomplete_turn', message: 'Provider returned an incomplete or malformed tool call' }`. */
  error?: { kind?: string; message?: string; [k: string]: unknown };
  /** e.g. "working" after a normal turn, "abandoned" after a failed one. */
  livenessState?: string;
  [k: string]: unknown;
}

export interface AgentEnvelope {
  payloads: AgentPayload[];
  meta: AgentMeta;
  [k: string]: unknown;
}

export const DEFAULT_MAX_ENVELOPE_BYTES = 10 * 1024 * 1024;

export interface ParseOptions {
  maxBytes?: number;
}

export function parseEnvelope(stdout: string, opts: ParseOptions = {}): AgentEnvelope {
  const max = opts.maxBytes ?? DEFAULT_MAX_ENVELOPE_BYTES;
  const bytes = Buffer.byteLength(stdout, 'utf8');
  if (bytes > max) throw new EnvelopeError('too-large', `The agent printed ${bytes} bytes, more than the ${max}-byte limit for its result; the run is treated as failed.`);
  const json = extractJson(stdout);
  if (json === undefined) {
    throw new EnvelopeError('malformed', `The agent's output holds no JSON envelope (${stdout.trim() ? `starts with ${JSON.stringify(stdout.trim().slice(0, 60))}` : 'it was empty'}).`);
  }
  return validate(json);
}

/**
 * Finds the envelope in stdout: the whole text when it is JSON, otherwise the
 * span from a line starting with `{` to a line starting with `}` that parses
 * to an object with `payloads` or `meta` (the CLI may print log lines around it).
 */
function extractJson(stdout: string): unknown {
  const trimmed = stdout.trim();
  if (!trimmed) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    // fall through to the line scan
  }
  const lines = stdout.split('\n');
  const offsets: number[] = [];
  let off = 0;
  for (const l of lines) {
    offsets.push(off);
    off += l.length + 1;
  }
  const starts = lines.map((l, i) => (l.startsWith('{') ? i : -1)).filter((i) => i >= 0).slice(0, 50);
  const ends = lines.map((l, i) => (l.trimEnd().endsWith('}') ? i : -1)).filter((i) => i >= 0).reverse().slice(0, 50);
  for (const s of starts) {
    for (const e of ends) {
      if (e < s) continue;
      const text = stdout.slice(offsets[s], offsets[e] + lines[e].length);
      try {
        const v: unknown = JSON.parse(text);
        if (v && typeof v === 'object' && ('payloads' in v || 'meta' in v)) return v;
      } catch {
        // try the next candidate span
      }
    }
  }
  return undefined;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function validate(v: unknown): AgentEnvelope {
  const missing: string[] = [];
  const wrong: string[] = [];
  if (!isObj(v)) throw new EnvelopeError('malformed', 'The agent envelope is not a JSON object.');
  if (!Array.isArray(v.payloads)) missing.push('payloads[]');
  else
    v.payloads.forEach((p, i) => {
      if (!isObj(p)) wrong.push(`payloads[${i}] (not an object)`);
      else if (p.text !== undefined && typeof p.text !== 'string') wrong.push(`payloads[${i}].text (not a string)`);
    });
  const meta = v.meta;
  if (!isObj(meta)) missing.push('meta');
  else {
    if (typeof meta.durationMs !== 'number') missing.push('meta.durationMs');
    if (!isObj(meta.agentMeta)) missing.push('meta.agentMeta');
    else if (typeof meta.agentMeta.sessionId !== 'string') missing.push('meta.agentMeta.sessionId');
    else if (meta.agentMeta.usage !== undefined && !isObj(meta.agentMeta.usage)) wrong.push('meta.agentMeta.usage (not an object)');
    optional(meta, 'replayInvalid', 'boolean', wrong);
    optional(meta, 'aborted', 'boolean', wrong);
    optional(meta, 'stopReason', 'string', wrong);
    optional(meta, 'finalAssistantVisibleText', 'string', wrong);
    optional(meta, 'livenessState', 'string', wrong);
    if (meta.error !== undefined && !isObj(meta.error)) wrong.push('meta.error (not an object)');
    if (meta.executionTrace !== undefined && !isObj(meta.executionTrace)) wrong.push('meta.executionTrace (not an object)');
    const ts = meta.toolSummary;
    if (ts !== undefined) {
      if (!isObj(ts)) wrong.push('meta.toolSummary (not an object)');
      else {
        if (typeof ts.calls !== 'number') wrong.push('meta.toolSummary.calls');
        if (typeof ts.failures !== 'number') wrong.push('meta.toolSummary.failures');
        if (!Array.isArray(ts.tools) || ts.tools.some((t) => typeof t !== 'string')) wrong.push('meta.toolSummary.tools');
        if (ts.unresolvedError !== undefined && !isObj(ts.unresolvedError)) wrong.push('meta.toolSummary.unresolvedError');
      }
    }
  }
  if (missing.length || wrong.length) {
    const parts = [missing.length ? `missing ${missing.join(', ')}` : '', wrong.length ? `invalid ${wrong.join(', ')}` : ''].filter(Boolean);
    throw new EnvelopeError('missing-fields', `The agent envelope does not have the shape NemoCognition expects (${parts.join('; ')}). Is the installed OpenClaw the pinned version?`);
  }
  return v as unknown as AgentEnvelope;
}

function optional(o: Record<string, unknown>, key: string, type: 'boolean' | 'string' | 'number', wrong: string[]): void {
  if (o[key] !== undefined && typeof o[key] !== type) wrong.push(`meta.${key} (not a ${type})`);
}

/** Tool summary with OpenClaw's omissions filled in (no tool call: no summary). */
export function toolSummaryOf(env: AgentEnvelope): ToolSummary {
  return env.meta.toolSummary ?? { calls: 0, tools: [], failures: 0 };
}

/** Why the turn failed, when OpenClaw says it did (meta.error, or a payload flagged isError); undefined otherwise. */
export function turnFailureOf(env: AgentEnvelope): string | undefined {
  const e = env.meta.error;
  if (e) return [e.kind, e.message].filter((x) => typeof x === 'string' && x).join(': ') || 'the agent reported an error';
  const p = env.payloads.find((x) => x.isError === true);
  return p ? (p.text ?? 'the agent reported an error') : undefined;
}

/** The visible text the agent ended its turn with. */
export function finalTextOf(env: AgentEnvelope): string {
  if (typeof env.meta.finalAssistantVisibleText === 'string') return env.meta.finalAssistantVisibleText;
  return env.payloads.map((p) => p.text ?? '').filter(Boolean).join('\n');
}
