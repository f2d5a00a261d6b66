/** The exact command line the sandbox is started with (pure function, no kernel involved). */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCommand, type SandboxLayout } from '../../../../src/core/sandbox/local/commandLine';
import { sshAgentPaths } from '../../../../src/core/sandbox/local/hiddenPaths';
import { tempDir } from './fixtures';

function layout(over: Partial<SandboxLayout>): SandboxLayout {
  return {
    launcher: '/opt/nc/nc-landlock',
    landlockAbi: 7,
    cwd: '/work/ws',
    readOnly: ['/usr'],
    readWrite: ['/work/ws'],
    connectPorts: [8080, 8080, 443],
    privateTmp: '/var/nc/s1/tmp',
    hide: [],
    allowDegraded: false,
    isRoot: false,
    ...over,
  };
}

describe('sandbox command line', () => {
  it('is the launcher alone without bubblewrap', () => {
    assert.deepEqual(buildCommand(layout({}), ['echo', 'hi']), [
      '/opt/nc/nc-landlock',
      '--ro', '/dev/urandom', '--ro', '/dev/random', '--ro', '/dev/zero', '--ro', '/dev/full', '--ro', '/usr',
      '--rw', '/dev/null', '--rw', '/var/nc/s1/tmp', '--rw', '/work/ws',
      '--connect-port', '8080', '--connect-port', '443',
      '--scope-unix', '--scope-signal', '--drop-caps',
      '--', 'echo', 'hi',
    ]);
  });

  it('omits scoping on kernels before ABI 6 and passes --allow-degraded when asked', () => {
    const cmd = buildCommand(layout({ landlockAbi: 3, allowDegraded: true }), ['true']);
    assert.ok(!cmd.includes('--scope-unix'));
    assert.ok(cmd.includes('--allow-degraded'));
  });

  it('wraps in bubblewrap with a private /tmp, binds host /tmp paths back, then hides sockets', () => {
    const dir = tempDir('cmdline');
    try {
      const ws = join(dir.path, 'ws');
      mkdirSync(ws);
      const sock = join(ws, 'fake.sock');
      writeFileSync(sock, '');
      const cmd = buildCommand(layout({ bwrap: '/usr/bin/bwrap', cwd: ws, readWrite: [ws], hide: [sock, '/nonexistent/docker.sock'], isRoot: true }), ['true']);
      const text = cmd.join(' ');
      assert.ok(text.startsWith('/usr/bin/bwrap --die-with-parent --unshare-pid --unshare-ipc'));
      assert.match(text, /--cap-drop ALL --cap-add CAP_SETPCAP/);
      assert.match(text, new RegExp(`--bind /var/nc/s1/tmp /tmp --bind ${ws} ${ws} --ro-bind /dev/null ${sock} --chdir ${ws} -- /opt/nc/nc-landlock`));
      assert.doesNotMatch(text, /nonexistent/, 'a missing path is not created as a mount point');
      // Inside bubblewrap the private tmp is /tmp.
      assert.match(text, /--rw \/tmp --rw /);
    } finally {
      dir.cleanup();
    }
  });
});

describe('sandbox command line: the network and the evidence', () => {
  it('with bubblewrap: own network namespace, a relay to the gateway\'s socket, the monitor, the events fd and the attestation', () => {
    const cmd = buildCommand(
      layout({
        bwrap: '/usr/bin/bwrap',
        connectPorts: [41000],
        readOnlyOverlays: ['/etc/hostname'],
        net: { isolate: true, monitor: true, gateway: { port: 41000, unixSocket: '/run/nc/gw.sock' } },
        eventsFd: 3,
      }),
      ['agent'],
    ).join(' ');
    assert.match(cmd, /--new-session --unshare-net /);
    assert.match(cmd, /--ro-bind \/etc\/hostname \/etc\/hostname/);
    assert.match(cmd, /--ro \/etc\/hostname/);
    assert.match(cmd, /--connect-port 41000 .*--relay 41000=\/run\/nc\/gw\.sock --monitor-net --allow-tcp 127\.0\.0\.1:41000 --events-fd 3 --attest -- agent$/);
  });

  it('Landlock alone: no relay (the gateway is the host\'s port), the monitor still refuses other addresses', () => {
    const cmd = buildCommand(layout({ connectPorts: [41000], net: { isolate: false, monitor: true, gateway: { port: 41000 } }, eventsFd: 3 }), ['agent']).join(' ');
    assert.doesNotMatch(cmd, /--relay|unshare-net/);
    assert.match(cmd, /--monitor-net --allow-tcp 127\.0\.0\.1:41000 --events-fd 3 --attest -- agent$/);
  });
});

describe('hidden SSH agent', () => {
  it('hides the agent folder when it is dedicated, the socket alone otherwise', () => {
    assert.deepEqual(sshAgentPaths({ SSH_AUTH_SOCK: '/tmp/ssh-XYZ/agent.12' }), ['/tmp/ssh-XYZ']);
    assert.deepEqual(sshAgentPaths({ SSH_AUTH_SOCK: '/run/user/1000/keyring/ssh' }), ['/run/user/1000/keyring']);
    assert.deepEqual(sshAgentPaths({ SSH_AUTH_SOCK: '/tmp/agent.sock' }), ['/tmp/agent.sock']);
    assert.deepEqual(sshAgentPaths({}), []);
  });
});
