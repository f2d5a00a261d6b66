/**
 * Issue 12's reproducers for the shell classifier: a tool call is the agent's
 * (or the model's) text, so it may be built to stall supervision. Each case
 * took seconds (or threw) before its fix. Bounds are 10x the 50 ms budget:
 * generous, and CPU time (not wall time, which a loaded machine inflates),
 * far below what the old code took.
 */
import assert from 'node:assert/strict';
import { classifyToolCall } from '../../../src/core/policy/classify';
import { chmodEffect, gitRemoteHost, isRemoteSpec } from '../../../src/core/policy/commands';
import { globBase, globIndex, hasGlob } from '../../../src/core/policy/paths';
import { cpuMs } from '../../support/cpuTime';

const WS = '/work/ws';
const HOME = '/home/agent';
const BOUND_MS = 500;

function timed(toolName: string, params: unknown) {
  const { value: c, ms } = cpuMs(() => classifyToolCall({ toolName, params, workspace: WS, home: HOME }));
  return { c, ms };
}

function fast(label: string, toolName: string, params: unknown) {
  const { c, ms } = timed(toolName, params);
  assert.ok(ms < BOUND_MS, `${label}: ${ms.toFixed(0)} ms`);
  return c;
}

describe('issue 12: hostile tool calls for the classifier', () => {
  it("GLOB: rm + '{a,' x 1334 (4 KB) is read in linear time (was 3.3 s, cubic)", () => {
    const c = fast('glob', 'exec', { command: 'rm ' + '{a,'.repeat(1334) });
    assert.ok(c.destructive.score > 0);
    fast('glob 32K', 'exec', { command: 'rm -rf ' + '{a,'.repeat(10_000) });
  });

  it('nested eval $(eval $(eval …)) is read within budget, and still flagged (npm run fuzz found 103 levels take 55 ms, 32 K characters seconds)', () => {
    const nested = (n: number) => '$(eval '.repeat(n) + 'rm -rf /' + ')'.repeat(n);
    const c = fast('eval x 103', 'exec', { command: nested(103) });
    assert.ok(c.securitySensitive.score > 0, 'eval is security-relevant');
    const big = fast('eval 32K', 'exec', { command: nested(4_000) });
    assert.ok(big.parseWarnings.some((w) => /too large to read whole/.test(w)) || big.destructive.score > 0, 'what was not read is said');
    fast('eval, truncated JSON', 'exec', `{"command": "${nested(4_000)}`);
  });

  it('the rsync host regex: rsync + 32,000 characters (was 1.8 s)', () => {
    fast('rsync', 'exec', { command: 'rsync ' + 'a'.repeat(32_000) });
    fast('rsync spaces', 'exec', { command: `rsync '${'a '.repeat(16_000)}x'` });
  });

  it('the chmod mode regex: chmod + 32,000 mode characters (was 2 s)', () => {
    fast('chmod', 'exec', { command: 'chmod ' + 'o'.repeat(32_000) + ' f' });
    fast('chmod ao', 'exec', { command: 'chmod ' + 'ao'.repeat(16_000) + '+r f' });
  });

  it('/:.*$/ (ssh, scp, nc host): a 32,000-character target (was 1.1 s)', () => {
    const c = fast('ssh', 'exec', { command: `ssh 'a.${':'.repeat(32_000)}\nx'` });
    assert.equal(c.network[0]?.host, 'a.');
    fast('nc', 'exec', { command: `nc 'h.${':'.repeat(32_000)}\nx' 80` });
  });

  it('/[:/].*$/ (git clone host): a 32,000-character remote (was 1.0 s)', () => {
    const c = fast('git clone', 'exec', { command: `git clone 'x@${':'.repeat(32_000)}\nx'` });
    assert.ok(c.network.length > 0);
  });

  it('salvage() reads 10 M characters of broken JSON without a RangeError', function () {
    this.timeout(30_000);
    const c = classifyToolCall({ toolName: 'exec', params: '{"command": "' + 'a'.repeat(10_000_000), workspace: WS, home: HOME });
    assert.ok(c.parseWarnings.some((w) => /malformed/.test(w)));
    const escapes = classifyToolCall({ toolName: 'exec', params: '{"command": "' + '\\a'.repeat(5_000_000), workspace: WS, home: HOME });
    assert.ok(escapes.commands.length >= 0);
  });

  it('a tool_call naming tool_call again, 200,000 deep, is not followed (no stack overflow)', () => {
    let params: Record<string, unknown> = { command: 'rm -rf /' };
    for (let i = 0; i < 200_000; i++) params = { id: 'x:tool_call', args: params };
    const c = fast('tool_call chain', 'tool_call', params);
    assert.ok(c.risk >= 0.5, 'an unfollowed tool_call is scored conservatively');
  });

  it('an 8 MiB path or workdir is read only as far as the kernel would (path.resolve took 1.9 s)', function () {
    this.timeout(30_000);
    const huge = 'a/'.repeat(4 * 1024 * 1024);
    const c = fast('8 MiB path', 'write', { path: huge, content: 'x' });
    assert.ok(c.blastRadius.unknownTargets, 'a path no kernel accepts is an unknown target');
    fast('8 MiB workdir', 'exec', { command: 'ls', workdir: huge });
  });

  it('an unknown tool with 800,000 parameters is not enumerated value by value', function () {
    this.timeout(60_000);
    const params: Record<string, unknown> = { path: '/etc/shadow' };
    for (let i = 0; i < 800_000; i++) params[`k${i}`] = '/etc/x';
    const c = fast('800,000 parameters', 'mystery', params);
    assert.ok(c.reads.includes('/etc/shadow'), 'the usual path names are still read');
  });

  it('the rewritten helpers keep their meaning', () => {
    // globIndex agrees with the old regex on small inputs (a property test checks this at random too).
    const OLD = /[*?[]|\{[^}]*,[^}]*\}/;
    for (const w of ['a', '*.ts', 'a{b,c}', '{*,}', 'a/{b/*,c}', '{a}', 'x}{a,b}', 'a[0]', '{a,b', '']) {
      assert.equal(globIndex(w), w.search(OLD), w);
      assert.equal(hasGlob(w), OLD.test(w), w);
    }
    assert.equal(globBase('/w/a/{b/*,c}'), '/w/a');
    assert.equal(isRemoteSpec('host:/path'), true);
    assert.equal(isRemoteSpec('user@host:path'), true);
    assert.equal(isRemoteSpec('rsync://host/mod'), true);
    assert.equal(isRemoteSpec('./a:b'), false);
    assert.equal(isRemoteSpec('/abs:x'), false);
    assert.equal(isRemoteSpec('a :b'), false);
    assert.equal(gitRemoteHost('https://github.com/a/b.git'), 'github.com');
    assert.equal(gitRemoteHost('git@github.com:a/b.git'), 'github.com');
    assert.equal(gitRemoteHost('ssh://git@example.com:22/x'), 'example.com');
    assert.deepEqual(chmodEffect('o+w'), { worldWritable: true, setuid: false, executable: false });
    assert.deepEqual(chmodEffect('a=rwx'), { worldWritable: true, setuid: false, executable: false });
    assert.deepEqual(chmodEffect('u+s'), { worldWritable: false, setuid: true, executable: false });
    assert.deepEqual(chmodEffect('+x'), { worldWritable: false, setuid: false, executable: true });
    assert.deepEqual(chmodEffect('go-w,u+rw'), { worldWritable: false, setuid: false, executable: false });
    assert.deepEqual(chmodEffect('0777'), { worldWritable: true, setuid: false, executable: true });
    assert.deepEqual(chmodEffect('4755'), { worldWritable: false, setuid: true, executable: true });
  });
});
