/**
 * A missing or unusable capability must be a SandboxUnavailableError that
 * says how to fix it, never a silent run without a sandbox. Missing pieces are
 * simulated by pointing the driver at paths that do not exist, and a kernel
 * without Landlock by a FAKE launcher (a shell script, labelled as such) that
 * prints what the real launcher's --probe prints on such a kernel.
 */
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SandboxUnavailableError } from '../../../../src/core/sandbox/driver';
import { LocalSandboxDriver } from '../../../../src/core/sandbox/local/driver';
import { resolveLauncher } from '../../../../src/core/sandbox/local/launcherBinary';
import { cleanupLauncher, tempDir, testLauncher } from './fixtures';

async function unavailable(p: Promise<unknown>, pattern: RegExp): Promise<SandboxUnavailableError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SandboxUnavailableError, `expected SandboxUnavailableError, got ${String(err)}`);
    assert.match(err.message, pattern);
    return err;
  }
  assert.fail('expected the sandbox to be unavailable');
}

function fakeProbe(dir: string, json: string, code: number): string {
  const path = join(dir, 'fake-nc-landlock');
  writeFileSync(path, `#!/bin/sh\n# FAKE launcher for tests: prints a probe as on an older kernel.\necho '${json}'\nexit ${code}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('LocalSandboxDriver: unavailable capabilities', function () {
  this.timeout(30_000);
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('errors');
  });
  afterEach(() => dir.cleanup());
  after(() => cleanupLauncher());

  it('names the missing launcher and how to get it', async () => {
    const err = await unavailable(new LocalSandboxDriver({ launcher: { path: join(dir.path, 'nope') } }).checkAvailable(), /nope does not exist/);
    assert.match(err.fix, /npm run build/);
  });

  it('says how to install bubblewrap when its configured path is missing', async () => {
    const driver = new LocalSandboxDriver({ launcher: { path: testLauncher() }, bwrapPath: join(dir.path, 'bwrap') });
    const err = await unavailable(driver.checkAvailable(), /bubblewrap \(bwrap\) was not found at/);
    assert.match(err.fix, /sudo apt-get install bubblewrap/);
  });

  it('refuses to exec when the check fails, and retries the check later', async () => {
    const options = { launcher: { path: join(dir.path, 'later') }, bwrapPath: null, allowLandlockOnly: true };
    const driver = new LocalSandboxDriver(options);
    await unavailable(driver.exec({ name: 'x', workdir: dir.path, policy: { name: 'p', readOnly: [], readWrite: [], egress: [] } }, ['true']), /does not exist/);
    writeFileSync(join(dir.path, 'later'), '');
    chmodSync(join(dir.path, 'later'), 0o755);
    // Now it exists but is not a real launcher: a different, still helpful error.
    await unavailable(driver.checkAvailable(), /unexpected probe result|could not run/);
  });

  it('explains a kernel without Landlock (fake launcher)', async () => {
    const launcher = fakeProbe(dir.path, '{"abi":0,"fs":false,"net":false,"scopeUnix":false,"scopeSignal":false,"error":"ENOSYS"}', 241);
    const err = await unavailable(new LocalSandboxDriver({ launcher: { path: launcher }, bwrapPath: null, allowLandlockOnly: true }).checkAvailable(), /no usable Landlock \(ENOSYS\)/);
    assert.match(err.fix, /lsm=/);
    assert.match(err.fix, /UNSANDBOXED/);
  });

  it('refuses a kernel without TCP rules unless degraded mode is allowed (fake launcher)', async () => {
    const launcher = fakeProbe(dir.path, '{"abi":3,"fs":true,"net":false,"scopeUnix":false,"scopeSignal":false,"error":""}', 0);
    await unavailable(new LocalSandboxDriver({ launcher: { path: launcher }, bwrapPath: null, allowLandlockOnly: true }).checkAvailable(), /ABI 3\) cannot restrict TCP/);
    const caps = await new LocalSandboxDriver({ launcher: { path: launcher }, bwrapPath: null, allowLandlockOnly: true, allowDegraded: true }).capabilities();
    assert.ok(!caps.layers.includes('landlock-net-tcp'));
    assert.ok(caps.missing.some((m) => m.layer === 'landlock-net-tcp'));
    assert.match(caps.label, /no TCP rules/);
  });

  it('says a C compiler is needed when the launcher must be built without one', () => {
    assert.throws(
      () => resolveLauncher({ preferSource: true, cacheDir: dir.path, cc: join(dir.path, 'no-cc') }),
      (err: unknown) => err instanceof SandboxUnavailableError && /no C compiler/.test(err.message) && /apt-get install gcc/.test(err.fix),
    );
  });
});
