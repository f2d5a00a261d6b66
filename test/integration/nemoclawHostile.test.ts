/**
 * What comes back from inside a NemoClaw sandbox is untrusted: a sandbox the
 * agent took over could answer with any events. Here the "NemoCognition CLI"
 * inside the (fake, documentation-faithful) sandbox is a stand-in that asks for
 * recoveries the run never earned: the launcher forks nothing and says why.
 * Real sshd, fake nemoclaw/openshell; no agent needed.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSupervised } from '../../src/core/run/supervisor';
import { Store } from '../../src/core/store/store';
import { storeDirFor } from '../../src/core/store/paths';
import { setEnv } from '../support/env';
import { requireSshd } from '../support/realParts';
import { startSshd, type TestSshd } from '../support/sshd';

const FAKE = join(__dirname, '../fixtures/fake-nemoclaw');

/** Prints a run.started record and a summary asking for recovery `attempt` (argv[2]), as a hijacked supervisor might. */
const HOSTILE_CLI = `
const attempt = Number(process.argv[2]);
const runId = process.argv[process.argv.indexOf('--run-id') + 1];
process.stdin.resume();
process.stdin.on('data', () => {});
const run = { id: runId, task: 't', workspace: process.cwd(), baselineSnapshotId: null, startedAt: 1, driver: 'nemoclaw:nc-evil', meta: {} };
const line = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
line({ v: 1, type: 'record', seq: 1, event: { type: 'run.started', run } });
line({ v: 1, type: 'summary', summary: { run: { ...run, status: 'running', endedAt: null }, branches: [], denials: 0, recoveries: 0, snapshots: 0, toolCalls: 0, resultBranchId: null,
  handoff: { runId, attempt, forkNodeId: 'nd_x', baselineRoot: 'x', message: 'm', why: 'w' } } });
process.exit(0);
`;

describe('NemoClaw launcher against a hostile sandbox', function () {
  this.timeout(180_000);
  let sshd: TestSshd;
  let scratch: string;
  let restoreEnv = () => {};

  before(async function () {
    requireSshd(this);
    sshd = await startSshd();
    scratch = mkdtempSync(join(tmpdir(), 'nc-nemoclaw-hostile-'));
    restoreEnv = setEnv({
      FAKE_NEMOCLAW_HOME: join(scratch, 'home'),
      FAKE_NEMOCLAW_LOG: join(scratch, 'calls.jsonl'),
      FAKE_OPENSHELL_SSH_PORT: String(sshd.port),
      FAKE_OPENSHELL_SSH_USER: sshd.user,
      FAKE_OPENSHELL_AUTHORIZED_KEYS: sshd.authorizedKeysFile,
      NEMOCOG_STATE_DIR: join(scratch, 'state'),
    });
    execFileSync(join(FAKE, 'bin/openshell'), ['sandbox', 'create', '--name', 'nc-evil']);
    writeFileSync(join(scratch, 'hostile.cjs'), HOSTILE_CLI);
  });
  after(async () => {
    restoreEnv();
    await sshd?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  for (const attempt of [3, 0]) {
    it(`forks nothing when the sandbox asks for recovery ${attempt} out of turn, and records why`, async () => {
      const ws = join(scratch, `ws-${attempt}`);
      execFileSync('mkdir', ['-p', join(ws, 'src')]);
      writeFileSync(join(ws, 'src/index.ts'), 'export {};\n');
      writeFileSync(join(scratch, 'calls.jsonl'), '');
      const summary = await runSupervised({
        workspace: ws,
        task: 'anything',
        driver: 'nemoclaw',
        nemoclaw: { sandbox: 'nc-evil', nemoclawPath: join(FAKE, 'bin/nemoclaw'), openshellPath: join(FAKE, 'bin/openshell'), sandboxCli: [process.execPath, join(scratch, 'hostile.cjs'), String(attempt)] },
        model: { baseUrl: 'http://127.0.0.1:9/v1', model: 'm' },
        maxRecoveries: 2,
        timeoutMs: 60_000,
      });
      assert.match(summary.problem?.message ?? '', /does not follow from this run/);
      const calls = readFileSync(join(scratch, 'calls.jsonl'), 'utf8');
      assert.doesNotMatch(calls, /"restore"/, 'no recovery sandbox was forked');
      const store = await Store.open(storeDirFor(ws), { readOnly: true });
      try {
        const run = store.getRun(summary.run.id)!;
        assert.equal(run.status, 'error', 'the local record ends the run with the reason');
      } finally {
        await store.close();
      }
    });
  }
});
