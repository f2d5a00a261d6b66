/**
 * The nemoclaw driver against the FAKE nemoclaw/openshell CLIs
 * (test/fixtures/fake-nemoclaw, written from NVIDIA's docs), with a REAL sshd
 * behind `openshell sandbox ssh-config`, so commands really run "in" the
 * sandboxes. The recovery fork is checked command line by command line.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SandboxUnavailableError, type SandboxSpec } from '../../../../src/core/sandbox/driver';
import { recoverySandboxName, SNAPSHOT_TIMESTAMP } from '../../../../src/core/sandbox/nemoclaw/commands';
import { NemoClawDriver } from '../../../../src/core/sandbox/nemoclaw/driver';
import { NemoClawError } from '../../../../src/core/sandbox/nemoclaw/errors';
import { forkRecoverySandbox } from '../../../../src/core/sandbox/nemoclaw/recovery';
import { LocalRunner, SshRunner } from '../../../../src/core/sandbox/ssh/host-runner';
import { SshTransport } from '../../../../src/core/sandbox/ssh/transport';
import { startSshd, type TestSshd } from '../../../support/sshd';

const FAKE = path.resolve(__dirname, '../../../fixtures/fake-nemoclaw');
const NEMOCLAW = path.join(FAKE, 'bin', 'nemoclaw');
const OPENSHELL = path.join(FAKE, 'bin', 'openshell');

interface Call {
  bin: string;
  argv: string[];
}

describe('NemoClawDriver against the documentation-faithful fake CLI', function () {
  this.timeout(240_000);
  let sshd: TestSshd;
  let home: string;
  let log: string;
  let sshLog: string;
  let sshWrapper: string;
  let env: Record<string, string>;

  const calls = (): Call[] =>
    fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Call) : [];
  const sshCalls = (): string[][] =>
    fs.existsSync(sshLog) ? fs.readFileSync(sshLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]) : [];
  const fakeCli = (bin: string, args: string[]): string => execFileSync(bin, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  const spec = (name: string): SandboxSpec => ({
    name,
    workdir: '',
    policy: { name: 'openshell-default', readOnly: [], readWrite: [], egress: [] },
  });

  before(async () => {
    sshd = await startSshd();
  });
  after(async () => {
    await sshd?.stop();
  });
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-fake-nemoclaw-'));
    log = path.join(home, 'calls.jsonl');
    sshLog = path.join(home, 'ssh-calls.jsonl');
    env = {
      FAKE_NEMOCLAW_HOME: home,
      FAKE_NEMOCLAW_LOG: log,
      FAKE_OPENSHELL_SSH_PORT: String(sshd.port),
      FAKE_OPENSHELL_SSH_USER: sshd.user,
      FAKE_OPENSHELL_AUTHORIZED_KEYS: sshd.authorizedKeysFile,
    };
    // Records the ssh argv, then runs the real ssh: lets the test check the ssh command line too.
    sshWrapper = path.join(home, 'ssh-logging');
    fs.writeFileSync(
      sshWrapper,
      `#!/bin/sh\nnode -e 'require("fs").appendFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)) + "\\n")' ${JSON.stringify(sshLog)} "$@"\nexec ssh "$@"\n`,
      { mode: 0o755 },
    );
  });
  afterEach(() => {
    // Drop the per-sandbox keys the fake added, then the fake's state.
    const kept = fs
      .readFileSync(sshd.authorizedKeysFile, 'utf8')
      .split('\n')
      .filter((l) => l && !l.includes('nc-fake-sandbox:'));
    fs.writeFileSync(sshd.authorizedKeysFile, kept.map((l) => `${l}\n`).join(''));
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('runs the recovery fork with the exact documented command lines, and exec works in both sandboxes', async () => {
    const main = 'nc-run1-main';
    fakeCli(OPENSHELL, ['sandbox', 'create', '--name', main]);
    fs.writeFileSync(log, '');
    const driver = new NemoClawDriver({ nemoclawPath: NEMOCLAW, openshellPath: OPENSHELL, sshPath: sshWrapper, env });
    try {
      await driver.checkAvailable();

      const w1 = await driver.exec(spec(main), ['sh', '-c', 'echo baseline > notes.txt && pwd']);
      assert.equal(w1.exitCode, 0, w1.stderr);
      assert.equal(w1.stdout.trim(), fs.realpathSync(path.join(home, 'sandboxes', main)), 'the command ran in the sandbox folder');

      const baseline = await driver.createSnapshot(main);
      assert.match(baseline.id, new RegExp(`^${SNAPSHOT_TIMESTAMP.source}$`));
      assert.equal(baseline.version, 'v1');
      assert.equal(baseline.path, path.join(home, '.nemoclaw', 'rebuild-backups', main, baseline.id));

      // The failed branch changes the sandbox after the baseline.
      const w2 = await driver.exec(spec(main), ['sh', '-c', 'echo "failed branch" > notes.txt']);
      assert.equal(w2.exitCode, 0, w2.stderr);

      const recovery = recoverySandboxName(main, 1);
      assert.equal(recovery, 'nc-run1-main-recovery-1');
      const restored = await driver.restoreSnapshot(main, baseline.id, { to: recovery });
      assert.equal(restored.sandbox, recovery);

      const inRecovery = await driver.exec(spec(recovery), ['cat', 'notes.txt']);
      assert.equal(inRecovery.stdout, 'baseline\n', 'the recovery sandbox starts from the baseline');
      const pwd = await driver.exec(spec(recovery), ['pwd']);
      assert.equal(pwd.stdout.trim(), fs.realpathSync(path.join(home, 'sandboxes', recovery)));
      const inMain = await driver.exec(spec(main), ['cat', 'notes.txt']);
      assert.equal(inMain.stdout, 'failed branch\n', 'the failed sandbox is left as it was (forensics)');

      const listed = await driver.listSnapshots(main);
      assert.deepEqual(listed.map((s) => s.id), [baseline.id]);

      const dest = path.join(home, 'downloaded');
      fs.mkdirSync(dest);
      await driver.download(recovery, 'notes.txt', dest);
      assert.equal(fs.readFileSync(path.join(dest, 'notes.txt'), 'utf8'), 'baseline\n');

      assert.deepEqual(calls(), [
        { bin: 'nemoclaw', argv: ['--version'] },
        { bin: 'openshell', argv: ['--version'] },
        { bin: 'openshell', argv: ['sandbox', 'ssh-config', 'nc-run1-main'] },
        { bin: 'nemoclaw', argv: ['nc-run1-main', 'snapshot', 'create'] },
        { bin: 'nemoclaw', argv: ['nc-run1-main', 'snapshot', 'list'] },
        { bin: 'nemoclaw', argv: ['nc-run1-main', 'snapshot', 'restore', baseline.id, '--to', 'nc-run1-main-recovery-1'] },
        { bin: 'openshell', argv: ['sandbox', 'ssh-config', 'nc-run1-main-recovery-1'] },
        { bin: 'nemoclaw', argv: ['nc-run1-main', 'snapshot', 'list'] },
        { bin: 'openshell', argv: ['sandbox', 'download', 'nc-run1-main-recovery-1', 'notes.txt', dest] },
      ]);

      // Every sandbox command went out as `ssh -T -F <ssh-config> openshell-<name> <command>`.
      const execs = sshCalls().filter((a) => a[0] === '-T');
      assert.equal(execs.length, 5);
      for (const a of execs) {
        assert.equal(a[1], '-F');
        assert.match(a[2]!, /\.ssh_config$/);
        assert.equal(fs.statSync(path.dirname(a[2]!)).mode & 0o777, 0o700, 'ssh config cached in a 0700 folder');
        assert.match(a[a.length - 2]!, /^openshell-nc-run1-main(-recovery-1)?$/);
      }
      assert.equal(sshCalls().filter((a) => a.includes('-V')).length, 1, 'checkAvailable looked for ssh');
    } finally {
      await driver.dispose();
    }
  });

  it('recovers twice: forensic snapshot of each failed sandbox, fork from the baseline, exact command lines', async () => {
    const main = 'nc-run4-main';
    fakeCli(OPENSHELL, ['sandbox', 'create', '--name', main]);
    const driver = new NemoClawDriver({ nemoclawPath: NEMOCLAW, openshellPath: OPENSHELL, env });
    try {
      await driver.exec(spec(main), ['sh', '-c', 'echo clean > state.txt']);
      const baseline = await driver.createSnapshot(main);
      await driver.exec(spec(main), ['sh', '-c', 'echo denied-1 > state.txt']);
      fs.writeFileSync(log, '');

      const first = await forkRecoverySandbox(driver, { mainSandbox: main, failedSandbox: main, baselineId: baseline.id, attempt: 1 });
      assert.equal(first.sandbox, 'nc-run4-main-recovery-1');
      await driver.exec(spec(first.sandbox), ['sh', '-c', 'echo denied-2 > state.txt']);
      const second = await forkRecoverySandbox(driver, {
        mainSandbox: main,
        failedSandbox: first.sandbox,
        baselineId: baseline.id,
        attempt: 2,
      });
      assert.equal(second.sandbox, 'nc-run4-main-recovery-2');

      assert.deepEqual(
        calls().map((c) => [c.bin, ...c.argv]),
        [
          ['nemoclaw', 'nc-run4-main', 'snapshot', 'create'],
          ['nemoclaw', 'nc-run4-main', 'snapshot', 'list'],
          ['nemoclaw', 'nc-run4-main', 'snapshot', 'restore', baseline.id, '--to', 'nc-run4-main-recovery-1'],
          ['openshell', 'sandbox', 'ssh-config', 'nc-run4-main-recovery-1'],
          ['nemoclaw', 'nc-run4-main-recovery-1', 'snapshot', 'create'],
          ['nemoclaw', 'nc-run4-main-recovery-1', 'snapshot', 'list'],
          ['nemoclaw', 'nc-run4-main', 'snapshot', 'restore', baseline.id, '--to', 'nc-run4-main-recovery-2'],
        ],
      );
      // Each sandbox holds what its branch left: the evidence stays, the fork starts clean.
      const read = async (name: string): Promise<string> => (await driver.exec(spec(name), ['cat', 'state.txt'])).stdout;
      assert.equal(await read(main), 'denied-1\n');
      assert.equal(await read(first.sandbox), 'denied-2\n');
      assert.equal(await read(second.sandbox), 'clean\n');
      const forensicCopy = path.join(first.forensic.path!, 'state', 'state.txt');
      assert.equal(fs.readFileSync(forensicCopy, 'utf8'), 'denied-1\n', 'the forensic snapshot captured the failed state');
    } finally {
      await driver.dispose();
    }
  });

  it('restores by exact timestamp even when newer snapshots exist, and can label snapshots', async () => {
    const name = 'nc-run2-main';
    fakeCli(OPENSHELL, ['sandbox', 'create', '--name', name]);
    const driver = new NemoClawDriver({ nemoclawPath: NEMOCLAW, openshellPath: OPENSHELL, env });
    try {
      await driver.exec(spec(name), ['sh', '-c', 'echo one > f']);
      const first = await driver.createSnapshot(name, 'baseline');
      assert.equal(first.label, 'baseline');
      await driver.exec(spec(name), ['sh', '-c', 'echo two > f']);
      const second = await driver.createSnapshot(name);
      assert.equal(second.version, 'v2');
      assert.ok(second.id > first.id);
      await driver.restoreSnapshot(name, first.id, { to: `${name}-recovery-1` });
      const r = await driver.exec(spec(`${name}-recovery-1`), ['cat', 'f']);
      assert.equal(r.stdout, 'one\n');
      await assert.rejects(driver.restoreSnapshot(name, first.id, { to: `${name}-recovery-1` }), (e: unknown) => {
        assert.ok(e instanceof NemoClawError);
        assert.equal(e.kind, 'exists');
        return true;
      });
      await driver.restoreSnapshot(name, second.id, { to: `${name}-recovery-1`, force: true });
      const r2 = await driver.exec(spec(`${name}-recovery-1`), ['cat', 'f']);
      assert.equal(r2.stdout, 'two\n', 'a forced restore replaced the destination and the driver reconnected');
      const last = calls().filter((c) => c.argv.includes('restore')).pop()!;
      assert.deepEqual(last.argv, [name, 'snapshot', 'restore', second.id, '--to', `${name}-recovery-1`, '--force', '--yes']);
    } finally {
      await driver.dispose();
    }
  });

  it('uploads a workspace into a sandbox with openshell sandbox upload', async () => {
    const name = 'nc-run5-main';
    fakeCli(OPENSHELL, ['sandbox', 'create', '--name', name]);
    const src = path.join(home, 'workspace');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'README.md'), '# project\n');
    fs.writeFileSync(log, '');
    const driver = new NemoClawDriver({ nemoclawPath: NEMOCLAW, openshellPath: OPENSHELL, env });
    try {
      await driver.upload(name, src, '.openclaw/workspace');
      const r = await driver.exec(spec(name), ['cat', '.openclaw/workspace/workspace/README.md']);
      assert.equal(r.stdout, '# project\n');
      assert.deepEqual(calls()[0], { bin: 'openshell', argv: ['sandbox', 'upload', name, src, '.openclaw/workspace'] });
    } finally {
      await driver.dispose();
    }
  });

  it('explains that snapshots need shields down instead of lowering them', async () => {
    const name = 'nc-run6-main';
    fakeCli(OPENSHELL, ['sandbox', 'create', '--name', name]);
    fakeCli(NEMOCLAW, [name, 'shields', 'up']);
    const driver = new NemoClawDriver({ nemoclawPath: NEMOCLAW, openshellPath: OPENSHELL, env });
    await assert.rejects(driver.createSnapshot(name), (e: unknown) => {
      assert.ok(e instanceof NemoClawError, String(e));
      assert.equal(e.kind, 'shields-up');
      assert.match(e.fix, /nemoclaw nc-run6-main shields down/);
      return true;
    });
    assert.equal(calls().some((c) => c.argv.includes('shields') && c.argv.includes('down')), false, 'the driver never lowers shields');
  });

  it('says what to do when the nemoclaw binary is missing', async () => {
    const missingPath = new NemoClawDriver({ nemoclawPath: path.join(home, 'no', 'nemoclaw'), openshellPath: OPENSHELL, env });
    await assert.rejects(missingPath.checkAvailable(), (e: unknown) => {
      assert.ok(e instanceof SandboxUnavailableError, String(e));
      assert.match(e.message, /`nemoclaw` CLI was not found/);
      assert.match(e.fix, /nemoclaw\.sh/);
      assert.match(e.fix, /nemoclawPath/);
      return true;
    });
    // Not on PATH either: the same clear error, and no snapshot command pretends to work.
    const noPath = new NemoClawDriver({ runner: new LocalRunner({ ...process.env, PATH: '/usr/bin:/bin' }), env });
    await assert.rejects(noPath.checkAvailable(), SandboxUnavailableError);
    await assert.rejects(noPath.createSnapshot('nc-x'), (e: unknown) => e instanceof NemoClawError && e.kind === 'missing-cli');
  });

  it('reports unknown sandboxes and bad names as typed errors', async () => {
    const driver = new NemoClawDriver({ nemoclawPath: NEMOCLAW, openshellPath: OPENSHELL, env });
    await assert.rejects(driver.createSnapshot('nc-does-not-exist'), (e: unknown) => e instanceof NemoClawError && e.kind === 'not-found');
    await assert.rejects(driver.createSnapshot('bad name; rm -rf /'), (e: unknown) => e instanceof NemoClawError && e.kind === 'invalid-name');
    await assert.rejects(driver.createSnapshot('nc-ok', 'v3'), (e: unknown) => e instanceof NemoClawError && e.kind === 'invalid-name');
    await assert.rejects(driver.exec(spec('nc-does-not-exist'), ['true']), (e: unknown) => e instanceof NemoClawError && e.kind === 'not-found');
    assert.equal(calls().some((c) => c.argv.join(' ').includes('rm -rf')), false, 'invalid names never reach a command line');
  });

  it('runs the same driver on a remote host through the SSH transport', async () => {
    const name = 'nc-run3-main';
    fakeCli(OPENSHELL, ['sandbox', 'create', '--name', name]);
    fs.writeFileSync(log, '');
    const transport = new SshTransport({ host: sshd.alias, configFile: sshd.configFile });
    const driver = new NemoClawDriver({ nemoclawPath: NEMOCLAW, openshellPath: OPENSHELL, runner: new SshRunner(transport), env });
    try {
      await driver.checkAvailable();
      await driver.exec(spec(name), ['sh', '-c', 'echo remote-baseline > f']);
      const snap = await driver.createSnapshot(name);
      await driver.restoreSnapshot(name, snap.id, { to: `${name}-recovery-1` });
      const r = await driver.exec(spec(`${name}-recovery-1`), ['sh', '-c', 'cat f; echo "$0 it\'s $HOME"', 'x y']);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.equal(r.stdout.split('\n')[0], 'remote-baseline');
      assert.match(r.stdout, /x y it's \//);
      assert.deepEqual(
        calls().map((c) => [c.bin, ...c.argv]),
        [
          ['nemoclaw', '--version'],
          ['openshell', '--version'],
          ['openshell', 'sandbox', 'ssh-config', name],
          ['nemoclaw', name, 'snapshot', 'create'],
          ['nemoclaw', name, 'snapshot', 'list'],
          ['nemoclaw', name, 'snapshot', 'restore', snap.id, '--to', `${name}-recovery-1`],
          ['openshell', 'sandbox', 'ssh-config', `${name}-recovery-1`],
        ],
      );
    } finally {
      await driver.dispose();
      await transport.close();
    }
  });
});
