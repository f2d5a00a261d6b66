import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the bundled supervisor plugin (the module OpenClaw loads; see
 * `plugin/`) sits beside this code once built: `plugin/index.mjs` in the
 * published bridge package, `openclaw-plugin/index.mjs` beside
 * NemoCognition's own bundles (dist/). Undefined when neither exists (running
 * from source: build first).
 */
export function supervisorPluginEntry(from: string = typeof __dirname === 'string' ? __dirname : process.cwd()): string | undefined {
  return [join(from, 'plugin', 'index.mjs'), join(from, 'openclaw-plugin', 'index.mjs')].find((p) => existsSync(p));
}
