/**
 * Issue 13, hole 6: "the sandbox can quietly weaken" — when bubblewrap was
 * missing, the run silently dropped to Landlock alone, and every pathname
 * socket (Docker, the editor's IPC, X11) became reachable. Now: refuse, with
 * the fix, unless Landlock alone is explicitly allowed, and then say so in
 * every label. Also: name the user-namespace restriction that breaks
 * bubblewrap on some distributions.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SandboxUnavailableError } from '../../src/core/sandbox/driver';
import type { EnforcedSandbox } from '../../src/core/sandbox/driver';
import { attestationProblems } from '../../src/core/sandbox/local/attestation';
import type { SandboxLayout } from '../../src/core/sandbox/local/commandLine';
import { LANDLOCK_ONLY_WARNING, LocalSandboxDriver, hostNamespaces } from '../../src/core/sandbox/local/driver';
import { userNamespaceRestrictions } from '../../src/core/sandbox/local/userNamespaces';
import { missingPart } from '../support/realParts';
import { cleanupLauncher, tempDir, testLauncher } from '../core/sandbox/local/fixtures';

describe('hole 6: the sandbox could quietly weaken without bubblewrap', function () {
  this.timeout(30_000);
  let dir: ReturnType<typeof tempDir>;
  before(() => {
    dir = tempDir('weak');
  });
  after(() => {
    dir.cleanup();
    cleanupLauncher();
  });

  it('refuses to run when bubblewrap is missing, naming the fix and the explicit opt-in', async () => {
    for (const bwrapPath of [join(dir.path, 'no-bwrap'), null]) {
      const driver = new LocalSandboxDriver({ launcher: { path: testLauncher() }, bwrapPath });
      const err = await driver.checkAvailable().then(
        () => assert.fail('ran without bubblewrap'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof SandboxUnavailableError, String(err));
      assert.match(err.message, /needs bubblewrap.*will not quietly run a weaker sandbox/);
      assert.match(err.fix, bwrapPath ? /sudo apt-get install bubblewrap.*allowLandlockOnly/s : /Unset the bubblewrap path/);
    }
  });

  it('runs with Landlock alone only when explicitly allowed, and labels it loudly', async () => {
    const caps = await new LocalSandboxDriver({ launcher: { path: testLauncher() }, bwrapPath: join(dir.path, 'no-bwrap'), allowLandlockOnly: true }).capabilities();
    assert.equal(caps.landlockOnly, true);
    assert.match(caps.label, /ONLY \(no bubblewrap, explicitly allowed\)/);
    assert.ok(caps.notes?.includes(LANDLOCK_ONLY_WARNING));
    assert.ok(caps.missing.some((m) => m.layer === 'hidden-sockets'));
    assert.ok(!caps.layers.includes('bwrap-net-ns'));
    assert.match(caps.networkRule, /any address on that port/);
  });

  it('with bubblewrap: namespaces including the network, the monitor and the tools\' sandbox are layers', async function () {
    const caps = await new LocalSandboxDriver({ launcher: { path: testLauncher() } }).capabilities().catch((e: Error) => missingPart(this, `the local sandbox with bubblewrap (${e.message})`));
    for (const layer of ['bwrap-mount-ns', 'bwrap-pid-ns', 'bwrap-ipc-ns', 'bwrap-net-ns', 'hidden-sockets', 'net-monitor', 'tool-sandbox'] as const) {
      assert.ok(caps.layers.includes(layer), `missing ${layer}`);
    }
    assert.equal(caps.landlockOnly, undefined);
    assert.match(caps.networkRule, /TCP to 127\.0\.0\.1:<gateway> only/);
  });

  it('names restricted user namespaces (Ubuntu AppArmor, Debian sysctl, a zero limit) and their fixes', () => {
    const values: Record<string, number> = {
      '/proc/sys/kernel/apparmor_restrict_unprivileged_userns': 1,
      '/proc/sys/kernel/unprivileged_userns_clone': 0,
      '/proc/sys/user/max_user_namespaces': 0,
    };
    const found = userNamespaceRestrictions((p) => values[p], false);
    assert.deepEqual(found.map((r) => r.setting), ['kernel.apparmor_restrict_unprivileged_userns=1', 'kernel.unprivileged_userns_clone=0', 'user.max_user_namespaces=0']);
    assert.match(found[0]!.fix, /apparmor_parser -r/);
    assert.deepEqual(userNamespaceRestrictions((p) => values[p], true), [], 'root is not affected');
    assert.deepEqual(userNamespaceRestrictions(() => undefined, false), []);
  });

  it('checks the attestation against the plan: a sandbox that came up weaker is named, layer by layer', () => {
    const layout: SandboxLayout = {
      launcher: '/x/nc-landlock', bwrap: '/usr/bin/bwrap', landlockAbi: 7, cwd: '/w', readOnly: [], readWrite: [], connectPorts: [4100],
      privateTmp: '/t', hide: [], allowDegraded: false, isRoot: false,
      net: { isolate: true, monitor: true, gateway: { port: 4100, unixSocket: '/s/gw.sock' } }, eventsFd: 3,
    };
    const host = hostNamespaces();
    const other = (ns: string) => `${ns}:[1]`;
    const good: EnforcedSandbox = {
      type: 'enforced',
      landlock: { abi: 7, fs: true, tcp: true, connectPorts: [4100], bindPorts: [], scoped: ['abstract-unix', 'signal'] },
      capsDropped: true, noNewPrivs: true, netMonitor: true, relay: '127.0.0.1:4100',
      namespaces: { mnt: other('mnt'), pid: other('pid'), net: other('net'), ipc: other('ipc'), user: host.user ?? '' },
      interfaces: ['lo'], hidden: [{ path: '/run/user', state: 'hidden' }],
    };
    assert.deepEqual(attestationProblems(layout, good), []);
    const weak: EnforcedSandbox = { ...good, netMonitor: false, relay: undefined, interfaces: ['lo', 'eth0'], namespaces: { ...good.namespaces, net: host.net ?? 'net:[host]' }, hidden: [{ path: '/run/user', state: 'visible' }], landlock: { ...good.landlock, connectPorts: [4100, 22] } };
    const problems = attestationProblems(layout, weak).join('; ');
    for (const p of [/TCP ports 22,4100 allowed, 4100 planned/, /no network monitor/, /network namespace is the host's/, /eth0 are visible/, /no relay/, /\/run\/user is visible/]) assert.match(problems, p);
  });
});
