/**
 * Spawn overhead of each layer, measured on this machine: a plain spawn,
 * Landlock alone, and bubblewrap + Landlock, all running `true` through the
 * same process runner. Prints medians; the bounds are generous sanity checks
 * (10x what this machine measures idle), not performance claims.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { LocalSandboxDriver } from '../../../../src/core/sandbox/local/driver';
import { runProcess } from '../../../../src/core/sandbox/local/runProcess';
import { cleanupLauncher, spec, tempDir, testLauncher } from './fixtures';

const RUNS = 15;

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up (first exec compiles nothing but fills caches)
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

describe('local sandbox spawn overhead', function () {
  this.timeout(120_000);
  after(() => cleanupLauncher());

  it('measures plain vs Landlock vs bubblewrap + Landlock', async () => {
    const work = tempDir('bench-work');
    const state = tempDir('bench-state');
    try {
      const s = spec(work.path);
      const plain = await median(() => runProcess({ argv: ['true'], cwd: work.path, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } }));
      const landlock = new LocalSandboxDriver({ launcher: { path: testLauncher() }, bwrapPath: null, stateRoot: state.path });
      const ll = await median(() => landlock.exec(s, ['true']));
      const row = [`plain ${plain.toFixed(1)} ms`, `landlock ${ll.toFixed(1)} ms (+${(ll - plain).toFixed(1)})`];
      if (['/usr/bin/bwrap', '/bin/bwrap'].some((p) => existsSync(p))) {
        const both = new LocalSandboxDriver({ launcher: { path: testLauncher() }, stateRoot: state.path });
        const bw = await median(() => both.exec(s, ['true']));
        row.push(`bwrap+landlock ${bw.toFixed(1)} ms (+${(bw - plain).toFixed(1)})`);
        assert.ok(bw - plain < 5000, `bwrap overhead ${bw - plain} ms`);
      }
      console.log(`      median of ${RUNS} spawns of \`true\`: ${row.join(', ')}`);
      assert.ok(ll - plain < 1000, `landlock overhead ${ll - plain} ms`);
    } finally {
      work.cleanup();
      state.cleanup();
    }
  });
});
