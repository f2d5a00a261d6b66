/**
 * The supervised run on a remote host over real OpenSSH: a real sshd on
 * 127.0.0.1 with generated keys, the remote NemoCognition CLI started over
 * the shared connection, the demo model on this side reached through a
 * reverse forward, events streamed back. Same scenario as the local test.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoModel, type DemoModel } from '../../src/core/demo';
import type { Branch, Node } from '../../src/core/model/types';
import { runSupervisedRemote } from '../../src/core/remote/remoteRun';
import type { RunSummary } from '../../src/core/run/api';
import { SshError } from '../../src/core/sandbox/ssh';
import { sealOrphanedRuns } from '../../src/core/run/orphans';
import { Store } from '../../src/core/store/store';
import { StoreLockedError } from '../../src/core/store/errors';
import { storeDirFor } from '../../src/core/store/paths';
import { seedDemoWorkspace } from '../../src/cli/demoWorkspace';
import { DEMO_TASK } from '../../src/cli/commands/demo';
import { missingPart, requireAgentRuntime, requireLandlock } from '../support/realParts';
import { processesMentioning } from '../support/processes';
import { ensureSshdInstalled, sshdAvailable, startSshd, type TestSshd } from '../support/sshd';
import { assertRemoteDiffOpens, runEvents } from '../support/replica';

const CLI = [process.execPath, join(__dirname, '../../dist/cli.js')];

describe('supervised run on a remote host over real OpenSSH', function () {
  this.timeout(600_000);
  let scratch: string;
  let sshd: TestSshd;
  let model: DemoModel;
  let stateDir: string;
  let prevStateDir: string | undefined;

  before(async function () {
    requireAgentRuntime(this);
    await requireLandlock(this);
    try {
      ensureSshdInstalled();
    } catch (e) {
      if (process.env.CI === 'true') throw e;
    }
    if (!sshdAvailable()) missingPart(this, 'OpenSSH server (apt-get install openssh-server)');
    scratch = mkdtempSync(join(tmpdir(), 'nc-remote-'));
    // Where this machine notes the origin of replicated runs (per user, outside any workspace).
    stateDir = join(scratch, 'state');
    prevStateDir = process.env.NEMOCOG_STATE_DIR;
    process.env.NEMOCOG_STATE_DIR = stateDir;
    sshd = await startSshd();
    // The model listens only on this side's loopback; the remote reaches it through the SSH reverse forward.
    model = await startDemoModel({ scenario: 'deny-and-recover' });
  });
  after(async () => {
    if (prevStateDir === undefined) delete process.env.NEMOCOG_STATE_DIR;
    else process.env.NEMOCOG_STATE_DIR = prevStateDir;
    await model?.close();
    await sshd?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('runs the deny-and-recover scenario remotely, streams its events back and replicates the run locally', async () => {
    const remoteWs = join(scratch, 'remote-ws');
    const localWs = join(scratch, 'local-ws');
    seedDemoWorkspace(remoteWs);
    seedDemoWorkspace(localWs);
    const branches = new Map<string, Branch>();
    const nodes: Node[] = [];
    const narration: string[] = [];
    const summary: RunSummary = await runSupervisedRemote(
      { workspace: localWs, task: DEMO_TASK, driver: 'local', model: { baseUrl: model.baseUrl, model: model.model }, maxRecoveries: 2, timeoutMs: 240_000 },
      { host: sshd.alias, configFile: sshd.configFile, workspace: remoteWs, cli: CLI },
      { branch: (b) => branches.set(b.id, b), node: (n) => nodes.push(n), narration: (t) => narration.push(t) },
    );
    assert.equal(summary.run.status, 'completed', JSON.stringify(summary.problem));
    assert.deepEqual(summary.branches.map((b) => b.status), ['failed', 'completed']);
    assert.ok(narration.some((t) => /reverse forward/.test(t)), 'the model was reached through the forward');
    assert.ok(nodes.some((n) => n.kind === 'policy_decision'), 'the denial streamed back');
    assert.equal([...branches.values()].filter((b) => b.status === 'failed').length, 1);
    // The remote store (on the remote host's disk) holds the run.
    const store = await Store.open(storeDirFor(remoteWs), { readOnly: true });
    try {
      assert.equal(store.getRun(summary.run.id)!.status, 'completed');
      assert.equal(store.branchesOf(summary.run.id).length, 2);
    } finally {
      await store.close();
    }

    // The local store holds the same record: `nemocog inspect --json` prints the same bytes on both sides.
    const inspect = (ws: string) => execFileSync(process.execPath, [CLI[1]!, 'inspect', '--json', '--run', summary.run.id, ws], { encoding: 'utf8' });
    assert.equal(inspect(localWs), inspect(remoteWs));
    assert.deepEqual(await runEvents(localWs, summary.run.id), await runEvents(remoteWs, summary.run.id), 'every event, in order');

    // A diff of a remote step opens from the local store: the content is fetched over SSH on first need, then cached.
    await assertRemoteDiffOpens(localWs, join(remoteWs, '.nemocognition', 'snapshots'), summary.run.id, stateDir);
  });

  it('when SSH drops mid-run: says so, the remote run stops, and what it recorded is kept and sealed', async () => {
    const remoteWs = join(scratch, 'drop-ws');
    seedDemoWorkspace(remoteWs);
    const localWs = join(scratch, 'drop-local-ws');
    const drop = await startSshd();
    let dropped = false;
    const nodes: Node[] = [];
    const outcome = await runSupervisedRemote(
      { workspace: localWs, task: DEMO_TASK, driver: 'local', model: { baseUrl: model.baseUrl, model: model.model }, maxRecoveries: 2, timeoutMs: 240_000 },
      { host: drop.alias, configFile: drop.configFile, workspace: remoteWs, cli: CLI },
      {
        node: (n) => {
          nodes.push(n);
          if (!dropped && n.kind === 'tool_call') {
            dropped = true;
            drop.killAll(); // sshd and every session it forked: the connection is gone mid-run
          }
        },
      },
    ).then(
      () => null,
      (e: unknown) => e,
    );
    await drop.stop().catch(() => undefined);
    assert.ok(outcome instanceof SshError, `expected an SshError, got ${String(outcome)}`);
    assert.equal(outcome.kind, 'dropped');
    assert.ok(outcome.fix.length > 10);
    // The remote supervisor either notices at its next write and stops its run, or died with the
    // session; then its agent died with it and the next writer seals the orphaned run. Either way
    // nothing it recorded is lost and nothing stays "running".
    const alive = () => processesMentioning(remoteWs).length > 0;
    for (let i = 0; i < 60 && alive(); i++) await new Promise((r) => setTimeout(r, 500));
    assert.equal(alive(), false, 'the remote supervisor and its agent stopped');
    // The remote supervisor's last moments (releasing its writer lock) can trail its command line's exit.
    let store: Store | undefined;
    for (let i = 0; !store; i++) {
      try {
        store = await Store.open(storeDirFor(remoteWs));
      } catch (e) {
        if (!(e instanceof StoreLockedError) || i >= 60) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    try {
      const run = store.listRuns()[0]!;
      for (const n of nodes.filter((x) => x.kind === 'tool_call')) assert.ok(store.getNode(n.id), 'nodes recorded before the drop are kept');
      if (run.status === 'running') assert.deepEqual(await sealOrphanedRuns(store), [run.id]);
      assert.notEqual(store.getRun(run.id)!.status, 'running');
      for (const b of store.branchesOf(run.id)) assert.notEqual(b.status, 'open', `branch ${b.label} sealed`);
    } finally {
      await store.close();
    }
  });

  it('says what to do when SSH is refused', async () => {
    const ws = join(scratch, 'refused-ws');
    const err = await runSupervisedRemote(
      { workspace: ws, task: 't', driver: 'local', model: { baseUrl: model.baseUrl, model: model.model }, maxRecoveries: 0, timeoutMs: 10_000 },
      { host: 'nc-refused', configFile: refusedConfig(sshd, scratch), workspace: ws, cli: CLI },
    ).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof SshError, `expected an SshError, got ${String(err)}`);
    assert.equal(err.kind, 'refused');
    assert.match(err.fix, /sshd|port|running/i);
  });
});

/** A client config whose host alias points at a closed port on loopback. */
function refusedConfig(sshd: TestSshd, dir: string): string {
  const file = join(dir, 'refused_config');
  writeFileSync(file, `Host nc-refused\n  HostName 127.0.0.1\n  Port 1\n  User root\n  IdentityFile ${sshd.identityFile}\n  UserKnownHostsFile ${sshd.knownHostsFile}\n  StrictHostKeyChecking accept-new\n`);
  return file;
}
