/**
 * The real install from the npm registry into a temporary folder (about 850 MB,
 * a few minutes), then `openclaw --version` through the installed Node 24.
 * Runs only with NEMOCOG_TEST_REAL_INSTALL=1; the fake-npm tests cover the rest.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installAgentRuntime, isAgentRuntimeInstalled } from '../../../src/core/bridge/openclaw/install';
import { AGENT_NODE_VERSION, OPENCLAW_VERSION, probeAgentRuntime } from '../../../src/core/bridge/openclaw/runtime';

describe('agent runtime installer (real npm registry)', function () {
  this.timeout(15 * 60_000);
  let tmp: string;
  before(function () {
    if (process.env.NEMOCOG_TEST_REAL_INSTALL !== '1') this.skip();
    tmp = mkdtempSync(join(tmpdir(), 'nc-real-install-'));
  });
  after(() => tmp && rmSync(tmp, { recursive: true, force: true }));

  it(`installs openclaw@${OPENCLAW_VERSION} on node@${AGENT_NODE_VERSION} and it starts`, async () => {
    const dir = join(tmp, 'agent-runtime');
    const t0 = Date.now();
    const lines: string[] = [];
    const rt = await installAgentRuntime(dir, { onProgress: (l) => lines.push(l) });
    const seconds = (Date.now() - t0) / 1000;
    process.stderr.write(`      real install took ${seconds.toFixed(1)} s\n`);
    assert.equal(rt.openclawVersion, OPENCLAW_VERSION);
    assert.ok(await isAgentRuntimeInstalled(dir));
    assert.match(probeAgentRuntime(rt, tmp), new RegExp(OPENCLAW_VERSION.replace(/\./g, '\\.')));
    const t1 = Date.now();
    await installAgentRuntime(dir);
    assert.ok(Date.now() - t1 < 5000, 'second call is a quick no-op');
  });
});
