/** Runs the checks a run's options call for, in the order a user fixes them. */
import type { DriverKind } from '../run/api';
import { checkAgentRuntime } from './runtimeCheck';
import { checkModel, type ModelCheckOptions } from './modelCheck';
import { checkApiKey, checkNemoClaw, checkPhoenixEndpoint, checkRemoteHost, type NemoClawCheckOptions, type RemoteCheckOptions } from './otherChecks';
import { checkSandbox, type SandboxCheckOptions } from './sandboxCheck';
import type { LocateOptions } from '../bridge/openclaw/runtime';
import type { CheckGroup, CheckResult, DoctorReport } from './types';

export interface DoctorOptions {
  driver: DriverKind;
  model: ModelCheckOptions;
  /** Whether the endpoint needs a key. Default: yes unless it is on loopback. */
  keyRequired?: boolean;
  /** Where the key came from ('SecretStorage', 'NEMOCOG_API_KEY'); undefined = none. */
  keyFoundIn?: string;
  runtimeDir?: string;
  /** Where to look for the runtime, beyond runtimeDir (tests isolate it). */
  runtime?: LocateOptions;
  /** Checked when set: the mirror is on. */
  phoenixEndpoint?: string;
  phoenixApiKey?: string;
  remote?: RemoteCheckOptions;
  nemoclaw?: NemoClawCheckOptions;
  /** Overrides for the sandbox probes (tests break them one at a time). */
  sandbox?: Omit<SandboxCheckOptions, 'driver'>;
  /** Run only these groups (default: every group the options call for). */
  only?: CheckGroup[];
}

export async function runDoctor(o: DoctorOptions): Promise<DoctorReport> {
  const checks: CheckResult[] = [];
  const want = (g: CheckGroup) => !o.only || o.only.includes(g);
  // A remote or NemoClaw run needs the runtime there, not here.
  if (want('agent') && !o.remote && o.driver !== 'nemoclaw') checks.push(...(await checkAgentRuntime({ ...o.runtime, ...(o.runtimeDir ? { runtimeDir: o.runtimeDir } : {}) })));
  if (want('sandbox') && !o.remote) checks.push(...(await checkSandbox({ driver: o.driver, ...o.sandbox })));
  if (want('key')) checks.push(checkApiKey({ required: o.keyRequired ?? !isLoopback(o.model.baseUrl), foundIn: o.keyFoundIn }));
  if (want('model')) checks.push(...(await checkModel(o.model)));
  if (want('phoenix')) checks.push(await checkPhoenixEndpoint(o.phoenixEndpoint, { apiKey: o.phoenixApiKey }));
  if (want('remote') && o.remote) checks.push(...(await checkRemoteHost(o.remote)));
  if (want('nemoclaw') && o.driver === 'nemoclaw' && o.nemoclaw) checks.push(...(await checkNemoClaw(o.nemoclaw)));
  return { checks, ok: checks.every((c) => c.status !== 'fail') };
}

function isLoopback(url: string): boolean {
  return /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(url);
}
