/**
 * Makes a store span correct by OpenInference's standards before it leaves
 * the machine: input/output values with their mime types for every kind,
 * `llm.provider` on LLM spans, what a GUARDRAIL checked and decided, token
 * counts only where OpenInference counts them (LLM spans; an agent turn's
 * totals move to nemocognition.turn.*, or Phoenix would count them twice),
 * and the same secret scrubbing as the store over every string.
 * Every convention goes through the semantic-conventions package's constants.
 */
import { MimeType, OpenInferenceSpanKind, SemanticConventions as SC } from '@arizeai/openinference-semantic-conventions';
import type { SpanRecord } from '../model/spans';
import type { AttrValue, Attributes } from '../model/types';
import type { Scrubber } from '../redact';

/** Phoenix shows input.value/output.value; anything longer is clipped (the store keeps the whole text). */
export const MAX_VALUE_CHARS = 64_000;

const TOKEN_KEYS = [SC.LLM_TOKEN_COUNT_PROMPT, SC.LLM_TOKEN_COUNT_COMPLETION, SC.LLM_TOKEN_COUNT_TOTAL] as const;

/** `llm.provider` from the model's base URL: the hosting provider, as OpenInference names it where it can. */
export function providerOf(baseUrl: unknown): string | undefined {
  if (typeof baseUrl !== 'string' || !baseUrl) return undefined;
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  const known: Array<[RegExp, string]> = [
    [/(^|\.)nvidia\.com$/, 'nvidia'],
    [/(^|\.)openai\.com$/, 'openai'],
    [/(^|\.)openai\.azure\.com$/, 'azure'],
    [/(^|\.)anthropic\.com$/, 'anthropic'],
    [/(^|\.)mistral\.ai$/, 'mistralai'],
    [/(^|\.)groq\.com$/, 'groq'],
    [/(^|\.)together\.(ai|xyz)$/, 'together'],
    [/(^|\.)fireworks\.ai$/, 'fireworks'],
    [/(^|\.)deepseek\.com$/, 'deepseek'],
    [/(^|\.)x\.ai$/, 'xai'],
  ];
  for (const [re, name] of known) if (re.test(host)) return name;
  if (host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]') return 'local';
  return host;
}

function clip(s: string): string {
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}… [clipped by the Phoenix mirror; the store keeps ${s.length} chars]` : s;
}

function put(a: Attributes, key: string, value: AttrValue | undefined | null): void {
  if (value !== undefined && value !== null && value !== '' && a[key] === undefined) a[key] = value;
}

function setIO(a: Attributes, which: 'input' | 'output', value: unknown): void {
  const vk = which === 'input' ? SC.INPUT_VALUE : SC.OUTPUT_VALUE;
  const mk = which === 'input' ? SC.INPUT_MIME_TYPE : SC.OUTPUT_MIME_TYPE;
  if (a[vk] === undefined && value !== undefined && value !== null && value !== '') {
    if (typeof value === 'string') {
      a[vk] = value;
      a[mk] = MimeType.TEXT;
    } else {
      a[vk] = JSON.stringify(value);
      a[mk] = MimeType.JSON;
    }
  }
  if (a[vk] !== undefined && a[mk] === undefined) {
    const v = String(a[vk]);
    a[mk] = /^\s*[[{]/.test(v) && isJson(v) ? MimeType.JSON : MimeType.TEXT;
  }
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

function pick(a: Attributes, prefix: string): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(a)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/** The OpenInference attributes of `span` (a new object), scrubbed. `runMeta` is the run's meta (model URL...). */
export function openInferenceAttributes(span: SpanRecord, runMeta: Attributes | null, scrubber: Scrubber): Attributes {
  const a: Attributes = { ...span.attributes };
  const nodeKind = a['nemocognition.node.kind'];
  a[SC.OPENINFERENCE_SPAN_KIND] = span.kind;
  switch (span.kind) {
    case OpenInferenceSpanKind.LLM:
      put(a, SC.LLM_PROVIDER, providerOf(runMeta?.['nemocognition.model.base_url']));
      put(a, SC.LLM_MODEL_NAME, runMeta?.['nemocognition.model'] as string | undefined);
      break;
    case OpenInferenceSpanKind.TOOL: {
      const fromName = /^([\w.-]+):/.exec(span.name)?.[1];
      put(a, SC.TOOL_NAME, fromName);
      break;
    }
    case OpenInferenceSpanKind.GUARDRAIL: {
      const p = pick(a, 'nemocognition.policy.');
      const checked: Record<string, AttrValue> = {};
      for (const k of ['tool_name', 'tool_call_id', 'path', 'host', 'port']) if (p[k] !== undefined) checked[k] = p[k]!;
      setIO(a, 'input', Object.keys(checked).length ? checked : span.name);
      const decided: Record<string, AttrValue> = {};
      for (const k of ['decision', 'source', 'rule', 'detail']) if (p[k] !== undefined) decided[k] = p[k]!;
      setIO(a, 'output', Object.keys(decided).length ? decided : undefined);
      break;
    }
    case OpenInferenceSpanKind.AGENT:
      if (nodeKind === 'agent_turn') {
        // Totals of a whole turn: the LLM spans under it carry the per-call counts Phoenix adds up.
        for (const k of TOKEN_KEYS) {
          if (a[k] === undefined) continue;
          a[`nemocognition.turn.${k.slice('llm.'.length)}`] = a[k]!;
          delete a[k];
        }
      } else if (a['nemocognition.run.id'] !== undefined) {
        setIO(a, 'output', `run ${String(a['nemocognition.run.status'])}`);
      } else if (a['nemocognition.branch.id'] !== undefined) {
        setIO(a, 'input', `branch ${span.name.replace(/^branch /, '')} in ${String(a['nemocognition.branch.sandbox'] ?? '?')}`);
        setIO(a, 'output', a['nemocognition.branch.seal_reason'] as string | undefined);
      }
      break;
    default: // CHAIN: checkpoints, recoveries, memory updates, narration, errors
      if (nodeKind === 'checkpoint') {
        setIO(a, 'input', a['nemocognition.checkpoint.reason'] as string | undefined);
        setIO(a, 'output', a['nemocognition.snapshot.id'] as string | undefined);
      } else if (nodeKind === 'recovery') {
        setIO(a, 'input', a['nemocognition.recovery.reason'] as string | undefined);
        setIO(a, 'output', a['nemocognition.recovery.prompt'] as string | undefined);
      } else if (nodeKind === 'error') {
        setIO(a, 'output', a['exception.message'] as string | undefined);
      }
      break;
  }
  setIO(a, 'input', undefined);
  setIO(a, 'output', undefined);
  for (const k of [SC.INPUT_VALUE, SC.OUTPUT_VALUE]) if (typeof a[k] === 'string') a[k] = clip(a[k] as string);
  return scrubAttributes(a, scrubber);
}

export function scrubAttributes(a: Attributes, scrubber: Scrubber): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(a)) {
    if (typeof v === 'string') out[k] = scrubber.scrub(v);
    else if (Array.isArray(v) && v.length > 0 && typeof v[0] === 'string') out[k] = (v as string[]).map((s) => scrubber.scrub(s));
    else out[k] = v;
  }
  return out;
}
