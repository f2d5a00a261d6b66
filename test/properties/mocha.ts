/** Runs a target's properties as mocha tests: a fixed seed per property, at least 1,000 cases (see harness.ts). */
import fc from 'fast-check';
import { CI_RUNS, CI_SIZE, ciSeed, observing, type Target } from './harness';

export function describeTarget(target: Target): void {
  describe(`properties: ${target.name} (${target.parser})`, function () {
    // Generous: CI runs on 2 loaded cores. A property's own budget checks are in CPU time.
    this.timeout(300_000);
    for (const spec of target.properties) {
      const numRuns = Math.max(CI_RUNS, spec.ciRuns ?? CI_RUNS);
      it(`${spec.name} (${numRuns} cases, seed ${ciSeed(target.name, spec.name)})`, async () => {
        observing(target.name);
        // 'medium' lets lists and strings reach about 100 elements (fast-check's default, 'small', about 10).
        fc.configureGlobal({ baseSize: CI_SIZE });
        try {
          await fc.assert(spec.make(), { seed: ciSeed(target.name, spec.name), numRuns, endOnFailure: false });
        } finally {
          fc.resetConfigureGlobal();
        }
      });
    }
  });
}
