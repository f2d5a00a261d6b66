/**
 * A supervised run through NemoClaw: the agent runs inside the OpenShell
 * sandbox, reached over SSH the way upstream documents it, and recovery forks
 * a fresh sandbox with NemoClaw's own snapshots. Every command line comes
 * from sandbox/nemoclaw/commands.ts.
 *
 *   openshell sandbox ssh-config <name>          the way in (ssh -T -F <cfg> openshell-<name> …)
 *   openshell policy set <name> --policy <f> --wait
 *   openshell sandbox upload <name> <staged workspace> <sandbox workspace folder>
 *   nemoclaw <name> snapshot create --name <label>  the baseline (+ snapshot list)
 *   ssh … nemocog run --events --recovery-handoff …  the supervisor beside the files, inside the sandbox:
 *                                                    a NemoCognition snapshot before every tool call,
 *                                                    the agent under Landlock, events streamed back
 *   on a denial that needs recovery:
 *   nemoclaw <failed> snapshot create            the forensic snapshot (+ snapshot list)
 *   nemoclaw <name> snapshot restore <baseline> --to <name>-recovery-<n>
 *   openshell sandbox ssh-config <name>-recovery-<n>
 *   ssh … nemocog run --events --continue-stdin …    the recovery branch, given the run's record so far
 *
 * The run is recorded in the sandbox (beside its snapshots) and replicated
 * into the local workspace's store as it streams; the last sandbox's store and
 * the local one hold the same record. Snapshot content stays in the
 * sandboxes until a diff or a restore fetches it (replica/remoteSnapshots.ts).
 *
 * Recovery always forks from the baseline here (NemoClaw restores whole
 * snapshots); the local driver may fork from the last good step instead.
 * TODO(nemocog): fork from the last good step by uploading that snapshot's files into the restored sandbox.
 * TODO(nemocog): put NemoCognition's CLI and the agent runtime into the sandbox (upload dist/, or an
 * image with them); today `nemocognition.nemoclaw.sandboxCli` must name one that is already there.
 *
 * Unverified against a live NemoClaw (it needs Docker and NVIDIA hosts):
 * tested with the fake CLIs in test/fixtures/fake-nemoclaw, written from the
 * documentation, whose sandboxes are folders reached through a real sshd.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { StoreEvent } from '../model/events';
import { newId } from '../model/ids';
import { addSource, type SnapshotSource } from '../replica/origins';
import { ReplicaWriter } from '../replica/replicaWriter';
import type { RunListener, RunSummary, SupervisedRunOptions } from '../run/api';
import { recordLauncherFailure } from './launcherFailure';
import { nemoclaw, recoverySandboxName } from '../sandbox/nemoclaw/commands';
import { NemoClawDriver } from '../sandbox/nemoclaw/driver';
import { openShellPolicyText } from '../sandbox/nemoclaw/policy';
import { forkRecoverySandbox } from '../sandbox/nemoclaw/recovery';
import { DEFAULT_POLICY_PATH, loadPolicyFile, policyWidening, PolicyNotApprovedError } from '../sandbox/policy';
import { SnapshotEngine } from '../snapshots/engine';
import { DEFAULT_IGNORE_GLOBS } from '../snapshots/ignore';
import { nemocogDir } from '../store/paths';
import { storeIgnore } from '../run/storeIgnore';
import { describeProblem } from '../run/problems';
import { modelUrlThrough, remoteRunArgs, runRemoteCli } from './remoteCli';
import { replicaProblem } from './replicaProblem';

export const DEFAULT_SANDBOX_WORKSPACE = '.openclaw/workspace';

export async function runSupervisedNemoClaw(opts: SupervisedRunOptions, listener: RunListener = {}): Promise<RunSummary> {
  const nc = opts.nemoclaw;
  if (!nc?.sandbox) {
    throw Object.assign(new Error('The nemoclaw driver needs the name of a NemoClaw sandbox.'), {
      fix: 'Set nemocognition.nemoclaw.sandbox (or pass --sandbox <name>) to a sandbox from `nemoclaw list`.',
    });
  }
  const runId = opts.runId ?? newId('run');
  const narrate = (text: string) => listener.narration?.(text, Date.now());
  const driver = new NemoClawDriver({ nemoclawPath: nc.nemoclawPath, openshellPath: nc.openshellPath, sshPath: nc.sshPath, env: nc.env });
  const replica = await ReplicaWriter.open({ workspace: opts.workspace, storeDir: opts.storeDir, secrets: opts.model.apiKey ? [opts.model.apiKey] : [] });
  // Each run gets its own folder in the sandbox: earlier runs' records and snapshots stay there as evidence.
  const wsInSandbox = path.posix.join(nc.sandboxWorkspace ?? DEFAULT_SANDBOX_WORKSPACE, runId);
  const source = (sandbox: string): SnapshotSource => ({
    kind: 'nemoclaw',
    sandbox,
    snapshotsDir: path.posix.join(wsInSandbox, '.nemocognition', 'snapshots'),
    cli: nc.sandboxCli ?? ['nemocog'],
    ...(nc.nemoclawPath ? { nemoclawPath: nc.nemoclawPath } : {}),
    ...(nc.openshellPath ? { openshellPath: nc.openshellPath } : {}),
    ...(nc.sshPath ? { sshPath: nc.sshPath } : {}),
  });
  const records: StoreEvent[] = [];
  let started = false;
  let summary: RunSummary | undefined;
  let current = nc.sandbox;
  let pendingFork: { attempt: number; forkNodeId: string; dest: string } | undefined;
  const staging = mkdtempSync(path.join(tmpdir(), 'nc-nemoclaw-'));
  try {
    listener.phase?.('preparing', `Checking NemoClaw and OpenShell for sandbox ${nc.sandbox}`);
    await driver.checkAvailable();
    const mainSsh = await driver.transport(nc.sandbox);
    addSource(runId, opts.workspace, source(nc.sandbox));

    // The run's policy, as a local run would read it; one from the repository that widens the default
    // runs only once approved (here, before anything reaches the sandbox; inside, --trust-policy says so).
    const policy = await loadPolicyFile(opts.workspace, {}, opts.policyFile);
    const policyText = policy.text;
    const widening = policy.path && policy.text !== null ? policyWidening(policy, policy.text, policy.path) : null;
    if (widening && !(await opts.approvePolicy?.(widening))) throw new PolicyNotApprovedError(widening);
    const policyFile = path.join(staging, 'openshell-policy.yaml');
    writeFileSync(policyFile, openShellPolicyText(policyText ?? undefined), { mode: 0o600 });
    await driver.setPolicy(nc.sandbox, policyFile);
    narrate(`Policy applied to sandbox ${nc.sandbox} with openshell policy set.`);

    listener.phase?.('preparing', `Uploading the workspace into sandbox ${nc.sandbox}`);
    const staged = await stageWorkspace(opts, path.join(staging, 'upload', runId), policyText);
    await driver.upload(nc.sandbox, staged.dir, path.posix.dirname(wsInSandbox));
    narrate(`Workspace uploaded to ${nc.sandbox}:${wsInSandbox} (${staged.files} files).`);

    const baseline = await driver.createSnapshot(nc.sandbox, `nc-baseline-${runId}`.slice(0, 63));
    narrate(`NemoClaw baseline snapshot of ${nc.sandbox}: ${baseline.id}.`);

    const common = (sandbox: string): string[] => [
      '--run-id', runId,
      '--recorded-driver', `nemoclaw:${nc.sandbox}`,
      '--sandbox-label', `nemoclaw:${sandbox}`,
      '--recovery-handoff',
      ...(widening ? ['--trust-policy'] : []),
      '--meta', `nemocognition.nemoclaw.sandbox=${nc.sandbox}`,
      '--meta', `nemocognition.nemoclaw.baseline=${baseline.id}`,
    ];
    const inSandbox = async (sandbox: string, extra: string[], stdinLines: string[]): Promise<RunSummary> => {
      const ssh = sandbox === nc.sandbox ? mainSsh : await driver.transport(sandbox);
      const modelUrl = await modelUrlThrough(ssh, opts.model.baseUrl, `sandbox ${sandbox}`, listener);
      const cli = nc.sandboxCli ?? ['nemocog'];
      const { policyFile: _p, ...rest } = opts;
      // Inside the sandbox the agent runs under NemoCognition's local sandbox (Landlock), nested in OpenShell's.
      const argv = [...cli, ...remoteRunArgs({ ...rest, driver: 'local' }, '.', modelUrl), ...common(sandbox), ...extra];
      started = true;
      return runRemoteCli({
        transport: ssh,
        argv,
        cwd: wsInSandbox,
        apiKey: opts.model.apiKey,
        stdinLines,
        where: `sandbox ${sandbox}`,
        cliHint: `Check that \`${cli.join(' ')} --help\` works inside the sandbox (nemocognition.nemoclaw.sandboxCli) and that the agent runtime is installed there.`,
        listener,
        replica,
        onRecord: (_seq, e) => records.push(e),
        signal: opts.signal,
      });
    };

    listener.phase?.('agent', `Starting the supervisor inside sandbox ${nc.sandbox}`);
    summary = await inSandbox(nc.sandbox, [], []);
    let attempts = 0;
    while (summary.handoff) {
      const h = summary.handoff;
      // The sandbox's answer is input like any other: only the next attempt, within the limit, forks a sandbox.
      if (h.runId !== runId || h.attempt !== ++attempts || h.attempt > opts.maxRecoveries) {
        throw Object.assign(new Error(`Sandbox ${current} asked for recovery ${h.attempt} of run ${h.runId}, which does not follow from this run (${attempts - 1} recovery(ies) so far, at most ${opts.maxRecoveries}).`), {
          fix: 'Nothing more was forked. Inspect the sandbox (it may have been tampered with), then run again.',
        });
      }
      const dest = recoverySandboxName(nc.sandbox, h.attempt);
      pendingFork = { attempt: h.attempt, forkNodeId: h.forkNodeId, dest };
      listener.phase?.('recovering', `Recovery ${h.attempt}: forking ${dest} from the baseline snapshot`);
      const fork = await forkRecoverySandbox(driver, { mainSandbox: nc.sandbox, failedSandbox: current, baselineId: baseline.id, attempt: h.attempt });
      const restoreCommand = nemoclaw.snapshotRestore(nc.sandbox, baseline.id, { to: dest }).join(' ');
      narrate(`Forensic snapshot of ${current}: ${fork.forensic.id}; ${dest} restored from ${baseline.id}.`);
      addSource(runId, opts.workspace, source(dest));
      await replica.flush();
      const continuation = {
        ...h,
        records,
        restoreCommand,
        attributes: {
          'nemocognition.nemoclaw.failed_sandbox': current,
          'nemocognition.nemoclaw.forensic_snapshot': fork.forensic.id,
          'nemocognition.nemoclaw.baseline': baseline.id,
        },
      };
      current = dest;
      summary = await inSandbox(dest, ['--continue-stdin'], [JSON.stringify(continuation)]);
      pendingFork = undefined;
    }
    return summary;
  } catch (err) {
    // What the sandboxes could not record (a CLI failed, SSH dropped, a cancel): recorded here, locally.
    const cancelled = opts.signal?.aborted === true;
    const problem = describeProblem(err);
    narrate(`Run stopped: ${problem.message} → ${problem.fix}`);
    await replica.flush();
    const outcome = await recordLauncherFailure(replica, {
      runId,
      task: opts.task,
      workspace: opts.workspace,
      driver: `nemoclaw:${nc.sandbox}`,
      started,
      failure: { type: cancelled ? 'cancelled' : ((err as Error)?.name || 'Error'), ...problem },
      status: cancelled ? 'cancelled' : 'error',
      fork: pendingFork ? { ...pendingFork, sandbox: `nemoclaw:${pendingFork.dest} (not started)` } : undefined,
    });
    if (cancelled) return outcome;
    return { ...outcome, problem };
  } finally {
    await driver.dispose().catch(() => undefined);
    rmSync(staging, { recursive: true, force: true });
    const r = await replica.close();
    const problem = replicaProblem(r);
    if (problem) {
      narrate(`${problem.message} ${problem.fix}`);
      if (summary && !summary.problem) summary.problem = problem;
    }
  }
}

/**
 * What is uploaded: the workspace as a snapshot sees it (ignore globs, no
 * store, no .git), materialised into a folder, plus the policy the sandbox's
 * own supervisor must enforce, where it looks for it.
 */
async function stageWorkspace(opts: SupervisedRunOptions, dir: string, policyText: string | null): Promise<{ dir: string; files: number }> {
  const nc = opts.storeDir ?? nemocogDir(opts.workspace);
  const engine = await SnapshotEngine.open(path.join(nc, 'snapshots'), {
    ignore: [...(opts.snapshotIgnore ?? DEFAULT_IGNORE_GLOBS), ...storeIgnore(opts.workspace, nc)],
    changeSource: 'full-scan',
  });
  try {
    const snap = await engine.take(opts.workspace, { reason: 'nemoclaw upload' });
    mkdirSync(dir, { recursive: true });
    await engine.materialise(snap.id, dir);
    if (policyText !== null) {
      mkdirSync(path.join(dir, path.dirname(DEFAULT_POLICY_PATH)), { recursive: true });
      writeFileSync(path.join(dir, DEFAULT_POLICY_PATH), policyText);
    }
    return { dir, files: snap.fileCount };
  } finally {
    engine.close();
  }
}
