import { parseCommandArgs } from '../args';
import { join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { installAgentRuntime } from '../../core/bridge/openclaw/install';
import { RUNTIME_DIR_ENV } from '../../core/bridge/openclaw/runtime';

/** Installs the pinned agent runtime (OpenClaw on Node 24) for headless use. */
export const INSTALL_RUNTIME_USAGE = `  nemocog install-runtime [--dir <folder>]
  Installs the pinned agent runtime (OpenClaw on Node 24, about 850 MB) with npm.`;

export async function installRuntimeCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { dir: { type: 'string' } }, INSTALL_RUNTIME_USAGE);
  const dir = resolve(values.dir ?? process.env[RUNTIME_DIR_ENV] ?? join(homedir(), '.cache', 'nemocognition', 'agent-runtime'));
  const rt = await installAgentRuntime(dir, { onProgress: (line) => console.log(line) });
  console.log(`Agent runtime ready in ${rt.dir}: openclaw ${rt.openclawVersion}.`);
  if (!process.env[RUNTIME_DIR_ENV] && !values.dir) console.log(`Point NemoCognition at it with ${RUNTIME_DIR_ENV}=${rt.dir}`);
  return 0;
}
