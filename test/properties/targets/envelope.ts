/** Properties of the OpenClaw envelope parser (src/core/bridge/openclaw/envelope.ts). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { EnvelopeError, finalTextOf, MAX_ENVELOPE_DEPTH, parseEnvelope, toolSummaryOf, turnFailureOf, type AgentEnvelope } from '../../../src/core/bridge/openclaw/envelope';
import { hostileText, preview, withinBudget, type Target } from '../harness';

const FIXTURE = readFileSync(join(__dirname, '..', '..', 'core', 'bridge', 'fixtures', 'agent-envelope-blocked-2026.9.6.json'), 'utf8');
const RAW = JSON.parse(FIXTURE) as Record<string, any>;

/** The envelope parser is linear: about 0.1 µs a byte here; the budget is generous and still catches quadratic scans. */
const BUDGET = { baseMs: 40, perKbMs: 2 };

const PIECES = ['{', '}', '[', ']', '"', '\\', ':', ',', '\n', '\r\n', ' ', '{"payloads":', '"meta":', '{"meta":{', '"durationMs":', '1e999', '-1', 'null', '[[[[', ']]]]', '{"a":', 'x', '\u0000', '\u2028', '"\\u0000"', 'log: {'];

/** What later code does with an accepted envelope must not throw: the contract the validation guarantees. */
function useLikeTheSupervisor(env: AgentEnvelope): void {
  const meta = env.meta;
  const summary = toolSummaryOf(env);
  const usage = meta.agentMeta.usage ?? {};
  assert.ok(Number.isFinite(meta.durationMs) && meta.durationMs >= 0);
  assert.ok(typeof meta.agentMeta.sessionId === 'string' && meta.agentMeta.sessionId.length > 0);
  assert.ok(Number.isSafeInteger(summary.calls) && summary.calls >= 0);
  assert.ok(Number.isSafeInteger(summary.failures) && summary.failures >= 0);
  for (const k of ['input', 'output', 'total'] as const) {
    const n = Number(usage[k] ?? 0);
    assert.ok(Number.isFinite(n) && n >= 0, `usage.${k}`);
  }
  JSON.stringify(summary.unresolvedError ?? null);
  JSON.stringify(env);
  summary.tools.join(',');
  turnFailureOf(env);
  finalTextOf(env);
  for (const p of env.payloads) assert.ok(p.isError === undefined || typeof p.isError === 'boolean');
}

function parseOrRefuse(stdout: string): AgentEnvelope | EnvelopeError {
  return withinBudget(Buffer.byteLength(stdout), BUDGET, () => preview(stdout), () => {
    try {
      return parseEnvelope(stdout);
    } catch (e) {
      if (e instanceof EnvelopeError) return e;
      throw new Error(`parseEnvelope threw ${(e as Error)?.name ?? typeof e}: ${(e as Error)?.message} for ${preview(stdout)}`);
    }
  });
}

/** JSON values nested up to `depth` deep (built as text, so depths JSON.stringify cannot write are possible). */
const deepJson = fc.tuple(fc.integer({ min: 0, max: 3 * MAX_ENVELOPE_DEPTH }), fc.constantFrom('[', '{"k":'), fc.jsonValue({ maxDepth: 2 })).map(([d, open, leaf]) => {
  const close = open === '[' ? ']' : '}';
  return `${open.repeat(d)}${JSON.stringify(leaf) ?? 'null'}${close.repeat(d)}`;
});

/** The real envelope with one field replaced by something arbitrary (often of the wrong type or range). */
const mutatedEnvelope = fc
  .tuple(
    fc.constantFrom(
      'meta.durationMs',
      'meta.agentMeta.sessionId',
      'meta.agentMeta.usage.input',
      'meta.agentMeta.usage',
      'meta.toolSummary.calls',
      'meta.toolSummary.failures',
      'meta.toolSummary.tools',
      'meta.toolSummary.unresolvedError',
      'meta.replayInvalid',
      'meta.error',
      'payloads',
      'payloads.0.isError',
      'payloads.0.text',
      'meta.executionTrace',
    ),
    fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'), deepJson, fc.constantFrom('1e999', '-1e999', '-1', '1.5', '""', '"yes"', '9007199254740993')),
  )
  .map(([path, valueText]) => {
    const env = structuredClone(RAW);
    const keys = path.split('.');
    let o: any = env;
    for (const k of keys.slice(0, -1)) o = o[k] ??= {};
    o[keys[keys.length - 1]!] = '__VALUE__';
    return JSON.stringify(env).replace('"__VALUE__"', valueText);
  });

const logLine = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('{"level":"info"}', '{not json', '[plugins] loaded', '}', '{', '{"payloads":1}'));

export const envelopeTarget: Target = {
  name: 'envelope',
  parser: "the agent's stdout (OpenClaw's JSON envelope)",
  properties: [
    {
      name: 'any stdout: an envelope the supervisor can use, or an EnvelopeError, within the time budget',
      make: () =>
        fc.property(fc.oneof(hostileText(PIECES, { maxLength: 2000, maxRepeat: 3000 }), mutatedEnvelope), (stdout) => {
          const r = parseOrRefuse(stdout);
          if (!(r instanceof EnvelopeError)) useLikeTheSupervisor(r);
        }),
    },
    {
      name: 'a valid envelope between log lines is found, and is the same object',
      make: () =>
        fc.property(fc.array(logLine, { maxLength: 8 }), fc.array(logLine, { maxLength: 8 }), fc.boolean(), (before, after, pretty) => {
          const body = pretty ? JSON.stringify(RAW, null, 2) : JSON.stringify(RAW);
          const stdout = [...before, body, ...after].join('\n');
          const r = parseOrRefuse(stdout);
          // Log lines that are themselves envelope-like JSON may come first; anything else must not hide the envelope.
          if (before.some((l) => l.startsWith('{"payloads"'))) return;
          assert.ok(!(r instanceof EnvelopeError), `refused: ${r instanceof EnvelopeError ? r.message : ''} for ${preview(stdout)}`);
          assert.deepEqual(r, RAW);
        }),
    },
    {
      name: 'a mutated field is either still valid for later code or refused as missing-fields / malformed',
      make: () =>
        fc.property(mutatedEnvelope, (stdout) => {
          const r = parseOrRefuse(stdout);
          if (r instanceof EnvelopeError) assert.ok(['missing-fields', 'malformed'].includes(r.kind), r.kind);
          else useLikeTheSupervisor(r);
        }),
    },
  ],
};
