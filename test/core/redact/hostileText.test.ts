/**
 * Issue 12's reproducers for the scrubber: the redaction patterns run on tool
 * output and write/edit content of any length, so a text built against them
 * must not stall supervision. Bounds are 10x the 50 ms budget, in CPU time.
 */
import assert from 'node:assert/strict';
import { findJwts, SECRET_PATTERNS } from '../../../src/core/redact/patterns';
import { MAX_SCRUB_DEPTH, Scrubber, TOO_DEEP } from '../../../src/core/redact/scrubber';
import { cpuMs } from '../../support/cpuTime';

const BOUND_MS = 500;

function scrubTimed(text: string, s = new Scrubber()): { out: string; ms: number } {
  const { value: out, ms } = cpuMs(() => s.scrub(text));
  return { out, ms };
}

const only = (kind: string) => new Scrubber({ patterns: SECRET_PATTERNS.filter((p) => p.kind === kind) });

describe('issue 12: hostile text for the scrubber', () => {
  it('jwt: 100 KB of eyJ- is scrubbed in linear time (was 8.5 s)', () => {
    const { ms } = scrubTimed('eyJ-'.repeat(25_000), only('jwt'));
    assert.ok(ms < BOUND_MS, `${ms.toFixed(0)} ms`);
    assert.ok(scrubTimed('eyJ-'.repeat(25_000)).ms < BOUND_MS);
  });

  it('url-credentials: 32 K characters of a.a.a… (was 0.5 s, quadratic)', () => {
    for (const text of ['a.'.repeat(16_000), 'sk-'.repeat(11_000), 'xoxb-'.repeat(6_400)]) {
      const { ms } = scrubTimed(text, only('url-credentials'));
      assert.ok(ms < BOUND_MS, `${text.slice(0, 6)}: ${ms.toFixed(0)} ms`);
    }
  });

  it('still redacts real JWTs and URL credentials, exactly as the old patterns did', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    assert.equal(new Scrubber().scrub(`Authorization: x ${jwt} y`), 'Authorization: x [REDACTED:jwt] y');
    assert.equal(new Scrubber().scrub(`a-${jwt}`), 'a-[REDACTED:jwt]');
    assert.equal(new Scrubber().scrub(`a${jwt}`), `a${jwt}`, 'no word boundary, no match (as before)');
    assert.deepEqual([...findJwts(`${jwt} ${jwt}`)].map((m) => m.index), [0, jwt.length + 1]);
    assert.equal(new Scrubber().scrub('git clone https://bob:s3cr3t@example.invalid/r.git'), 'git clone https://bob:[REDACTED:url-credentials]@example.invalid/r.git');
    assert.equal(new Scrubber().scrub('x(git+ssh://u:pw@h)'), 'x(git+ssh://u:[REDACTED:url-credentials]@h)');
    assert.equal(new Scrubber().scrub('--https://u:pw@h'), '--https://u:[REDACTED:url-credentials]@h');
  });

  it('every pattern stays linear on its own trigger repeated 1 MB long', function () {
    this.timeout(60_000);
    const triggers = ['eyJ-', 'x eyJaaaaaaaaaa.', 'a.', 'a://', 'a://b:', 'sk-', 'Bearer ', 'password=', 'password ', '-----BEGIN ', '-----END ', 'AIza-', 'ghp_', 'xoxb-', 'AKIA', 'hf_', 'nvapi-', 'Basic '];
    for (const t of triggers) {
      const text = t.repeat(Math.ceil(1_000_000 / t.length));
      const { ms } = scrubTimed(text);
      // 1 MB at the 50 ms budget's rate for 8 MiB would be ~6 ms; the bound is for a loaded machine.
      assert.ok(ms < 2 * BOUND_MS, `${JSON.stringify(t)} x ${text.length / t.length}: ${ms.toFixed(0)} ms`);
    }
  });

  it('scrubDeep bounds nesting: 100,000-deep values are cut, not a RangeError', () => {
    let deep: unknown = 'nvapi-CANARYcanary0123456789abcdefXYZ';
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep] : { k: deep };
    const out = new Scrubber().scrubDeep({ deep });
    const text = JSON.stringify(out);
    assert.ok(text.includes(TOO_DEEP));
    assert.ok(!text.includes('CANARY'));
    let depth = 0;
    for (let v: unknown = out; v && typeof v === 'object'; v = Array.isArray(v) ? v[0] : (v as Record<string, unknown>)[depth === 0 ? 'deep' : 'k']) depth++;
    assert.ok(depth <= MAX_SCRUB_DEPTH + 1, `${depth}`);
  });

  it('scrubDeep keeps a "__proto__" key as a key (JSON.parse makes it an own property)', () => {
    const input = JSON.parse('{"__proto__": {"token": "nvapi-CANARYcanary0123456789abcdefXYZ"}, "a": 1}');
    const out = new Scrubber().scrubDeep(input) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(JSON.stringify(out), '{"__proto__":{"token":"[REDACTED:nvidia-api-key]"},"a":1}');
  });
});
