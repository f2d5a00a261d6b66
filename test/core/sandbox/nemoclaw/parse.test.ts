import * as assert from 'node:assert/strict';
import { nemoclaw, openshell, ssh } from '../../../../src/core/sandbox/nemoclaw/commands';
import { parseCreatedSnapshot, parseSnapshotList } from '../../../../src/core/sandbox/nemoclaw/parse';

// Verbatim from NVIDIA/NemoClaw#2184 (the documented `snapshot list` layout).
const PR_EXAMPLE = `  Snapshots for 'test-sandbox':

    Version  Name  Timestamp                 Path
    v5             2026-04-21T14-11-25-795Z  /root/.nemoclaw/rebuild-backups/test-sandbox/2026-04-21T14-11-25-795Z
    v4             2026-04-21T14-07-01-151Z  /root/.nemoclaw/rebuild-backups/test-sandbox/2026-04-21T14-07-01-151Z
    v3             2026-04-21T14-04-59-779Z  /root/.nemoclaw/rebuild-backups/test-sandbox/2026-04-21T14-04-59-779Z
    v2             2026-04-21T14-03-25-750Z  /root/.nemoclaw/rebuild-backups/test-sandbox/2026-04-21T14-03-25-750Z
    v1             2026-04-21T14-02-41-331Z  /root/.nemoclaw/rebuild-backups/test-sandbox/2026-04-21T14-02-41-331Z

  5 snapshot(s). Restore with:
    nemoclaw test-sandbox snapshot restore [version|name|timestamp]
`;

describe('NemoClaw output parsing', () => {
  it('reads the documented snapshot list table, oldest first', () => {
    const list = parseSnapshotList(PR_EXAMPLE);
    assert.equal(list.length, 5);
    assert.deepEqual(list[0], {
      id: '2026-04-21T14-02-41-331Z',
      version: 'v1',
      path: '/root/.nemoclaw/rebuild-backups/test-sandbox/2026-04-21T14-02-41-331Z',
    });
    assert.equal(list[4]!.version, 'v5');
  });

  it('reads labels, colours and ignores non-row lines', () => {
    const text = `\u001b[1m  Snapshots for 'a':\u001b[0m\n    Version  Name            Timestamp                 Path\n    v2       before-upgrade  2026-05-01T10-00-00-000Z  /h/.nemoclaw/rebuild-backups/a/2026-05-01T10-00-00-000Z\n    \u001b[32mv1\u001b[0m                     2026-04-01T10-00-00-000Z  /h/x\n  Using snapshot v3 (2026-04-21T14-04-59-779Z)\n`;
    const list = parseSnapshotList(text);
    assert.deepEqual(list.map((s) => [s.version, s.label, s.id]), [
      ['v1', undefined, '2026-04-01T10-00-00-000Z'],
      ['v2', 'before-upgrade', '2026-05-01T10-00-00-000Z'],
    ]);
    assert.deepEqual(parseSnapshotList("  No snapshots found for 'a'.\n"), []);
  });

  it('finds the timestamp in snapshot create output when it has one', () => {
    assert.equal(
      parseCreatedSnapshot("  Creating snapshot of 'a'...\n  ✓ Snapshot created: /h/.nemoclaw/rebuild-backups/a/2026-04-21T14-11-25-795Z\n"),
      '2026-04-21T14-11-25-795Z',
    );
    assert.equal(parseCreatedSnapshot("  Creating snapshot of 'a'...\n  ✓ done\n"), undefined);
  });

  it('builds the documented command lines', () => {
    assert.deepEqual(nemoclaw.snapshotCreate('my-assistant'), ['nemoclaw', 'my-assistant', 'snapshot', 'create']);
    assert.deepEqual(nemoclaw.snapshotCreate('my-assistant', 'before-upgrade'), ['nemoclaw', 'my-assistant', 'snapshot', 'create', '--name', 'before-upgrade']);
    assert.deepEqual(nemoclaw.snapshotList('my-assistant'), ['nemoclaw', 'my-assistant', 'snapshot', 'list']);
    assert.deepEqual(nemoclaw.snapshotRestore('my-assistant', 'v3', { to: 'my-assistant-clone' }), [
      'nemoclaw', 'my-assistant', 'snapshot', 'restore', 'v3', '--to', 'my-assistant-clone',
    ]);
    assert.deepEqual(nemoclaw.snapshotRestore('my-assistant', 'v3', { to: 'my-assistant-clone', force: true }), [
      'nemoclaw', 'my-assistant', 'snapshot', 'restore', 'v3', '--to', 'my-assistant-clone', '--force', '--yes',
    ]);
    assert.deepEqual(openshell.sshConfig('my-assistant'), ['openshell', 'sandbox', 'ssh-config', 'my-assistant']);
    assert.deepEqual(openshell.download('my-sandbox', 'output', './local'), ['openshell', 'sandbox', 'download', 'my-sandbox', 'output', './local']);
    // manage-policies.mdx: "openshell policy set my-sandbox --policy policy.yaml --wait"
    assert.deepEqual(openshell.policySet('my-sandbox', 'policy.yaml'), ['openshell', 'policy', 'set', 'my-sandbox', '--policy', 'policy.yaml', '--wait']);
    // manage-sandboxes.mdx: "openshell sandbox upload my-sandbox ./src"
    assert.deepEqual(openshell.upload('my-sandbox', './src'), ['openshell', 'sandbox', 'upload', 'my-sandbox', './src']);
    assert.deepEqual(ssh.exec('/tmp/ssh-config', 'my-assistant', 'echo hello'), [
      'ssh', '-T', '-F', '/tmp/ssh-config', 'openshell-my-assistant', 'echo hello',
    ]);
  });
});
