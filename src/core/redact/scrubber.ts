/**
 * Removes secrets from anything on its way to a sink (store, spans, logs,
 * Phoenix). Two layers: exact values registered at run time (the user's API
 * key, the gateway and supervisor secrets) in all their encoded forms, and
 * patterns for well-known credential shapes. Replacement: `[REDACTED:<kind>]`.
 */
import { encodedForms } from './encodings';
import { SECRET_PATTERNS, type SecretPattern } from './patterns';

function replacement(p: SecretPattern, groups: Array<string | undefined>): string {
  if (p.accept && !p.accept(groups)) return groups[0] ?? '';
  const kept = (p.keep ?? []).map((i) => groups[i] ?? '').join('');
  return `${kept}[REDACTED:${p.kind}]`;
}

/** `text` with every match of a pattern's linear matcher replaced, as String.replace would with its regex. */
function replaceFound(text: string, p: SecretPattern): string {
  const parts: string[] = [];
  let last = 0;
  for (const m of p.find!(text)) {
    parts.push(text.slice(last, m.index), replacement(p, m.groups));
    last = m.index + (m.groups[0] ?? '').length;
  }
  if (last === 0) return text;
  parts.push(text.slice(last));
  return parts.join('');
}

/** How far past the kept head scrubHead reads: more than twice as long as any credential the patterns or registered secrets match. */
export const SCRUB_LOOKAHEAD = 64 * 1024;

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;

/** scrubDeep replaces what lies deeper than this with TOO_DEEP (recursion, and the sinks' JSON, stay bounded). */
export const MAX_SCRUB_DEPTH = 200;
export const TOO_DEEP = '[nested too deep: not recorded]';

/** Shorter values would redact ordinary words; a real secret is never this short. */
export const MIN_SECRET_LENGTH = 6;

interface Known {
  form: string;
  kind: string;
}

export class Scrubber {
  private known: Known[] = [];
  private readonly patterns: readonly SecretPattern[];

  constructor(opts: { patterns?: readonly SecretPattern[]; secrets?: Array<{ value: string; kind?: string }> } = {}) {
    this.patterns = opts.patterns ?? SECRET_PATTERNS;
    for (const s of opts.secrets ?? []) this.addSecret(s.value, s.kind);
  }

  /** Registers a value that must never reach a sink. Returns false when it is too short to register safely. */
  addSecret(value: string | undefined | null, kind = 'secret'): boolean {
    if (!value || value.length < MIN_SECRET_LENGTH) return false;
    const have = new Set(this.known.map((k) => k.form));
    for (const form of encodedForms(value)) {
      if (!have.has(form)) this.known.push({ form, kind });
    }
    // Longest first, so a secret that contains another is replaced whole.
    this.known.sort((a, b) => b.form.length - a.form.length);
    return true;
  }

  get knownCount(): number {
    return this.known.length;
  }

  scrub(text: string): string {
    if (!text) return text;
    let out = text;
    for (const k of this.known) {
      if (out.includes(k.form)) out = out.split(k.form).join(`[REDACTED:${k.kind}]`);
    }
    for (const p of this.patterns) {
      if (p.hint !== undefined && !out.includes(p.hint)) continue;
      if (p.find) {
        out = replaceFound(out, p);
        continue;
      }
      p.re.lastIndex = 0;
      if (!p.re.test(out)) continue;
      p.re.lastIndex = 0;
      out = out.replace(p.re, (...m: unknown[]) => {
        // (match, ...groups, offset, input): none of the patterns use named groups.
        const groups = m.slice(0, -2) as Array<string | undefined>;
        return replacement(p, groups);
      });
    }
    return out;
  }

  /**
   * The beginning of scrub(text), for sinks that keep only a head (the recorder clips every text): scrubs
   * at most `max` + SCRUB_LOOKAHEAD characters, so the cost is bounded by `max`, whatever the length of
   * `text`. Its first `max` characters are those of scrub(text) for every secret shorter than
   * SCRUB_LOOKAHEAD (a match that starts in the head is found whole, or to the end of the window, which
   * replaces the same head). `unread`: characters of `text` past the window.
   */
  scrubHead(text: string, max: number, lookahead = SCRUB_LOOKAHEAD): { text: string; unread: number } {
    const window = max + lookahead;
    if (text.length <= window) return { text: this.scrub(text), unread: 0 };
    // Never split a surrogate pair at the window's end.
    const end = isHighSurrogate(text.charCodeAt(window - 1)) ? window - 1 : window;
    const scrubbed = this.scrub(text.slice(0, end));
    // A credential cut by the window's end is not matched, and one is shorter than half the lookahead, so
    // what comes from before the lookahead's second half is whole. Redactions shorten the text, so `max`
    // output characters can reach past that point (npm run fuzz: thirteen JWTs, the last one's first letter
    // kept). Keep no more than what the input before it scrubs to; a credential straddling the point is
    // whole (redacted) in `scrubbed`.
    const safeEnd = end - Math.floor(lookahead / 2);
    const safe = this.scrub(text.slice(0, safeEnd)).length;
    if (safe >= max) return { text: scrubbed, unread: text.length - end };
    return { text: scrubbed.slice(0, safe), unread: text.length - safeEnd };
  }

  /** True when `text` holds something scrub() would replace. */
  contains(text: string): boolean {
    return this.scrub(text) !== text;
  }

  /**
   * Returns a copy of `value` with every string (at any depth of plain objects
   * and arrays) scrubbed. Object keys are kept: they are names, not values.
   */
  scrubDeep<T>(value: T): T {
    return this.deep(value, new WeakMap(), 0) as T;
  }

  private deep(v: unknown, seen: WeakMap<object, unknown>, depth: number): unknown {
    if (typeof v === 'string') return this.scrub(v);
    if (v === null || typeof v !== 'object') return v;
    if (seen.has(v)) return seen.get(v);
    // Agent- or model-made values can nest without end; deeper parts are replaced, never passed on unscrubbed.
    if (depth >= MAX_SCRUB_DEPTH) return TOO_DEEP;
    if (Array.isArray(v)) {
      const arr: unknown[] = [];
      seen.set(v, arr);
      for (const item of v) arr.push(this.deep(item, seen, depth + 1));
      return arr;
    }
    if (Buffer.isBuffer(v) || v instanceof Uint8Array) return v;
    const out: Record<string, unknown> = {};
    seen.set(v, out);
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      // A "__proto__" key (JSON.parse makes it an own property) must stay a key, not become the copy's prototype.
      Object.defineProperty(out, k, { value: this.deep(item, seen, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
}
