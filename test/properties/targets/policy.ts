/** Properties of the sandbox policy reader (src/core/sandbox/policy): a policy file comes from the repository. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parsePolicy, PolicyError, type ParsedPolicy } from '../../../src/core/sandbox/policy';
import { MAX_POLICY_BYTES } from '../../../src/core/sandbox/policy/yamlLimits';
import { hostileText, preview, withinBudget, type Target } from '../harness';

/** yaml parses at a few µs a byte here; the budget allows 10x that, and quadratic growth still shows. */
const BUDGET = { baseMs: 80, perKbMs: 40 };

const PIECES = [
  '[', ']', '{', '}', '- ', '? ', ': ', ',', '\n', '  ', '    ', '#', '"', "'", '\\', '&a ', '*a', '!!str ', '|', '>',
  'version', ': 1', 'filesystem_policy:', 'read_only:', 'read_write:', 'network_policies:', 'egress:', 'landlock:', 'host:', 'port:',
  '/usr', '//', '/a/../b', '${workspace}', '${workspace', '${workspace}x', '${home}/x', '${nope}', '\u0000', '\u2028', '\t', 'é', '127.0.0.1:8080', '[::1]:9',
];

/** Policies built as data, then written as YAML (so they are usually well-formed), with hostile values inside. */
const value = fc.oneof(
  fc.constantFrom('/usr', '/', '//', '${workspace}', '${workspace}/x', '${state}', '${tmp}//a/', '/a/../b', '/a\n/b', '${workspace', '${workspace}x', 'rel/path', ''),
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.constant(null),
);
const hostValue = fc.oneof(fc.constantFrom('api.example.com', '*.github.com', '127.0.0.1', '::1', 'a b', 'x.com\r\nY: z', '-', '', '*'), fc.string({ maxLength: 20 }));
const endpoint = fc.record({ host: hostValue, port: fc.oneof(fc.integer({ min: -1, max: 70000 }), fc.string({ maxLength: 5 })) }, { requiredKeys: [] });
const openShell = fc.record(
  {
    version: fc.oneof(fc.constant(1), fc.constant(2), fc.constant(null), fc.constant('1')),
    filesystem_policy: fc.record({ include_workdir: fc.oneof(fc.boolean(), value), read_only: fc.array(value, { maxLength: 6 }), read_write: fc.array(value, { maxLength: 6 }) }, { requiredKeys: [] }),
    landlock: fc.record({ compatibility: fc.constantFrom('best_effort', 'hard_requirement', 'x') }),
    network_policies: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.record({ name: fc.string({ maxLength: 8 }), endpoints: fc.array(endpoint, { maxLength: 3 }) }, { requiredKeys: [] }), { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);
const flat = fc.record(
  {
    read_only: fc.array(value, { maxLength: 6 }),
    read_write: fc.array(value, { maxLength: 6 }),
    egress: fc.array(fc.oneof(fc.constantFrom('127.0.0.1:8080', 'a.com:443', '[::1]:9', 'x:0', 'a b:1', 'h:99999'), endpoint, fc.string({ maxLength: 12 })), { maxLength: 4 }),
  },
  { requiredKeys: [] },
);
const asYaml = fc.oneof(openShell, flat).map((doc) => stringify(doc));

/** Deep or wide documents: nesting one past the limit and far past it, and many keys. */
const deep = fc.tuple(fc.integer({ min: 1, max: 600 }), fc.constantFrom('[', '{a: ', '- ', '? ', 'k:\n '), fc.boolean()).map(([n, open, closed]) => {
  const close = open === '[' ? ']' : open === '{a: ' ? '}' : '';
  return open.repeat(n) + 'x' + (closed ? close.repeat(n) : '');
});

function parseOrRefuse(text: string): ParsedPolicy | PolicyError {
  return withinBudget(Buffer.byteLength(text), BUDGET, () => preview(text), () => {
    try {
      return parsePolicy(text, { source: 'p.yaml' });
    } catch (e) {
      if (e instanceof PolicyError) return e;
      throw new Error(`parsePolicy threw ${(e as Error)?.name ?? typeof e}: ${(e as Error)?.message} for ${preview(text)}`);
    }
  });
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** What the sandbox receives from an accepted policy: paths it can use as they are, hosts and ports that mean one thing. */
function assertUsable(p: ParsedPolicy): void {
  for (const path of [...p.policy.readOnly, ...p.policy.readWrite]) {
    assert.ok(path.length > 0, 'an empty path');
    assert.ok(!CONTROL.test(path), `control character in ${JSON.stringify(path)}`);
    assert.ok(path.startsWith('/') || /^\$\{(workspace|state|tmp|home|runtime)\}(\/|$)/.test(path), `${JSON.stringify(path)} is neither absolute nor a known variable`);
    assert.ok(!path.split('/').includes('..') && !path.split('/').includes('.'), `${JSON.stringify(path)} is not normalised`);
    assert.ok(path === '/' || !path.endsWith('/'), `${JSON.stringify(path)} ends with /`);
    assert.ok(!path.slice(1).includes('$'), `${JSON.stringify(path)} has a variable after its start`);
  }
  for (const e of p.policy.egress) {
    assert.ok(Number.isInteger(e.port) && e.port >= 1 && e.port <= 65535, `port ${e.port}`);
    assert.ok(e.host.length > 0 && !CONTROL.test(e.host) && !/[\s/]/.test(e.host), `host ${JSON.stringify(e.host)}`);
  }
  assert.ok(['best_effort', 'hard_requirement'].includes(p.landlockCompatibility));
}

export const policyTarget: Target = {
  name: 'policy',
  parser: "a repository's .nemocognition/policy.yaml",
  properties: [
    {
      name: 'any text: a usable policy or a PolicyError with a line, never another error, within the time budget',
      make: () =>
        fc.property(fc.oneof(hostileText(PIECES, { maxLength: 400, maxRepeat: 300 }), asYaml, deep), (text) => {
          // Twice in a row: the abort of issue 12 came on the second parse after a stack overflow.
          for (let i = 0; i < 2; i++) {
            const r = parseOrRefuse(text);
            if (r instanceof PolicyError) {
              assert.ok(r.issues.length > 0);
              for (const issue of r.issues) assert.ok(Number.isInteger(issue.line) && issue.line >= 0);
              assert.ok(!CONTROL.test(r.message.replace(/\n/g, '')), 'the message shows control characters escaped');
            } else assertUsable(r);
          }
        }),
    },
    {
      name: 'policies written as YAML from data: accepted exactly when every path and host is valid',
      make: () =>
        fc.property(fc.oneof(openShell, flat), (doc) => {
          const r = parseOrRefuse(stringify(doc));
          if (!(r instanceof PolicyError)) assertUsable(r);
        }),
    },
    {
      name: 'size is refused before parsing, at the limit',
      make: () =>
        fc.property(fc.integer({ min: 0, max: 64 }), fc.constantFrom('#', 'a: ', '['), (extra, unit) => {
          const text = unit.repeat(Math.ceil((MAX_POLICY_BYTES + 1 + extra) / unit.length));
          const r = parseOrRefuse(text);
          assert.ok(r instanceof PolicyError && /larger than the 256 KiB/.test(r.message));
        }),
    },
  ],
};
