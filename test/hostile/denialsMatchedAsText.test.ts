/**
 * Hole 8 of issue 13: any "Permission denied" text in a tool result was
 * recorded as a kernel denial (a GUARDRAIL span, and grounds for sealing the
 * branch and recovering), including a chmod-000 file inside the workspace and
 * output that merely prints the words. Each case here runs for real in the
 * local sandbox; its output goes through the real supervisor.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { LocalSandboxDriver } from '../../src/core/sandbox/local/driver';
import { branchHarness, type BranchHarness } from '../support/branchHarness';
import { requireLandlock } from '../support/realParts';
import { policy as sandboxPolicy, spec, tempDir, testLauncher } from '../core/sandbox/local/fixtures';

describe('hole 8: denials matched as text', function () {
  this.timeout(60_000);
  let h: BranchHarness;
  let driver: LocalSandboxDriver;
  let state: ReturnType<typeof tempDir>;

  before(async function () {
    await requireLandlock(this);
    state = tempDir('deny-state');
    driver = new LocalSandboxDriver({ launcher: { path: testLauncher() }, stateRoot: state.path });
  });
  after(() => state?.cleanup());
  beforeEach(async () => {
    h = await branchHarness();
  });
  afterEach(async () => h.close());

  /** Runs `command` in the real sandbox on the branch's folder and reports it to the supervisor. */
  async function exec(command: string) {
    const r = await driver.exec(spec(h.workdir, sandboxPolicy({ readWrite: [h.stateDir] })), ['sh', '-c', command]);
    const text = `${r.stdout}${r.stderr}\n(Command exited with code ${r.exitCode})`;
    const tool = await h.call('exec', { command }, text);
    const decisions = h.nodes('policy_decision').filter((n) => n.parentNodeId === tool.id);
    return { text, tool: h.recorder.node(tool.id)!, decisions, outcome: h.supervisor.outcomes[h.supervisor.outcomes.length - 1]! };
  }

  it('a real policy denial (a write to /etc refused by Landlock) is the sandbox: GUARDRAIL span, and a denial that can start a recovery', async () => {
    const r = await exec('echo installed > /etc/nemocog-hole8');
    assert.match(r.text, /Permission denied/);
    assert.equal(r.decisions.length, 1, `expected one GUARDRAIL span: ${r.text}`);
    const a = r.decisions[0]!.attributes;
    assert.equal(a['nemocognition.policy.source'], 'kernel');
    assert.equal(a['nemocognition.policy.path'], '/etc/nemocog-hole8');
    assert.match(String(a['nemocognition.policy.confirmation']), /outside the policy's writable paths/);
    assert.equal(r.outcome.denials.length, 1);
  });

  it('an ordinary permission error (a chmod-000 file inside the workspace) is a tool error, not a sandbox denial', async () => {
    writeFileSync(`${h.workdir}/secret.txt`, 'x');
    chmodSync(`${h.workdir}/secret.txt`, 0o000);
    const r = await exec('cat ./secret.txt');
    assert.match(r.text, /secret\.txt: Permission denied/, 'the kernel refused the read (file permissions)');
    assert.deepEqual(r.decisions, [], 'no GUARDRAIL span for a file-permission error');
    assert.equal(r.outcome.denials.length, 0, 'nothing to recover from');
    assert.equal(r.tool.status, 'error');
    assert.equal(r.tool.attributes['nemocognition.tool.error_kind'], 'permission');
    assert.match(String(r.tool.attributes['nemocognition.tool.permission_errors.why']), /readable under the policy/);
  });

  it('output that only prints the words is a tool error, not a sandbox denial', async () => {
    for (const command of ['echo "/etc/passwd: Permission denied"', "printf 'Error: EACCES: permission denied, open \\x27/etc/shadow\\x27\\n'", 'echo "connect EACCES 10.1.2.3:443"', 'echo Permission denied']) {
      const r = await exec(command);
      assert.deepEqual(r.decisions, [], `${command} produced a GUARDRAIL span`);
      assert.equal(r.outcome.denials.length, 0, `${command} would start a recovery`);
      assert.equal(r.tool.attributes['nemocognition.tool.error_kind'], 'permission', command);
    }
  });
});
