/** Origins of replicated runs live per user, and only well-formed sources are honoured. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addSource, loadOrigin } from '../../../src/core/replica/origins';
import { openShellPolicyText } from '../../../src/core/sandbox/nemoclaw/policy';
import { DEFAULT_POLICY_YAML } from '../../../src/core/sandbox/policy';

describe('replicated run origins', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'nc-origins-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adds sources once, in order', () => {
    addSource('run_1', '/ws', { kind: 'nemoclaw', sandbox: 'a', snapshotsDir: 'x/.nemocognition/snapshots' }, dir);
    addSource('run_1', '/ws', { kind: 'nemoclaw', sandbox: 'a-recovery-1', snapshotsDir: 'x/.nemocognition/snapshots' }, dir);
    addSource('run_1', '/ws', { kind: 'nemoclaw', sandbox: 'a', snapshotsDir: 'x/.nemocognition/snapshots' }, dir);
    assert.deepEqual(loadOrigin('run_1', dir)!.sources.map((s) => (s.kind === 'nemoclaw' ? s.sandbox : s.host)), ['a', 'a-recovery-1']);
  });

  it('drops sources that could inject ssh options or shell syntax', () => {
    mkdirSync(join(dir, 'remote-runs'), { recursive: true });
    writeFileSync(
      join(dir, 'remote-runs', 'run_2.json'),
      JSON.stringify({
        v: 1,
        runId: 'run_2',
        workspace: '/ws',
        savedAt: 0,
        sources: [
          { kind: 'ssh', host: '-oProxyCommand=touch /tmp/pwned', snapshotsDir: '/x' },
          { kind: 'ssh', host: 'host; rm -rf ~', snapshotsDir: '/x' },
          { kind: 'nemoclaw', sandbox: '../etc', snapshotsDir: 'x' },
          { kind: 'ssh', host: 'build-box', snapshotsDir: '/srv/ws/.nemocognition/snapshots' },
        ],
      }),
    );
    assert.deepEqual(loadOrigin('run_2', dir)!.sources, [{ kind: 'ssh', host: 'build-box', snapshotsDir: '/srv/ws/.nemocognition/snapshots' }]);
    assert.equal(loadOrigin('../run_2', dir), undefined);
  });
});

describe('the policy given to openshell policy set', () => {
  it('keeps OpenShell sections and drops entries only NemoCognition can resolve', () => {
    const text = openShellPolicyText(DEFAULT_POLICY_YAML);
    const values = text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
    assert.doesNotMatch(values, /\$\{/);
    assert.match(text, /^version: 1$/m);
    assert.match(text, /- \/usr$/m);
    assert.match(text, /landlock:\n {2}compatibility: hard_requirement/);
  });
});
