/**
 * The supervised run on a remote host over real OpenSSH: a real sshd on
 * 127.0.0.1 with generated keys, the remote NemoCognition CLI started over
 * the shared connection, the demo model on this side reached through a
 * reverse forward, events streamed back. Same scenario as the local test.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoModel, type DemoModel } from '../../src/core/demo';
import type { Branch, Node } from '../../src/core/model/types';
import { runSupervisedRemote } from '../../src/core/remote/remoteRun';
import type { RunSummary } from '../../src/core/run/api';
import { SshError } from '../../src/core/sandbox/ssh';
import { Store } from '../../src/core/store/store';
import { storeDirFor } from '../../src/core/store/paths';
import { seedDemoWorkspace } from '../../src/cli/demoWorkspace';
import { DEMO_TASK } from '../../src/cli/commands/demo';
import { requireAgentRuntime, requireLandlock } from '../support/realParts';
import { ensureSshdInstalled, sshdAvailable, startSshd, type TestSshd } from '../support/sshd';

const CLI = [process.execPath, join(__dirname, '../../dist/cli.js')];

describe('supervised run on a remote host over real OpenSSH', function () {
  this.timeout(600_000);
  let scratch: string;
  let sshd: TestSshd;
  let model: DemoModel;

  before(async function () {
    requireAgentRuntime(this);
    await requireLandlock(this);
    try {
      ensureSshdInstalled();
    } catch (e) {
      if (process.env.CI === 'true') throw e;
    }
    if (!sshdAvailable()) {
      if (process.env.CI === 'true') throw new Error('sshd is required in CI');
      this.skip();
    }
    scratch = mkdtempSync(join(tmpdir(), 'nc-remote-'));
    sshd = await startSshd();
    // The model listens only on this side's loopback; the remote reaches it through the SSH reverse forward.
    model = await startDemoModel({ scenario: 'deny-and-recover' });
  });
  after(async () => {
    await model?.close();
    await sshd?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('runs the deny-and-recover scenario remotely and streams its events back', async () => {
    const remoteWs = join(scratch, 'remote-ws');
    seedDemoWorkspace(remoteWs);
    const branches = new Map<string, Branch>();
    const nodes: Node[] = [];
    const narration: string[] = [];
    const summary: RunSummary = await runSupervisedRemote(
      { workspace: remoteWs, task: DEMO_TASK, driver: 'local', model: { baseUrl: model.baseUrl, model: model.model }, maxRecoveries: 2, timeoutMs: 240_000 },
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
