import assert from 'node:assert/strict';
import { denialsInToolOutcome, detectDenials, toolResultText } from '../../../src/core/bridge/openclaw/denials';

describe('kernel denial detection', () => {
  it('reads a shell redirect refused by Landlock (as OpenClaw returns it)', () => {
    const d = detectDenials('/bin/bash: line 1: /etc/nemocog-demo: Permission denied\n\n(Command exited with code 1)', 'exec', 'c1');
    assert.deepEqual(d, [{ tool: 'exec', errno: 'EACCES', source: 'kernel', path: '/etc/nemocog-demo', text: '/bin/bash: line 1: /etc/nemocog-demo: Permission denied', toolCallId: 'c1' }]);
  });

  it('reads a read-only mount', () => {
    const [d] = detectDenials('/bin/bash: line 3: /etc/x: Read-only file system', 'exec');
    assert.equal(d.errno, 'EROFS');
    assert.equal(d.path, '/etc/x');
  });

  it('reads coreutils, sh and Node forms', () => {
    assert.equal(detectDenials("touch: cannot touch '/etc/a b': Permission denied")[0].path, '/etc/a b');
    assert.equal(detectDenials('mkdir: cannot create directory \u2018/opt/x\u2019: Permission denied')[0].path, '/opt/x');
    assert.equal(detectDenials('sh: 1: cannot create /root/y: Permission denied')[0].path, '/root/y');
    const node = detectDenials("Error: EACCES: permission denied, open '/etc/z'")[0];
    assert.equal(node.path, '/etc/z');
    assert.equal(node.errno, 'EACCES');
    const eperm = detectDenials('rm: cannot remove \'/sys/x\': Operation not permitted')[0];
    assert.equal(eperm.errno, 'EPERM');
    assert.equal(eperm.path, '/sys/x');
  });

  it('reads network refusals with the host', () => {
    const a = detectDenials('Error: connect EACCES 127.0.0.1:9999')[0];
    assert.deepEqual([a.errno, a.host], ['EACCES', '127.0.0.1:9999']);
    const b = detectDenials('curl: (7) Failed to connect to example.com port 443 after 2 ms: Connection refused')[0];
    assert.deepEqual([b.errno, b.host], ['ECONNREFUSED', 'example.com:443']);
    const c = detectDenials('Error: connect ECONNREFUSED 10.0.0.1:80')[0];
    assert.deepEqual([c.errno, c.host], ['ECONNREFUSED', '10.0.0.1:80']);
  });

  it('finds nothing in ordinary output', () => {
    assert.deepEqual(detectDenials('Successfully wrote 79 bytes to src/greeting.ts'), []);
    assert.deepEqual(detectDenials('(no output)'), []);
    assert.deepEqual(detectDenials('all permissions granted; nothing denied here'), []);
  });

  it('one denial per offending line, bounded text', () => {
    const text = ['/bin/bash: line 1: /a: Permission denied', 'ok', `/bin/bash: line 2: /b: Permission denied ${'x'.repeat(5000)}`].join('\n');
    const d = detectDenials(text);
    assert.equal(d.length, 2);
    assert.ok(d[1].text.length <= 500);
  });

  it('a supervisor block (details.status "blocked") is a BLOCKED denial; kernel text in a result is a kernel one', () => {
    const blocked = denialsInToolOutcome({
      toolName: 'exec',
      toolCallId: 'call_demo_3_0',
      result: { content: [{ type: 'text', text: 'Blocked by NemoCognition: no' }], details: { status: 'blocked', deniedReason: 'plugin-before-tool-call', reason: 'Blocked by NemoCognition: no' } },
    });
    assert.deepEqual(blocked, [{ tool: 'exec', errno: 'BLOCKED', source: 'supervisor', text: 'Blocked by NemoCognition: no', toolCallId: 'call_demo_3_0' }]);
    const kernel = denialsInToolOutcome({ toolName: 'exec', result: { content: [{ type: 'text', text: '/bin/bash: line 1: /etc/q: Permission denied\n\n(Command exited with code 1)' }], details: { status: 'completed', exitCode: 1 } } });
    assert.equal(kernel[0].source, 'kernel');
    assert.equal(kernel[0].path, '/etc/q');
    assert.equal(toolResultText({ content: [{ type: 'text', text: 'a' }, { type: 'image' }, { type: 'text', text: 'b' }] }), 'a\nb');
  });
});
