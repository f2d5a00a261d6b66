import { strict as assert } from 'node:assert';
import { classifyToolCall } from '../../../src/core/policy/classify';
import { attributeDenials, type DenialContext } from '../../../src/core/policy/confirmDenial';
import { detectKernelDenials } from '../../../src/core/policy/denials';

const WS = '/sandboxes/run/main/work';
function ctx(command: string, extra: Partial<DenialContext> = {}): DenialContext {
  return {
    workdir: WS,
    readWrite: ['/sandboxes/run/main/state'],
    readOnly: ['/usr', '/etc', '/opt/runtime'],
    egress: [{ host: '127.0.0.1', port: 40123 }],
    classification: classifyToolCall({ toolName: 'exec', params: { command }, workspace: WS, home: '/tmp/home' }),
    ...extra,
  };
}
function attribute(command: string, output: string, extra: Partial<DenialContext> = {}) {
  return attributeDenials(detectKernelDenials(output, { toolName: 'exec' }), ctx(command, extra));
}

describe('policy/attributeDenials: only what the policy confirms is the sandbox', () => {
  it('a write outside the writable paths is the sandbox; the same write inside them is a tool error', () => {
    assert.equal(attribute('echo x > /etc/a', 'sh: 1: cannot create /etc/a: Permission denied').sandbox.length, 1);
    const inside = attribute('echo x > out.txt', `sh: 1: cannot create ${WS}/out.txt: Permission denied`);
    assert.equal(inside.sandbox.length, 0);
    assert.match(inside.toolErrors[0]!.why, /writable under the policy/);
    assert.equal(attribute('touch /sandboxes/run/main/state/x', "touch: cannot touch '/sandboxes/run/main/state/x': Permission denied").sandbox.length, 0);
    assert.equal(attribute('echo x > /tmp/x', 'sh: 1: cannot create /tmp/x: Permission denied').sandbox.length, 0, 'the private /tmp is writable');
  });

  it('a read outside the readable paths is the sandbox; a read of a readable path is the file permissions', () => {
    assert.equal(attribute('cat /root/.ssh/id_ed25519', 'cat: /root/.ssh/id_ed25519: Permission denied').sandbox.length, 1);
    assert.equal(attribute('cat /etc/shadow', 'cat: /etc/shadow: Permission denied').sandbox.length, 0);
  });

  it('unknown targets (inline code): a read-only path whose permissions allow reading means a write was refused', () => {
    const code = "node -e \"require('fs').writeFileSync('/etc/hosts.new', '')\"";
    const out = "Error: EACCES: permission denied, open '/etc/hosts.new'";
    assert.equal(attribute(code, out, { permits: () => true }).sandbox.length, 1);
    assert.equal(attribute(code, out, { permits: () => false }).sandbox.length, 0, 'the permissions alone could explain it');
    assert.equal(attribute(code, out).sandbox.length, 0, 'without a probe nothing confirms it');
  });

  it('a symlink in the workspace that points outside is resolved before the check', () => {
    const real = (p: string) => p.replace(`${WS}/etc-link`, '/etc');
    const r = attribute('echo x > etc-link/passwd', `sh: 1: cannot create ${WS}/etc-link/passwd: Permission denied`, { realpath: real });
    assert.equal(r.sandbox.length, 1);
    assert.match(r.sandbox[0]!.confirmation, /\/etc\/passwd/);
  });

  it('connections: a refused address outside the egress list is the sandbox; one inside it, or one the call never made, is not', () => {
    assert.equal(attribute('curl http://10.1.2.3:443/', 'curl: (7) Failed to connect to 10.1.2.3 port 443 after 1 ms: Connection refused').sandbox.length, 1);
    const gw = attribute('curl http://127.0.0.1:40123/v1/models', 'curl: (7) Failed to connect to 127.0.0.1 port 40123 after 0 ms: Connection refused');
    assert.equal(gw.sandbox.length, 0);
    assert.match(gw.toolErrors[0]!.why, /allowed by the policy/);
    const printed = attribute('echo done', 'Error: connect EACCES 10.1.2.3:443');
    assert.equal(printed.sandbox.length, 0);
    assert.match(printed.toolErrors[0]!.why, /only names it/);
  });

  it('text without a path or address is never the sandbox', () => {
    const r = attribute('python3 build.py', 'PermissionError: Permission denied');
    assert.equal(r.sandbox.length, 0);
    assert.match(r.toolErrors[0]!.why, /no path or address/);
  });
});
