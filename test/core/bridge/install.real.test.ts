/**
 * The real install from the npm registry into a temporary folder (about 850 MB;
 * under a minute once npm's cache holds the packages, which `npm test`'s own
 * install of the runtime leaves there), then `openclaw --version` through the
 * installed Node 24. The fake-npm tests cover the failure paths.
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
    // A generous sanity bound (the no-op is a few stats and one `--version` probe); timing belongs in `npm run bench`.
    assert.ok(Date.now() - t1 < 30_000, 'second call is a quick no-op');
  });
});
