/**
 * Properties of the shell classifier (src/core/policy) and the redaction
 * patterns (src/core/redact): both run on every tool call, on text the agent
 * or the model wrote, before the call may run.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { classifyToolCall } from '../../../src/core/policy/classify';
import { globIndex } from '../../../src/core/policy/paths';
import { findJwts, SECRET_PATTERNS } from '../../../src/core/redact/patterns';
import { Scrubber } from '../../../src/core/redact/scrubber';
import { hostileText, preview, withinBudget, type Target } from '../harness';

/**
 * 50 ms for any single call at the sizes the supervisor reads (bench: hostile_inputs); here 10x that over a
 * base, and a per-KB allowance that a linear reader stays far below while a quadratic one does not.
 */
const BUDGET = { baseMs: 50, perKbMs: 3 };

const SHELL = [
  'rm ', '-rf ', 'rsync ', 'chmod ', 'chown ', 'ssh ', 'scp ', 'nc ', 'git clone ', 'git ', 'curl ', 'sudo ', 'sh -c ', 'eval ', 'find ', '-exec ', 'xargs ',
  'a', 'o', '+', '=', 'w', 's', 'x', '{', '}', ',', '*', '?', '[', ']', ':', '@', '/', '.', '..', '~', '$', '$(', '`', '"', "'", '\\', ' ', '\n', ';', '|', '&&', '>', '<<', 'EOF',
  '{a,', 'a.', 'x@', '::', 'DROP TABLE ', 'DELETE FROM ', ':(){ :|:& };:', 'http://', 'u:p@h', '%',
];
const SECRETS = [
  'eyJ', 'eyJ-', '.eyJ', 'eyJaaaaaaaaaa.', 'a.', 'a://', '://', 'b:', '@', 'sk-', 'nvapi-', 'ghp_', 'github_pat_', 'AKIA', 'xoxb-', 'AIza', 'hf_', 'Bearer ', 'Basic ',
  'password', 'secret', 'api_key', '=', ': ', '"', "'", '\\', '-----BEGIN ', 'PRIVATE KEY-----', '-----END ', 'A', '0', '-', '_', ' ', '\n', '[REDACTED', '&', ';', ',',
];
const TOOLS = ['exec', 'bash', 'write', 'edit', 'apply_patch', 'read', 'web_fetch', 'process', 'tool_call', 'browser', 'cron', 'mystery'];

const command = hostileText(SHELL, { maxLength: 300, maxRepeat: 4000 });
const params = fc.oneof(
  command.map((c) => ({ command: c })),
  fc.record({ path: command, content: hostileText(SECRETS, { maxLength: 300, maxRepeat: 3000 }) }),
  fc.record({ id: fc.constantFrom('exec', 'x:tool_call', 'tool_call', 'write'), args: fc.record({ command }) }),
  command, // a raw, often broken, JSON string of arguments
  command.map((c) => `{"command": "${c}`), // truncated JSON: the salvage path
  fc.anything({ maxDepth: 3 }),
);

function classified(toolName: string, p: unknown) {
  const size = typeof p === 'string' ? p.length : JSON.stringify(p ?? null)?.length ?? 0;
  return withinBudget(size, BUDGET, () => `${toolName} ${preview(typeof p === 'string' ? p : JSON.stringify(p) ?? '')}`, () => classifyToolCall({ toolName, params: p, workspace: '/work/ws', home: '/home/agent' }));
}

const scrubber = new Scrubber({ secrets: [{ value: 'gw-secret-4f1c9a7e2b5d8c3f', kind: 'gateway-secret' }] });

function scrubbed(text: string): string {
  return withinBudget(text.length, BUDGET, () => preview(text), () => scrubber.scrub(text));
}

