/** The explicit opt-out really runs without a sandbox, and says so everywhere. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NoSandboxDriver } from '../../../../src/core/sandbox/local/noSandboxDriver';
import { policy, tempDir } from './fixtures';

describe('NoSandboxDriver (UNSANDBOXED opt-out)', () => {
  it('labels its capabilities and every result UNSANDBOXED', async () => {
    const work = tempDir('none-work');
    const outside = tempDir('none-outside');
    const state = tempDir('none-state');
    try {
      const driver = new NoSandboxDriver({ stateRoot: state.path });
      assert.equal(driver.kind, 'none');
      const caps = await driver.capabilities();
      assert.equal(caps.sandboxed, false);
      assert.equal(caps.label, 'UNSANDBOXED');
      const r = await driver.exec({ name: 'n', workdir: work.path, policy: policy() }, ['bash', '-c', `echo x > ${outside.path}/escaped`]);
      assert.equal(r.isolation, 'UNSANDBOXED');
      assert.equal(r.exitCode, 0);
      // Nothing stopped the write outside the workdir: that is what the label warns about.
      assert.equal(readFileSync(join(outside.path, 'escaped'), 'utf8'), 'x\n');
    } finally {
      work.cleanup();
      outside.cleanup();
      state.cleanup();
    }
  });
});
