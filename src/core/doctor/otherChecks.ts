/**
 * The rest of a run's prerequisites: the API key (present, never shown), the
 * Phoenix endpoint when the mirror is on, and the remote host or NemoClaw sandbox
 * when the run goes there (SSH reachable, NemoCognition's CLI present).
 */
import { checkPhoenix } from '../mirror/check';
import { NemoClawDriver } from '../sandbox/nemoclaw/driver';
import { NemoClawError } from '../sandbox/nemoclaw/errors';
import { SandboxUnavailableError } from '../sandbox/driver';
import { SshError, SshTransport } from '../sandbox/ssh';
import { fail, oneLine, pass, skip, warn, type CheckResult } from './types';

export interface KeyCheckOptions {
  /** Whether the endpoint needs a key (the demo model and a local server do not). */
  required: boolean;
  /** Where a key was found, if any ('SecretStorage', 'NEMOCOG_API_KEY'); the key itself never comes here. */
  foundIn?: string;
}

export function checkApiKey(o: KeyCheckOptions): CheckResult {
  if (o.foundIn) return pass('key.present', 'key', 'API key', `present (${o.foundIn}); never shown`);
  if (!o.required) return skip('key.present', 'key', 'API key', 'not needed for this endpoint');
  return fail('key.present', 'key', 'API key', 'no API key in SecretStorage or NEMOCOG_API_KEY', 'Run "NemoCognition: Set API Key" in VS Code, or export NEMOCOG_API_KEY for the CLI (it is never stored in settings).');
}

/** A Phoenix that will take the mirror's spans (issue 8's checkPhoenix: its version, auth, the OTLP route). */
export async function checkPhoenixEndpoint(endpoint: string | undefined, opts: { apiKey?: string; timeoutMs?: number } = {}): Promise<CheckResult> {
  if (!endpoint) return skip('phoenix.reachable', 'phoenix', 'Phoenix', 'mirror off: runs are recorded locally only');
  const r = await checkPhoenix(endpoint, { ...(opts.apiKey ? { apiKey: opts.apiKey } : {}), timeoutMs: opts.timeoutMs ?? 5_000 });
  if (r.ok) return pass('phoenix.reachable', 'phoenix', 'Phoenix', `${r.endpoint} (Phoenix ${r.version ?? 'unknown version'}${r.authenticated ? ', with your Phoenix key' : ''})`);
  // A run never waits on the mirror: it catches up once Phoenix is back.
  return warn('phoenix.reachable', 'phoenix', 'Phoenix', oneLine(r.reason), `${r.fix} Runs still record locally; the mirror catches up later.`);
}

export interface RemoteCheckOptions {
  host: string;
  configFile?: string;
  /** How NemoCognition's CLI starts there. */
  cli: string[];
}

export async function checkRemoteHost(o: RemoteCheckOptions): Promise<CheckResult[]> {
  const ssh = new SshTransport({ host: o.host, configFile: o.configFile });
  try {
    try {
      await ssh.connect();
    } catch (e) {
      const fix = e instanceof SshError ? e.fix : 'Check the host alias in ~/.ssh/config.';
      return [
        fail('remote.ssh', 'remote', 'Remote host: SSH', oneLine(e instanceof SshError ? e.what : (e as Error).message), fix),
        skip('remote.cli', 'remote', 'Remote host: CLI', 'not checked: no SSH connection'),
      ];
    }
    const out = [pass('remote.ssh', 'remote', 'Remote host: SSH', `${o.host} reachable`)];
    out.push(await cliCheck(ssh, o.cli, 'remote.cli', 'remote', 'Remote host: CLI', o.host, 'nemocognition.sandbox.remoteCli (or --remote-cli)'));
    return out;
  } finally {
    await ssh.close().catch(() => undefined);
  }
}

export interface NemoClawCheckOptions {
  sandbox: string;
  nemoclawPath?: string;
  openshellPath?: string;
  sshPath?: string;
  sandboxCli: string[];
}

export async function checkNemoClaw(o: NemoClawCheckOptions): Promise<CheckResult[]> {
  const driver = new NemoClawDriver({ nemoclawPath: o.nemoclawPath, openshellPath: o.openshellPath, sshPath: o.sshPath });
  try {
    try {
      await driver.checkAvailable();
    } catch (e) {
      const fix = e instanceof SandboxUnavailableError ? e.fix : 'Install NemoClaw (it brings OpenShell).';
      const what = e instanceof SandboxUnavailableError ? e.message.slice(0, e.message.length - e.fix.length).trim() : (e as Error).message;
      return [
        fail('nemoclaw.cli', 'nemoclaw', 'NemoClaw CLIs', oneLine(what), fix),
        skip('nemoclaw.ssh', 'nemoclaw', 'NemoClaw sandbox: SSH', 'not checked: CLIs missing'),
        skip('nemoclaw.cli-inside', 'nemoclaw', 'NemoClaw sandbox: CLI', 'not checked: CLIs missing'),
      ];
    }
    const out = [pass('nemoclaw.cli', 'nemoclaw', 'NemoClaw CLIs', 'nemoclaw, openshell and ssh found')];
    if (!o.sandbox) {
      out.push(fail('nemoclaw.ssh', 'nemoclaw', 'NemoClaw sandbox: SSH', 'no sandbox named', 'Set nemocognition.nemoclaw.sandbox (or --sandbox) to a sandbox from `nemoclaw list`.'));
      return out;
    }
    let ssh: SshTransport;
    try {
      ssh = await driver.transport(o.sandbox);
      await ssh.connect();
    } catch (e) {
      const fix = e instanceof NemoClawError || e instanceof SshError ? e.fix : 'Check the sandbox with `openshell sandbox list`.';
      const what = e instanceof NemoClawError || e instanceof SshError ? e.what : (e as Error).message;
      out.push(fail('nemoclaw.ssh', 'nemoclaw', 'NemoClaw sandbox: SSH', oneLine(what), fix));
      out.push(skip('nemoclaw.cli-inside', 'nemoclaw', 'NemoClaw sandbox: CLI', 'not checked: no SSH connection'));
      return out;
    }
    out.push(pass('nemoclaw.ssh', 'nemoclaw', 'NemoClaw sandbox: SSH', `openshell-${o.sandbox} reachable over its ssh-config`));
    out.push(await cliCheck(ssh, o.sandboxCli, 'nemoclaw.cli-inside', 'nemoclaw', 'NemoClaw sandbox: CLI', `sandbox ${o.sandbox}`, 'nemocognition.nemoclaw.sandboxCli (or --sandbox-cli)'));
    return out;
  } finally {
    await driver.dispose().catch(() => undefined);
  }
}

async function cliCheck(ssh: SshTransport, cli: string[], id: string, group: 'remote' | 'nemoclaw', title: string, where: string, setting: string): Promise<CheckResult> {
  try {
    const r = await ssh.exec([...cli, '--help'], { timeoutMs: 60_000 });
    if (r.exitCode === 0 && /nemocog/.test(r.stdout)) return pass(id, group, title, `\`${cli.join(' ')}\` runs in ${where}`);
    return fail(id, group, title, `\`${cli.join(' ')} --help\` in ${where} exited ${r.exitCode ?? r.signal}: ${oneLine(r.stderr || r.stdout, 160)}`, `Install NemoCognition there (its dist/ and Node >= 20) and set ${setting}.`);
  } catch (e) {
    return fail(id, group, title, oneLine((e as Error).message), `Install NemoCognition there and set ${setting}.`);
  }
}