export const classifyTarget: Target = {
  name: 'classify',
  parser: 'tool calls (shell commands, paths, contents) and the redaction patterns',
  properties: [
    {
      name: 'any tool call is classified (scores in [0, 1]) without throwing, within the time budget',
      make: () =>
        fc.property(fc.constantFrom(...TOOLS), params, (tool, p) => {
          const c = classified(tool, p);
          for (const d of [c.destructive, c.securitySensitive, c.cost, c.blastRadius, c.reversibility]) assert.ok(d.score >= 0 && d.score <= 1 && d.reasons.length > 0);
          assert.ok(c.risk >= 0 && c.risk <= 1);
          JSON.stringify(c);
        }),
    },
    {
      name: 'any text is scrubbed within the time budget, and a registered secret never survives',
      make: () =>
        fc.property(hostileText(SECRETS, { maxLength: 400, maxRepeat: 8000 }), fc.nat(), (text, at) => {
          const out = scrubbed(text);
          assert.equal(typeof out, 'string');
          const cut = text.length ? at % (text.length + 1) : 0;
          const planted = scrubbed(`${text.slice(0, cut)} gw-secret-4f1c9a7e2b5d8c3f ${text.slice(cut)}`);
          assert.ok(!planted.includes('gw-secret-4f1c9a7e2b5d8c3f'), preview(planted));
        }),
    },
    {
      name: 'the linear matchers find exactly what the old regexes found (jwt, url-credentials, GLOB)',
      make: () =>
        fc.property(
          fc.array(fc.constantFrom('eyJ', '.', '-', 'a', '_', ' ', 'eyJaaaaaaaa', '.eyJ', '://', ':', '@', '/', 'x', '+', 'B', '{', '}', ',', '*', '?', '['), { maxLength: 40 }).map((a) => a.join('')),
          (s) => {
            const jwt = SECRET_PATTERNS.find((p) => p.kind === 'jwt')!.re;
            assert.deepEqual(
              [...findJwts(s)].map((m) => [m.index, m.groups[0]]),
              [...s.matchAll(new RegExp(jwt.source, 'g'))].map((m) => [m.index, m[0]]),
            );
            const url = SECRET_PATTERNS.find((p) => p.kind === 'url-credentials')!.re;
            const oldUrl = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"']+:)[^\s@/"']+(?=@)/gi;
            assert.equal(s.replace(new RegExp(url.source, 'gi'), '$1[R]'), s.replace(oldUrl, '$1[R]'));
            assert.equal(globIndex(s), s.search(/[*?[]|\{[^}]*,[^}]*\}/));
          },
        ),
    },
    {
      name: 'scrubHead (scrub only what a clip keeps, plus a lookahead) starts exactly like scrub of the whole text, never longer',
      make: () =>
        fc.property(hostileText(SECRETS, { maxLength: 300, maxRepeat: 200 }), fc.nat({ max: 400 }), (text, max) => {
          // A small lookahead, and credentials shorter than it: the equality the recorder relies on.
          const LOOKAHEAD = 300;
          const head = scrubber.scrubHead(text, max, LOOKAHEAD);
          const whole = scrubber.scrub(text);
          // Outside the guarantee: a credential-like run (no white space) as long as the lookahead.
          if (/\S{150,}/.test(text)) return;
          // Nor a PEM block (it spans white space, and its end is the first matching END line, wherever that
          // is) that could run past half the lookahead: the head then redacts to the end of its window, more than
          // the whole text's scrub does (never less; npm run fuzz found it).
          const pem = text.indexOf('-----BEGIN');
          if (pem !== -1 && text.length - pem > 150) return;
          const kept = head.text.slice(0, max);
          // The head never shows more than the whole text's scrub (no fragment of a credential), and is shorter
          // only when redactions shrank the text so much that `max` would have reached into the lookahead.
          assert.equal(kept, whole.slice(0, kept.length), `max ${max}: ${preview(text)}`);
          // The window ends at max + LOOKAHEAD (one sooner rather than split a surrogate pair).
          const end = max + LOOKAHEAD;
          if (text.length <= end) {
            assert.equal(head.unread, 0);
            assert.equal(kept, whole.slice(0, max));
          } else if (kept.length === Math.min(max, head.text.length) && head.unread <= text.length - end + 1) {
            assert.ok(head.unread === text.length - end || head.unread === text.length - end + 1);
          } else {
            // Cut back to what the input before the lookahead scrubs to: the rest of the text is unread.
            assert.ok(head.unread >= text.length - end && head.unread <= text.length - end + 1 + LOOKAHEAD / 2, `unread ${head.unread}`);
          }
        }),
    },
    {
      name: 'scrubDeep copes with any value: no throw, secrets gone, depth bounded',
      make: () =>
        // size 'medium' whatever the run's base size: at 'xlarge' fast-check builds values of millions of
        // nodes, and an hour of those ran the fuzzing process out of heap.
        fc.property(fc.anything({ maxDepth: 6, withSparseArray: true, withNullPrototype: true, size: 'medium' }), (v) => {
          const planted = { v, k: 'x gw-secret-4f1c9a7e2b5d8c3f y' };
          const out = scrubber.scrubDeep(planted);
          assert.ok(!JSON.stringify(out, (_k, x) => (typeof x === 'bigint' ? String(x) : x)).includes('gw-secret-4f1c9a7e2b5d8c3f'));
        }),
    },
  ],
};
