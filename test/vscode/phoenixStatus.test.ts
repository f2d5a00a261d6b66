import { strict as assert } from 'node:assert';
import type { MirrorStatus } from '../../src/core/mirror/status';
import { statusText } from '../../src/vscode/mirror/statusText';
import { readSettings } from '../../src/vscode/config/settings';

const base: MirrorStatus = { state: 'live', endpoint: 'http://127.0.0.1:6006', project: 'nemocognition', behind: 0, delivered: 31, open: 0, lastRunId: 'run_1', lastDeliveredAt: 1 };

describe('Phoenix status bar text', () => {
  it('says off, live, behind by N, failing with the reason and the fix', () => {
    assert.match(statusText({ kind: 'off' }).text, /Phoenix: off/);
    assert.match(statusText({ kind: 'status', status: base }).text, /Phoenix: live/);
    assert.match(statusText({ kind: 'status', status: { ...base, state: 'catching-up', behind: 12 } }).text, /Phoenix: behind by 12/);
    const f = statusText({ kind: 'status', status: { ...base, state: 'failing', behind: 5, reason: 'Phoenix is not running at http://127.0.0.1:6006 (connection refused)', fix: 'Start Phoenix.', transient: true } });
    assert.match(f.text, /Phoenix: failing \(5 waiting\)/);
    assert.equal(f.severity, 'warning');
    assert.match(f.tooltip.join('\n'), /connection refused[\s\S]*Start Phoenix[\s\S]*nothing is lost/);
    const bad = statusText({ kind: 'status', status: { ...base, state: 'failing', behind: 1, reason: 'refused access (401)', fix: 'Set the key', transient: false } });
    assert.equal(bad.severity, 'error');
  });

  it('shows a reason from the network as text only (the tooltip is a plain string)', () => {
    const evil = '<img src=x onerror=alert(1)> [link](command:workbench.action.terminal.new)';
    const t = statusText({ kind: 'status', status: { ...base, state: 'failing', behind: 1, reason: evil, fix: 'x' } });
    assert.ok(t.tooltip.every((l) => typeof l === 'string'));
  });

  it('reads the Phoenix settings with safe defaults (off, 127.0.0.1:6006, nemocognition)', () => {
    const d = readSettings(() => undefined);
    assert.equal(d.phoenixEnabled, false);
    assert.equal(d.phoenixEndpoint, 'http://127.0.0.1:6006');
    assert.equal(d.phoenixProject, 'nemocognition');
    const bad = readSettings((k) => (k === 'phoenix.project' ? 'a/b' : k === 'phoenix.enabled' ? 'yes' : undefined));
    assert.equal(bad.phoenixProject, 'nemocognition');
    assert.equal(bad.phoenixEnabled, false);
  });
});

describe('Phoenix settings a repository cannot set', () => {
  it('are application-scoped (user settings only): a workspace\'s .vscode/settings.json cannot turn the mirror on or redirect it', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require('../../package.json') as { contributes: { configuration: { properties: Record<string, { scope?: string }> } } };
    for (const key of ['nemocognition.phoenix.enabled', 'nemocognition.phoenix.endpoint', 'nemocognition.phoenix.project']) {
      assert.equal(pkg.contributes.configuration.properties[key]?.scope, 'application', key);
    }
  });
});
