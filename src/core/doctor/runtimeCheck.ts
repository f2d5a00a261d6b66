/** The agent runtime: the pinned OpenClaw CLI, and the Node it runs on, actually starting. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AGENT_NODE_VERSION, locateAgentRuntime, OPENCLAW_VERSION, type LocateOptions } from '../bridge/openclaw/runtime';
import { fail, oneLine, pass, warn, type CheckResult } from './types';

const run = promisify(execFile);
const INSTALL = 'Run `nemocog install-runtime` (VS Code: "NemoCognition: Install Agent Runtime"), or point nemocognition.agent.runtimeDir / NEMOCOG_RUNTIME_DIR at an installed runtime.';
/** OpenClaw's own engines field asks for Node 22 or newer. */
const MIN_NODE_MAJOR = 22;

export async function checkAgentRuntime(opts: LocateOptions): Promise<CheckResult[]> {
  let rt;
  try {
    rt = locateAgentRuntime(opts);
  } catch (e) {
    return [
      fail('agent.runtime', 'agent', 'Agent runtime', oneLine((e as Error).message), INSTALL),
      fail('agent.node', 'agent', 'Agent Node', 'not checked: no runtime', INSTALL),
    ];
  }
  const out: CheckResult[] = [];
  let nodeVersion: string;
  try {
    nodeVersion = (await run(rt.nodeBin, ['--version'], { timeout: 30_000 })).stdout.trim();
  } catch (e) {
    return [
      fail('agent.runtime', 'agent', 'Agent runtime', `openclaw ${rt.openclawVersion} in ${rt.dir}, but its Node does not start`, INSTALL),
      fail('agent.node', 'agent', 'Agent Node', `${rt.nodeBin}: ${oneLine((e as Error).message)}`, 'Reinstall the runtime (`nemocog install-runtime`): its Node is damaged or not for this machine.'),
    ];
  }
  const major = Number(/^v(\d+)/.exec(nodeVersion)?.[1] ?? 0);
  const home = mkdtempSync(join(tmpdir(), 'nc-doctor-'));
  try {
    const v = (await run(rt.nodeBin, [rt.openclawEntry, '--version'], { timeout: 60_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home } })).stdout.trim();
    out.push(pass('agent.runtime', 'agent', 'Agent runtime', `${oneLine(v, 60)} (pinned ${OPENCLAW_VERSION}) in ${rt.dir}`));
  } catch (e) {
    out.push(fail('agent.runtime', 'agent', 'Agent runtime', `\`openclaw --version\` failed: ${oneLine((e as Error).message)}`, INSTALL));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  if (major < MIN_NODE_MAJOR) {
    out.push(fail('agent.node', 'agent', 'Agent Node', `${nodeVersion} at ${rt.nodeBin}; OpenClaw needs Node ${MIN_NODE_MAJOR} or newer`, INSTALL));
  } else if (nodeVersion !== `v${AGENT_NODE_VERSION}`) {
    out.push(warn('agent.node', 'agent', 'Agent Node', `${nodeVersion}; NemoCognition is tested with v${AGENT_NODE_VERSION}`, INSTALL));
  } else {
    out.push(pass('agent.node', 'agent', 'Agent Node', `${nodeVersion} at ${rt.nodeBin}`));
  }
  return out;
}
