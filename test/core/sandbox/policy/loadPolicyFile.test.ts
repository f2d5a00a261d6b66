import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyFile } from '../../../../src/core/sandbox/policy';

describe('loadPolicyFile', () => {
  let ws: string;
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'nc-polfile-'));
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  const policy = (rw: string) => `version: 1\nfilesystem_policy:\n  read_only: [/usr]\n  read_write: [${rw}]\n`;

  it('uses the default policy when the workspace has none', async () => {
    const p = await loadPolicyFile(ws);
    assert.equal(p.path, null);
    assert.equal(p.policy.name, 'default');
  });

  it("reads the workspace's .nemocognition/policy.yaml", async () => {
    mkdirSync(join(ws, '.nemocognition'));
    writeFileSync(join(ws, '.nemocognition', 'policy.yaml'), policy('/srv/cache'));
    const p = await loadPolicyFile(ws);
    assert.deepEqual(p.policy.readWrite, ['/srv/cache']);
  });

  it('prefers an explicit file (the policyFile setting / --policy), relative to the workspace', async () => {
    mkdirSync(join(ws, '.nemocognition'));
    writeFileSync(join(ws, '.nemocognition', 'policy.yaml'), policy('/srv/cache'));
    writeFileSync(join(ws, 'strict.yaml'), policy('/srv/other'));
    const p = await loadPolicyFile(ws, undefined, 'strict.yaml');
    assert.equal(p.path, join(ws, 'strict.yaml'));
    assert.deepEqual(p.policy.readWrite, ['/srv/other']);
  });

  it('says what to do when the explicit file is missing, instead of silently using another policy', async () => {
    await assert.rejects(loadPolicyFile(ws, undefined, 'nope.yaml'), (e: Error & { fix?: string }) => /does not exist/.test(e.message) && /policyFile/.test(e.fix ?? ''));
  });
});
