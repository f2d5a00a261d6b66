/**
 * Issue 12: the time budget for hostile tool calls. Classification and
 * scrubbing of any single tool call, at the maximum sizes the supervisor
 * accepts, stay under 50 ms. The inputs are the worst shapes the fuzzers and
 * the issue's reproducers found (test/properties, `npm run fuzz`), grown to
 * the largest size the supervisor takes:
 *
 * - a tool call's parameters: up to 8 MiB (the plugin channel's line limit, MAX_LINE_BYTES);
 * - of them the classifier reads a command's first 32 KiB (MAX_COMMAND_CHARS) and the first 64 KiB of
 *   written text for credentials (MAX_SCAN_CHARS); paths, patches and broken JSON are read whole;
 * - what is recorded of a call is scrubbed, then clipped to 64 KiB per text (parameters, input, output) and
 *   120 characters of label: the recorder scrubs only the head it keeps plus a 64 KiB lookahead
 *   (Scrubber.scrubHead), which gives the same text as scrubbing all of it.
 *
 * Each case is timed in CPU time (the best of several runs; wall clock on an idle machine is the same)
 * so that a loaded machine does not inflate it. Whole-text scrubbing of the 8 MiB parameters is shown
 * too, for sinks that would scrub before clipping.
 */
import { MAX_LINE_BYTES } from '../../src/core/bridge/openclaw/plugin/protocol';
import { classifyToolCall } from '../../src/core/policy/classify';
import { MAX_COMMAND_CHARS } from '../../src/core/policy/commands';
import { MAX_SCAN_CHARS } from '../../src/core/policy/tools';
import { MAX_TEXT, Recorder } from '../../src/core/recorder/recorder';
import { Scrubber } from '../../src/core/redact/scrubber';

export const BUDGET_MS = 50;
/** The serialised parameters, the input value, and the tool's output (as long as the parameters, at worst). */
const RECORDED_TEXTS = 3;

interface Case {
  name: string;
  tool: string;
  /** Parameters at the maximum size (as close to MAX_LINE_BYTES as the shape allows). */
  params: () => unknown;
}

const MAX = MAX_LINE_BYTES - 4096; // the line also carries the message envelope
const fill = (unit: string, chars = MAX) => unit.repeat(Math.floor(chars / unit.length));
/** Every credential pattern's trigger, packed: each pattern finds work everywhere. */
const SOUP = 'eyJ-x.eyJaaaaaaaaaa.a.b://u:p sk-nvapi-ghp_xoxb-AIza-hf_AKIA Bearer Basic password: secret=api_key:-----BEGIN -----END ';

const CASES: Case[] = [
  { name: "rm {a,{a,… (GLOB, was cubic)", tool: 'exec', params: () => ({ command: `rm ${fill('{a,')}` }) },
  { name: 'rsync host regex', tool: 'exec', params: () => ({ command: `rsync ${fill('a')}` }) },
  { name: 'chmod mode regex', tool: 'exec', params: () => ({ command: `chmod ${fill('o')} f` }) },
  { name: 'ssh host /:.*$/', tool: 'exec', params: () => ({ command: `ssh 'a.${fill(':')}\nx'` }) },
  { name: 'git clone host /[:/].*$/', tool: 'exec', params: () => ({ command: `git clone 'x@${fill(':')}\nx'` }) },
  { name: 'exec: eval $(eval $(… nested (npm run fuzz, was exponential)', tool: 'exec', params: () => ({ command: `${fill('$(eval ')}x` }) },
  { name: 'broken JSON arguments (salvage)', tool: 'exec', params: () => `{"command": "${fill('\\a')}` },
  { name: 'write: eyJ- (jwt, was quadratic)', tool: 'write', params: () => ({ path: 'a.txt', content: fill('eyJ-') }) },
  { name: 'write: a.a.a. (url-credentials)', tool: 'write', params: () => ({ path: 'a.txt', content: fill('a.') }) },
  { name: 'write: password: password: …', tool: 'write', params: () => ({ path: 'a.txt', content: fill('password: ') }) },
  { name: 'write: every pattern at once', tool: 'write', params: () => ({ path: 'a.txt', content: fill(SOUP) }) },
  { name: 'edit: every pattern at once', tool: 'edit', params: () => ({ path: 'a.ts', old_string: 'x', new_string: fill(SOUP) }) },
  { name: 'apply_patch: +password=… lines', tool: 'apply_patch', params: () => ({ input: `*** Begin Patch\n*** Add File: a.txt\n${fill('+password=hunter2 api_key: x\n')}*** End Patch` }) },
  { name: 'write: an 8 MiB path (path.resolve took 1.9 s)', tool: 'write', params: () => ({ path: fill('a/'), content: 'x' }) },
  { name: 'exec: an 8 MiB workdir', tool: 'exec', params: () => ({ command: 'ls', workdir: fill('a/') }) },
  { name: 'unknown tool: 400,000 path parameters', tool: 'mystery', params: () => Object.fromEntries(Array.from({ length: 400_000 }, (_, i) => [`k${i}`, '/etc/x'])) },
  { name: 'tool_call chain (x:tool_call), 100,000 deep', tool: 'tool_call', params: () => deepChain(100_000) },
];

