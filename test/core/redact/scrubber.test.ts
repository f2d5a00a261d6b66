import assert from 'node:assert/strict';
import { Scrubber } from '../../../src/core/redact/scrubber';

// Canary values: shaped like real credentials, valid nowhere.
const CANARY_NV = 'nvapi-CANARYcanary0123456789abcdefXYZ_-canary';
const CANARY_SECRET = 'gw-secret-4f1c9a7e2b5d8c3f6a9e1b4d7c0f3a6e';

describe('redact/Scrubber', () => {
  it('replaces a registered secret exactly, in URL-encoded and base64 forms at any alignment', () => {
    const s = new Scrubber();
    assert.equal(s.addSecret(CANARY_SECRET, 'gateway-secret'), true);
    assert.equal(s.scrub(`token ${CANARY_SECRET} end`), 'token [REDACTED:gateway-secret] end');
    const weird = 'p@ss w/rd+é&=' + 'x'.repeat(10);
    s.addSecret(weird, 'user-key');
    assert.ok(!s.scrub(`q=${encodeURIComponent(weird)}`).includes(encodeURIComponent(weird)));
    for (const prefix of ['', 'u', 'us', 'user:']) {
      const b64 = Buffer.from(prefix + CANARY_SECRET + '!tail').toString('base64');
      const out = s.scrub(`Authorization: Basic ${b64}`);
      // Whatever stays must not decode back to the secret.
      const leftover = out.replace(/\[REDACTED:[^\]]+\]/g, '');
      assert.ok(!Buffer.from(leftover.replace(/^.*Basic /, ''), 'base64').toString().includes(CANARY_SECRET), prefix);
      assert.ok(out.includes('[REDACTED:'), `base64 with prefix "${prefix}" not redacted: ${out}`);
    }
    const url64 = Buffer.from(CANARY_SECRET).toString('base64url');
    assert.ok(s.scrub(url64).includes('[REDACTED:gateway-secret]'));
  });

  it('refuses to register values too short to be secrets', () => {
    const s = new Scrubber();
    assert.equal(s.addSecret('abc'), false);
    assert.equal(s.addSecret(''), false);
    assert.equal(s.scrub('abc abc'), 'abc abc');
  });

  const cases: Array<[string, string, string]> = [
    ['nvidia key', `key is ${CANARY_NV} ok`, 'nvidia-api-key'],
    ['openai key', 'OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz012345', 'openai-api-key'],
    ['bearer', 'Authorization: Bearer abcdefghijklmnop.qrstuv', 'bearer'],
    ['aws access key', 'aws id AKIAIOSFODNN7EXAMPLE here', 'aws-access-key'],
    ['github token', 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8', 'github-token'],
    ['github pat', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', 'github-token'],
    ['private key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n-----END OPENSSH PRIVATE KEY-----', 'private-key'],
    ['truncated private key', 'x -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA', 'private-key'],
    ['password=', 'mysql --user=root password=hunter22 db', 'password'],
    ['DB_PASSWORD env', 'DB_PASSWORD=hunter22', 'password'],
    ['json password', '{"password": "hunter22", "user": "bob"}', 'password'],
    ['escaped json api_key', '{\\"api_key\\": \\"abc123xyz\\"}', 'password'],
    ['url credentials', 'git clone https://bob:s3cr3tpass@example.invalid/r.git', 'url-credentials'],
  ];
  for (const [name, input, kind] of cases) {
    it(`pattern: ${name}`, () => {
      const out = new Scrubber().scrub(input);
      assert.ok(out.includes(`[REDACTED:${kind}]`), out);
      for (const secret of ['hunter22', 'abc123xyz', 's3cr3tpass', 'AKIAIOSFODNN7EXAMPLE', CANARY_NV, 'b3BlbnNzaC1rZXktdjEAAAA', 'MIIEowIBAAKCAQEA']) {
        assert.ok(!out.includes(secret), `${secret} survived in ${out}`);
      }
    });
  }

  it('leaves code that only names a secret alone', () => {
    const s = new Scrubber();
    for (const code of [
      'interface Login { password: string; apiKey?: string }',
      'const client = new OpenAI({ apiKey: process.env.NVIDIA_API_KEY })',
      'export PASSWORD=$DB_PASS',
      'api_key: os.environ.get("KEY")',
      'secret: config.auth.secret,',
    ]) {
      assert.equal(s.scrub(code), code);
    }
    assert.equal(s.scrub('password: hunter22'), 'password: [REDACTED:password]');
    assert.equal(s.scrub("apiKey: 'abc123456'"), "apiKey: '[REDACTED:password]'");
  });

  it('keeps ordinary text untouched', () => {
    const s = new Scrubber();
    s.addSecret(CANARY_SECRET);
    const text = 'run npm test; the task-runner reads max_tokens: 100 and skips Bearer-less calls';
    assert.equal(s.scrub(text), text);
  });

  it('scrubs recursively without mutating the input, and survives cycles', () => {
    const s = new Scrubber({ secrets: [{ value: CANARY_SECRET, kind: 'gateway-secret' }] });
    const input: Record<string, unknown> = {
      a: CANARY_SECRET,
      list: [1, true, null, { deep: `x ${CANARY_NV}` }],
      n: 3,
    };
    input.self = input;
    const out = s.scrubDeep(input) as Record<string, any>;
    assert.equal(out.a, '[REDACTED:gateway-secret]');
    assert.equal(out.list[3].deep, 'x [REDACTED:nvidia-api-key]');
    assert.equal(out.n, 3);
    assert.equal(out.self, out);
    assert.equal(input.a, CANARY_SECRET);
    assert.ok(!JSON.stringify({ ...out, self: null }).includes(CANARY_SECRET));
  });
});
