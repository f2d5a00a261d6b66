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

/** Deepest nesting accepted (the real envelope nests 6 deep). Deeper values made Number()/JSON.stringify throw later. */
export const MAX_ENVELOPE_DEPTH = 64;

/**
 * Parses the agent's stdout. Throws EnvelopeError, and only EnvelopeError, whatever the bytes; linear in the
 * size of stdout (bounded by `maxBytes`).
 */
export function parseEnvelope(stdout: string, opts: ParseOptions = {}): AgentEnvelope {
  const max = opts.maxBytes ?? DEFAULT_MAX_ENVELOPE_BYTES;
  const bytes = Buffer.byteLength(stdout, 'utf8');
  if (bytes > max) throw new EnvelopeError('too-large', `The agent printed ${bytes} bytes, more than the ${max}-byte limit for its result; the run is treated as failed.`);
  const json = extractJson(stdout);
  if (json === undefined) {
    throw new EnvelopeError('malformed', `The agent's output holds no JSON envelope (${stdout.trim() ? `starts with ${JSON.stringify(stdout.trim().slice(0, 60))}` : 'it was empty'}).`);
  }
  const depth = depthOf(json);
  if (depth > MAX_ENVELOPE_DEPTH) {
    throw new EnvelopeError('malformed', `The agent envelope nests more than ${MAX_ENVELOPE_DEPTH} levels deep; OpenClaw's nests about 6. It is not used.`);
  }
  return validate(json);
}

/**
 * Finds the envelope in stdout: the whole text when it is JSON, otherwise the
 * first JSON object starting at the beginning of a line that has `payloads`
 * or `meta` (the CLI may print log lines around it). Each candidate's extent
 * is found by one bracket-matching pass and parsed once; a candidate that is
 * a whole JSON value is skipped past, and the scanning as a whole is bounded
 * by a small multiple of the text's length (the old start-line × end-line
 * search parsed quadratically many spans: 32 s for 2 MB).
 */
function extractJson(stdout: string): unknown {
  const trimmed = stdout.trim();
  if (!trimmed) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    // fall through to the line scan
  }
  // Characters scanned and parsed, at most: a candidate that is a whole JSON value is skipped past (JSON log
  // lines cost their length once); one that never closes costs up to the rest of stdout, so only a few can.
  let budget = 4 * stdout.length + (1 << 16);
  let from = 0;
  while (budget > 0) {
    // The next line that starts with '{', at or after `from`.
    let start = from;
    if (!(stdout[from] === '{' && (from === 0 || stdout[from - 1] === '\n'))) {
      const nl = stdout.indexOf('\n{', from);
      if (nl === -1) return undefined;
      start = nl + 1;
    }
    const end = jsonValueEnd(stdout, start);
    budget -= (end === -1 ? stdout.length : end) - start;
    if (end === -1) {
      from = start + 1;
      continue;
    }
    let v: unknown;
    budget -= end - start;
    try {
      v = JSON.parse(stdout.slice(start, end));
    } catch {
      from = start + 1;
      continue;
    }
    if (v && typeof v === 'object' && !Array.isArray(v) && ('payloads' in v || 'meta' in v)) return v;
    from = end;
  }
  return undefined;
}

/** Index after the `}` closing the object that starts at `start` (strings and escapes respected), or -1. */
function jsonValueEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
        else if (d === 0x0a) return -1; // JSON strings never span lines: not JSON from here
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) depth++;
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
      if (depth === 0) return i + 1;
      if (depth < 0) return -1;
    }
  }
  return -1;
}

/** Nesting depth of a parsed JSON value, without recursion. */
function depthOf(root: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (d + 1 > max) max = d + 1;
    if (max > MAX_ENVELOPE_DEPTH) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child && typeof child === 'object') stack.push([child, d + 1]);
  }
  return max;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const isAmount = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
/** Ids are printable, short, and not empty. */
const isIdText = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 256 && !/[\u0000-\u001f\u007f]/.test(v);

function validate(v: unknown): AgentEnvelope {
  const missing: string[] = [];
  const wrong: string[] = [];
  if (!isObj(v)) throw new EnvelopeError('malformed', 'The agent envelope is not a JSON object.');
  if (!Array.isArray(v.payloads)) missing.push('payloads[]');
  else
    v.payloads.forEach((p, i) => {
      if (wrong.length > 20) return;
      if (!isObj(p)) wrong.push(`payloads[${i}] (not an object)`);
      else {
        if (p.text !== undefined && typeof p.text !== 'string') wrong.push(`payloads[${i}].text (not a string)`);
        if (p.isError !== undefined && typeof p.isError !== 'boolean') wrong.push(`payloads[${i}].isError (not true or false)`);
        if (p.mediaUrl !== undefined && p.mediaUrl !== null && typeof p.mediaUrl !== 'string') wrong.push(`payloads[${i}].mediaUrl (not a string or null)`);
      }
    });
  const meta = v.meta;
  if (!isObj(meta)) missing.push('meta');
  else {
    if (meta.durationMs === undefined) missing.push('meta.durationMs');
    else if (!isAmount(meta.durationMs)) wrong.push('meta.durationMs (not a finite number of milliseconds >= 0)');
    if (!isObj(meta.agentMeta)) missing.push('meta.agentMeta');
    else {
      const am = meta.agentMeta;
      if (am.sessionId === undefined) missing.push('meta.agentMeta.sessionId');
      else if (!isIdText(am.sessionId)) wrong.push('meta.agentMeta.sessionId (not a non-empty printable string of at most 256 characters)');
      if (am.usage !== undefined) {
        if (!isObj(am.usage)) wrong.push('meta.agentMeta.usage (not an object)');
        else for (const k of ['input', 'output', 'cacheRead', 'cacheWrite', 'total']) if (am.usage[k] !== undefined && !isAmount(am.usage[k])) wrong.push(`meta.agentMeta.usage.${k} (not a finite number >= 0)`);
      }
      optional(am, 'provider', 'string', wrong, 'meta.agentMeta');
      optional(am, 'model', 'string', wrong, 'meta.agentMeta');
    }
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
        if (!isCount(ts.calls)) wrong.push('meta.toolSummary.calls (not a whole number >= 0)');
        if (!isCount(ts.failures)) wrong.push('meta.toolSummary.failures (not a whole number >= 0)');
        if (!Array.isArray(ts.tools) || ts.tools.some((t) => typeof t !== 'string')) wrong.push('meta.toolSummary.tools');
        if (ts.unresolvedError !== undefined && !isObj(ts.unresolvedError)) wrong.push('meta.toolSummary.unresolvedError');
        else if (isObj(ts.unresolvedError) && ts.unresolvedError.toolName !== undefined && typeof ts.unresolvedError.toolName !== 'string') {
          wrong.push('meta.toolSummary.unresolvedError.toolName (not a string)');
        }
      }
    }
  }
  if (missing.length || wrong.length) {
    const parts = [missing.length ? `missing ${missing.join(', ')}` : '', wrong.length ? `invalid ${wrong.slice(0, 20).join(', ')}` : ''].filter(Boolean);
    throw new EnvelopeError('missing-fields', `The agent envelope does not have the shape NemoCognition expects (${parts.join('; ')}). Is the installed OpenClaw the pinned version?`);
  }
  return v as unknown as AgentEnvelope;
}

function optional(o: Record<string, unknown>, key: string, type: 'boolean' | 'string' | 'number', wrong: string[], where = 'meta'): void {
  if (o[key] !== undefined && typeof o[key] !== type) wrong.push(`${where}.${key} (not a ${type})`);
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
