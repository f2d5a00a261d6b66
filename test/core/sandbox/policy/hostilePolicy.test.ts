/**
 * Issue 12's reproducers for the policy reader: a policy file comes from the
 * repository, so it may be hostile. Each case failed before its fix.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyFile, parsePolicy, PolicyError } from '../../../../src/core/sandbox/policy';
import { cpuMs } from '../../../support/cpuTime';

const REPO = join(__dirname, '..', '..', '..', '..');

function policyError(text: string): PolicyError {
  try {
    parsePolicy(text, { source: 'p.yaml' });
  } catch (err) {
    assert.ok(err instanceof PolicyError, `expected a PolicyError, got ${(err as Error)?.name}: ${(err as Error)?.message}`);
    return err;
  }
  assert.fail(`expected a PolicyError for ${JSON.stringify(text.slice(0, 80))}`);
}

describe('issue 12: hostile policy files', () => {
  let ws: string;
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'nc-hostile-policy-'));
    mkdirSync(join(ws, '.nemocognition'));
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('2,000 [ then 2,000 ] (4 KB), loaded twice, is a PolicyError both times and never aborts Node', function () {
    this.timeout(60_000);
    writeFileSync(join(ws, '.nemocognition', 'policy.yaml'), '['.repeat(2000) + ']'.repeat(2000));
    // In a child: before the fix the second load aborted the process ("RegExpCompiler Allocation failed", exit 134).
    const script = `
      const { loadPolicyFile } = require(${JSON.stringify(join(REPO, 'src/core/sandbox/policy'))});
      (async () => {
        for (let i = 0; i < 2; i++) {
          try { await loadPolicyFile(${JSON.stringify(ws)}); console.log('loaded'); }
          catch (e) { console.log(e.name + ': ' + e.message.split('\\n')[1]); }
        }
      })();`;
    const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: REPO, encoding: 'utf8', timeout: 50_000 });
    assert.equal(r.status, 0, `exit ${r.status} ${r.signal ?? ''}\n${r.stdout}\n${r.stderr.slice(0, 2000)}`);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2, r.stdout);
    for (const l of lines) assert.match(l, /^PolicyError: .*nest more than 32 levels/);
  });

  it('deep nesting of every kind is refused before composing, with its line', () => {
    for (const text of [
      '['.repeat(2000) + ']'.repeat(2000),
      '{a: '.repeat(500) + '1' + '}'.repeat(500),
      '- '.repeat(2000) + 'x\n',
      '? '.repeat(2000) + 'x\n',
      Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n',
      `read_only:\n  - ${'['.repeat(40)}${']'.repeat(40)}\n`,
    ]) {
      const err = policyError(text);
      assert.match(err.message, /nest more than 32 levels/, text.slice(0, 40));
      assert.ok(err.issues[0]!.line >= 1, 'points at a line');
    }
  });

  it('{version} and "? version" are PolicyErrors, not TypeErrors (openShellShape.ts:27)', () => {
    assert.match(policyError('{version}').message, /version: only version: 1 exists/);
    assert.match(policyError('? version\n').message, /version: only version: 1 exists/);
    assert.match(policyError('version:\n').message, /version: only version: 1 exists/);
    assert.match(policyError('version: [1]\n').message, /version: only version: 1 exists/);
  });

  it("'//' is the root folder, never an empty path", () => {
    const p = parsePolicy('read_only: [//, "//usr//lib//", /etc/]\n');
    assert.deepEqual(p.policy.readOnly, ['/', '/usr/lib', '/etc']);
    assert.ok(!p.policy.readOnly.includes(''));
  });

  it('${workspace (unterminated) and ${workspace}x are refused', () => {
    assert.match(policyError('read_write: ["${workspace"]\n').message, /starts with '\$' but not with a whole variable/);
    assert.match(policyError('read_write: ["${workspace}x"]\n').message, /a variable is a whole folder/);
    assert.match(policyError('read_write: ["/a/${workspace}"]\n').message, /a variable can only be the first part/);
    assert.match(policyError('read_write: ["${}"]\n').message, /unknown variable/);
    // The good forms still work.
    assert.deepEqual(parsePolicy('read_write: ["${workspace}", "${workspace}/", "${home}/.cache//x/"]\n').policy.readWrite, ['${workspace}', '${home}/.cache/x']);
  });

  it('control characters in paths and hosts are refused (and shown escaped)', () => {
    assert.match(policyError('read_only: ["/usr\\n/etc"]\n').message, /'\/usr\\n\/etc' contains a control character/);
    assert.match(policyError('read_only: ["/usr\\u0000"]\n').message, /control character/);
    assert.match(policyError('read_only: ["/usr\\u2028x"]\n').message, /control character/);
    assert.match(policyError('egress: [{host: "a.com\\r\\nX: y", port: 443}]\n').message, /is not a host name or IP address/);
    assert.match(policyError('egress: ["a\\tb.com:443"]\n').message, /not host:port|not a host name/);
    assert.match(
      policyError('version: 1\nnetwork_policies:\n  x:\n    endpoints:\n      - host: "evil.com\\u0007"\n        port: 443\n').message,
      /is not a host name or IP address/,
    );
    for (const host of ['a b.com', 'a/b.com', 'a.com:80', '-', '', 'a..com', `${'a'.repeat(64)}.com`]) {
      assert.ok(policyError(`egress: [{host: ${JSON.stringify(host)}, port: 443}]\n`), host);
    }
    const ok = parsePolicy('egress: [{host: "*.github.com", port: 443}, "[::1]:9", "10.0.0.1:80", "x_y.internal:8080"]\n');
    assert.deepEqual(ok.policy.egress.map((e) => e.host), ['*.github.com', '::1', '10.0.0.1', 'x_y.internal']);
  });

  it('duplicate keys are still refused, in linear time for a map of 20,000 keys', () => {
    assert.match(policyError('read_only: [/usr]\nread_only: [/x]\n').message, /p\.yaml:2:1: Map keys must be unique/);
    const many = Array.from({ length: 20_000 }, (_, i) => `k${i}: 1`).join('\n');
    const { value: err, ms } = cpuMs(() => policyError(many));
    assert.match(err.message, /unknown field 'k0'/);
    // Before: yaml's uniqueKeys compared every key with every other (1.3 s here at 16,000 keys). Generous bound.
    assert.ok(ms < 10_000, `${ms.toFixed(0)} ms of CPU`);
  });

  it('a policy.yaml that is a FIFO, a device or a folder is refused at once (never read until EOF)', async function () {
    this.timeout(20_000);
    const file = join(ws, '.nemocognition', 'policy.yaml');
    symlinkSync('/dev/zero', file);
    await assert.rejects(loadPolicyFile(ws), (e: Error) => e instanceof PolicyError && /not a regular file/.test(e.message));
    rmSync(file);
    const mk = spawnSync('mkfifo', [file]);
    assert.equal(mk.status, 0, String(mk.stderr));
    await assert.rejects(loadPolicyFile(ws), (e: Error) => e instanceof PolicyError && /not a regular file/.test(e.message));
    rmSync(file);
    mkdirSync(file);
    await assert.rejects(loadPolicyFile(ws), (e: Error) => e instanceof PolicyError);
  });

  it('a file over the size limit is refused without parsing it', async () => {
    writeFileSync(join(ws, '.nemocognition', 'policy.yaml'), `read_only: [/usr]\n#${'x'.repeat(300 * 1024)}\n`);
    await assert.rejects(loadPolicyFile(ws), (e: Error) => e instanceof PolicyError && /larger than the 256 KiB/.test(e.message));
    assert.match(policyError(`#${'x'.repeat(300 * 1024)}`).message, /larger than the 256 KiB/);
  });
});