function deepChain(n: number): unknown {
  let p: Record<string, unknown> = { command: 'rm -rf /' };
  for (let i = 0; i < n; i++) p = { id: 'x:tool_call', args: p };
  return p;
}

function cpuMs(fn: () => unknown, runs: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = process.cpuUsage();
    fn();
    const d = process.cpuUsage(t0);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return best;
}

/** What the supervisor records of the parameters (toolSupervision.ts safeJson): JSON, or String() when too deep. */
function serialised(params: unknown): string {
  if (typeof params === 'string') return params;
  try {
    return JSON.stringify(params);
  } catch {
    return String(params);
  }
}

/** Bytes of the parameters on the plugin channel (a chain too deep for JSON.stringify is counted by its shape). */
function channelBytes(params: unknown, text: string): number {
  if (text !== '[object Object]') return Buffer.byteLength(text);
  let n = 0;
  for (let v = params as Record<string, unknown> | undefined; v && typeof v === 'object'; v = v.args as Record<string, unknown>) n += '{"id":"x:tool_call","args":}'.length;
  return n;
}

export interface HostileCaseResult {
  name: string;
  params_bytes: number;
  classify_ms: number;
  scrub_recorded_ms: number;
  total_ms: number;
  whole_text_scrub_ms: number;
}

export async function runHostileSection(log: (l: string) => void, runs = 5): Promise<Record<string, unknown>> {
  log(`\n== hostile tool calls: classification + scrubbing of one call at the supervisor's maximum sizes (budget ${BUDGET_MS} ms) ==`);
  const scrubber = new Scrubber({ secrets: [{ value: 'gw-secret-4f1c9a7e2b5d8c3f', kind: 'gateway-secret' }] });
  const recorder = new Recorder({ append: async () => 0 }, scrubber);
  const results: HostileCaseResult[] = [];
  log('');
  log('| input (worst shapes from the fuzzers and the issue) | params | classify | scrub what is recorded | total | whole-text scrub (not done) |');
  log('|---|---:|---:|---:|---:|---:|');
  for (const c of CASES) {
    const params = c.params();
    const text = serialised(params);
    const classify = cpuMs(() => classifyToolCall({ toolName: c.tool, params, workspace: '/work/ws', home: '/home/agent' }), runs);
    const scrub = cpuMs(() => {
      recorder.scrubHead(text, 1024); // the label
      for (let i = 0; i < RECORDED_TEXTS; i++) recorder.clipScrubbed(text, MAX_TEXT);
    }, runs);
    const whole = cpuMs(() => scrubber.scrub(text), 1);
    const r: HostileCaseResult = {
      name: c.name,
      params_bytes: channelBytes(params, text),
      classify_ms: round(classify),
      scrub_recorded_ms: round(scrub),
      total_ms: round(classify + scrub),
      whole_text_scrub_ms: round(whole),
    };
    results.push(r);
    log(`| ${c.name} | ${(r.params_bytes / 1048576).toFixed(1)} MiB | ${r.classify_ms} ms | ${r.scrub_recorded_ms} ms | ${r.total_ms > BUDGET_MS ? `**${r.total_ms}** ms` : `${r.total_ms} ms`} | ${r.whole_text_scrub_ms} ms |`);
  }
  const worst = results.reduce((a, b) => (b.total_ms > a.total_ms ? b : a));
  log('');
  log(`worst: ${worst.name}, ${worst.total_ms} ms of CPU (${worst.total_ms <= BUDGET_MS ? 'within' : 'OVER'} the ${BUDGET_MS} ms budget)`);
  return {
    hostile_budget_ms: BUDGET_MS,
    hostile_worst_total_ms: worst.total_ms,
    hostile_worst_case: worst.name,
    hostile_within_budget: worst.total_ms <= BUDGET_MS,
    limits: { params_bytes: MAX_LINE_BYTES, command_chars: MAX_COMMAND_CHARS, credential_scan_chars: MAX_SCAN_CHARS, recorded_chars_per_text: MAX_TEXT, recorded_texts: RECORDED_TEXTS },
    cases: results,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
