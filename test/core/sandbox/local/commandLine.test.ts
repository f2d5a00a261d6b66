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

describe('hidden SSH agent', () => {
  it('hides the agent folder when it is dedicated, the socket alone otherwise', () => {
    assert.deepEqual(sshAgentPaths({ SSH_AUTH_SOCK: '/tmp/ssh-XYZ/agent.12' }), ['/tmp/ssh-XYZ']);
    assert.deepEqual(sshAgentPaths({ SSH_AUTH_SOCK: '/run/user/1000/keyring/ssh' }), ['/run/user/1000/keyring']);
    assert.deepEqual(sshAgentPaths({ SSH_AUTH_SOCK: '/tmp/agent.sock' }), ['/tmp/agent.sock']);
    assert.deepEqual(sshAgentPaths({}), []);
  });
});
