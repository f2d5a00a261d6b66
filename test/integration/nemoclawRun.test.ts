/**
 * A whole supervised run through the NemoClaw driver, on real parts except
 * NemoClaw itself: the FAKE `nemoclaw` and `openshell` CLIs
 * (test/fixtures/fake-nemoclaw, written from NVIDIA's documentation) whose
 * `sandbox ssh-config` points at a REAL sshd on loopback and whose sandboxes
 * are folders; the REAL OpenClaw over real SSH, inside the "sandbox" under the
 * REAL Landlock sandbox of NemoCognition's in-sandbox supervisor; the scripted
 * demo model on this side, reached through an SSH reverse forward.
 *
 * The demo scenario: a write to /etc is denied by the kernel, the branch is
 * sealed as failed evidence, NemoClaw forks `<name>-recovery-1` from the
 * baseline snapshot, and the recovery branch completes there. One run is
 * shared by every assertion (an agent turn costs 20-40 s).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_TASK } from '../../src/cli/commands/demo';
import { seedDemoWorkspace } from '../../src/cli/demoWorkspace';
import { startDemoModel, type DemoModel } from '../../src/core/demo';
import type { Node } from '../../src/core/model/types';
import { DEFAULT_SANDBOX_WORKSPACE } from '../../src/core/remote/nemoclawRun';
import type { RunSummary } from '../../src/core/run/api';
import { runSupervised } from '../../src/core/run/supervisor';
import { SNAPSHOT_TIMESTAMP } from '../../src/core/sandbox/nemoclaw/commands';
import { SnapshotEngine } from '../../src/core/snapshots/engine';
import { Store } from '../../src/core/store/store';
import { storeDirFor } from '../../src/core/store/paths';
import { setEnv } from '../support/env';
import { requireAgentRuntime, requireLandlock, requireSshd } from '../support/realParts';
import { assertRemoteDiffOpens, runEvents } from '../support/replica';
import { startSshd, type TestSshd } from '../support/sshd';

const FAKE = join(__dirname, '../fixtures/fake-nemoclaw');
const NEMOCLAW = join(FAKE, 'bin', 'nemoclaw');
const OPENSHELL = join(FAKE, 'bin', 'openshell');
const CLI = [process.execPath, join(__dirname, '../../dist/cli.js')];
const SANDBOX = 'nc-demo';
const RECOVERY = 'nc-demo-recovery-1';

interface Call {
  bin: string;
  argv: string[];
}

describe('a whole supervised run through NemoClaw (fake CLIs from the docs, real sshd, real OpenClaw, real Landlock)', function () {
  this.timeout(900_000);
  let scratch: string;
  let sshd: TestSshd;
  let model: DemoModel;
  let home: string;
  let ws: string;
  let stateDir: string;
  let summary: RunSummary;
  let calls: Call[];
  let sshCalls: string[][];
  let restoreEnv = () => {};
  const narration: string[] = [];
  const sandboxWs = (sandbox: string) => join(home, 'sandboxes', sandbox, DEFAULT_SANDBOX_WORKSPACE, summary.run.id);

  before(async function () {
    requireAgentRuntime(this);
    await requireLandlock(this);
    requireSshd(this);
    scratch = mkdtempSync(join(tmpdir(), 'nc-nemoclaw-run-'));
    sshd = await startSshd();
    home = join(scratch, 'fake-home');
    stateDir = join(scratch, 'state');
    // The fake CLIs read these (their children inherit them); origins of replicated runs go to stateDir.
    restoreEnv = setEnv({
      FAKE_NEMOCLAW_HOME: home,
      FAKE_NEMOCLAW_LOG: join(scratch, 'calls.jsonl'),
      FAKE_OPENSHELL_SSH_PORT: String(sshd.port),
      FAKE_OPENSHELL_SSH_USER: sshd.user,
      FAKE_OPENSHELL_AUTHORIZED_KEYS: sshd.authorizedKeysFile,
      NEMOCOG_STATE_DIR: stateDir,
    });
    // `nemoclaw onboard` would create the sandbox; the fake's `openshell sandbox create` stands in for it.
    execFileSync(OPENSHELL, ['sandbox', 'create', '--name', SANDBOX]);
    writeFileSync(join(scratch, 'calls.jsonl'), '');
    // Records the ssh argv, then runs the real ssh: the test checks the ssh command lines too.
    const sshLog = join(scratch, 'ssh-calls.jsonl');
    const sshWrapper = join(scratch, 'ssh-logging');
    writeFileSync(
      sshWrapper,
      `#!/bin/sh\nnode -e 'require("fs").appendFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)) + "\\n")' ${JSON.stringify(sshLog)} "$@"\nexec ssh "$@"\n`,
      { mode: 0o755 },
    );

    ws = join(scratch, 'ws');
    seedDemoWorkspace(ws);
    model = await startDemoModel({ scenario: 'deny-and-recover' });
    const t0 = Date.now();
    summary = await runSupervised(
      {
        workspace: ws,
        task: DEMO_TASK,
        driver: 'nemoclaw',
        nemoclaw: { sandbox: SANDBOX, nemoclawPath: NEMOCLAW, openshellPath: OPENSHELL, sshPath: sshWrapper, sandboxCli: CLI },
        model: { baseUrl: model.baseUrl, model: model.model },
        maxRecoveries: 2,
        timeoutMs: 240_000,
      },
      { narration: (t) => narration.push(t) },
    );
    console.log(`      (NemoClaw run: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    calls = readFileSync(join(scratch, 'calls.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Call);
    sshCalls = existsSync(sshLog) ? readFileSync(sshLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]) : [];
  });

  after(async () => {
    restoreEnv();
    await model?.close();
    await sshd?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const nodesOf = async (): Promise<{ branches: ReturnType<Store['branchesOf']>; nodes: (id: string) => Node[] ; close(): Promise<void> }> => {
    const store = await Store.open(storeDirFor(ws), { readOnly: true });
    return { branches: store.branchesOf(summary.run.id), nodes: (id) => store.nodesOfBranch(id), close: () => store.close() };
  };

  it('ends with one failed branch holding the kernel denial and one recovered sibling in its own sandbox', async () => {
    assert.equal(summary.run.status, 'completed', `${JSON.stringify(summary.problem)}\n${narration.join('\n')}`);
    assert.equal(summary.run.driver, `nemoclaw:${SANDBOX}`);
    const { branches, nodes, close } = await nodesOf();
    try {
      assert.deepEqual(branches.map((b) => [b.label, b.status, b.sandbox]), [
        ['main', 'failed', `nemoclaw:${SANDBOX}`],
        ['recovery-1', 'completed', `nemoclaw:${RECOVERY}`],
      ]);
      const [main, recovery] = branches;
      const kernel = nodes(main!.id).find((n) => n.kind === 'policy_decision' && n.attributes['nemocognition.policy.source'] === 'kernel');
      assert.ok(kernel, 'the kernel denial is recorded on the failed branch');
      assert.equal(kernel.attributes['nemocognition.policy.decision'], 'deny');
      assert.match(String(kernel.attributes['nemocognition.policy.detail']), /Permission denied/);
      assert.equal(kernel.attributes['nemocognition.policy.path'], '/etc/nemocog-demo');

      // The sibling forks from the main branch's baseline checkpoint, in the sandbox NemoClaw restored.
      const baselineNode = nodes(main!.id)[0]!;
      assert.equal(baselineNode.kind, 'checkpoint');
      assert.equal(recovery!.parentNodeId, baselineNode.id);
      assert.equal(recovery!.parentBranchId, main!.id);
      const rec = nodes(recovery!.id).find((n) => n.kind === 'recovery')!;
      const baselineTs = String(summary.run.meta['nemocognition.nemoclaw.baseline']);
      assert.match(baselineTs, new RegExp(`^${SNAPSHOT_TIMESTAMP.source}$`));
      assert.equal(rec.attributes['nemocognition.recovery.command'], `nemoclaw ${SANDBOX} snapshot restore ${baselineTs} --to ${RECOVERY}`);
      assert.equal(rec.attributes['nemocognition.recovery.baseline_verified'], true, 'the restored sandbox holds exactly the baseline');
      assert.equal(rec.attributes['nemocognition.nemoclaw.failed_sandbox'], SANDBOX);
      assert.match(String(rec.attributes['nemocognition.nemoclaw.forensic_snapshot']), new RegExp(`^${SNAPSHOT_TIMESTAMP.source}$`));

      // The result is in the recovery sandbox; the failed sandbox keeps what the failed branch left.
      assert.ok(existsSync(join(sandboxWs(RECOVERY), '.nemocognition', 'store')), 'the recovery sandbox recorded the run beside its files');
      assert.ok(!existsSync('/etc/nemocog-demo'), 'the denied write never happened');
    } finally {
      await close();
    }
  });

  it('takes a NemoCognition snapshot before every tool call, in both sandboxes', async () => {
    const { branches, nodes, close } = await nodesOf();
    try {
      let total = 0;
      for (const b of branches) {
        const ns = nodes(b.id);
        const tools = ns.filter((n) => n.kind === 'tool_call');
        const pre = ns.filter((n) => n.kind === 'checkpoint' && n.attributes['nemocognition.checkpoint.reason'] === 'pre-tool-call');
        assert.ok(tools.length > 0, `branch ${b.label} made tool calls`);
        assert.equal(pre.length, tools.length, `branch ${b.label}: one pre-call snapshot per tool call`);
        // Each tool call has its own snapshot, taken before it, of the state it started from.
        for (const t of tools) {
          const own = pre.filter((c) => c.attributes['nemocognition.tool.call_id'] === t.attributes['nemocognition.tool.call_id']);
          assert.equal(own.length, 1, `tool call #${t.seq} of ${b.label} has exactly one pre-call snapshot`);
          assert.ok(own[0]!.seq < t.seq && own[0]!.snapshotId && own[0]!.snapshotId === t.snapshotId);
        }
        total += tools.length;
      }
      assert.equal(total, summary.toolCalls);
    } finally {
      await close();
    }
  });

  it('issues exactly the nemoclaw/openshell command lines the documentation describes, in order', () => {
    const baselineTs = String(summary.run.meta['nemocognition.nemoclaw.baseline']);
    const policyArg = calls.find((c) => c.argv[0] === 'policy')?.argv[4] ?? '';
    const uploadArg = calls.find((c) => c.argv[1] === 'upload')?.argv[3] ?? '';
    assert.match(policyArg, /openshell-policy\.yaml$/);
    assert.ok(uploadArg.endsWith(`/${summary.run.id}`), uploadArg);
    // Written from docs/reference/commands.mdx, backup-restore.mdx (NemoClaw) and cli.md,
    // manage-sandboxes.mdx, manage-policies.mdx (OpenShell); see src/core/sandbox/nemoclaw/commands.ts.
    assert.deepEqual(calls, [
      { bin: 'nemoclaw', argv: ['--version'] },
      { bin: 'openshell', argv: ['--version'] },
      { bin: 'openshell', argv: ['sandbox', 'ssh-config', SANDBOX] },
      { bin: 'openshell', argv: ['policy', 'set', SANDBOX, '--policy', policyArg, '--wait'] },
      { bin: 'openshell', argv: ['sandbox', 'upload', SANDBOX, uploadArg, DEFAULT_SANDBOX_WORKSPACE] },
      { bin: 'nemoclaw', argv: [SANDBOX, 'snapshot', 'create', '--name', `nc-baseline-${summary.run.id}`] },
      { bin: 'nemoclaw', argv: [SANDBOX, 'snapshot', 'list'] },
      // The denial: the forensic snapshot of the failed sandbox, then the fork from the baseline.
      { bin: 'nemoclaw', argv: [SANDBOX, 'snapshot', 'create'] },
      { bin: 'nemoclaw', argv: [SANDBOX, 'snapshot', 'list'] },
      { bin: 'nemoclaw', argv: [SANDBOX, 'snapshot', 'restore', baselineTs, '--to', RECOVERY] },
      { bin: 'openshell', argv: ['sandbox', 'ssh-config', RECOVERY] },
    ]);
    // Every command inside a sandbox went out as `ssh -T -F <ssh-config> openshell-<name> <command>`.
    const execs = sshCalls.filter((a) => a[0] === '-T');
    assert.ok(execs.length >= 2, 'the in-sandbox supervisors were started over ssh');
    for (const a of execs) {
      assert.equal(a[1], '-F');
      assert.match(a[2]!, /\.ssh_config$/);
      assert.match(a[a.length - 2]!, new RegExp(`^openshell-(${SANDBOX}|${RECOVERY})$`));
    }
    const runs = execs.filter((a) => / run --events /.test(` ${a[a.length - 1]} `.replace(/'/g, '')));
    assert.deepEqual(runs.map((a) => a[a.length - 2]), [`openshell-${SANDBOX}`, `openshell-${RECOVERY}`]);
  });

  it('replicates the run: the local inspect --json equals the sandbox one, every event alike, and a diff of a sandbox step opens locally', async () => {
    const inspect = (dir: string) => execFileSync(CLI[0]!, [CLI[1]!, 'inspect', '--json', '--run', summary.run.id, dir], { encoding: 'utf8' });
    // The last sandbox holds the whole run (the record travels with each recovery); so does the local store.
    assert.equal(inspect(ws), inspect(sandboxWs(RECOVERY)));
    const local = await runEvents(ws, summary.run.id);
    assert.deepEqual(local, await runEvents(sandboxWs(RECOVERY), summary.run.id));
    assert.ok(local.length > 20);
    // The failed branch's forensic step lives in the first sandbox: `nemocog show` fetches it from there.
    const store = await Store.open(storeDirFor(ws), { readOnly: true });
    const main = store.branchesOf(summary.run.id).find((b) => b.label === 'main')!;
    const forensic = store.nodesOfBranch(main.id).filter((n) => n.kind === 'checkpoint' && n.snapshotId).pop()!;
    await store.close();
    const shown = execFileSync(CLI[0]!, [CLI[1]!, 'show', ws, '--node', forensic.id, '--path', 'README.md'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const there = await SnapshotEngine.open(join(sandboxWs(SANDBOX), '.nemocognition', 'snapshots'), { changeSource: 'full-scan' });
    try {
      assert.deepEqual(shown, there.readFile(forensic.snapshotId!, 'README.md'), 'nemocog show prints the bytes the failed sandbox recorded');
    } finally {
      there.close();
    }
    await assertRemoteDiffOpens(ws, join(sandboxWs(RECOVERY), '.nemocognition', 'snapshots'), summary.run.id, stateDir);
  });
});
