/**
 * The Phoenix mirror in the real extension host: turned on from a command, it starts
 * `nemocog mirror --follow` in its own process and reports through the status-bar service;
 * with nothing listening at the endpoint it says why; turned off, it stops. The Phoenix key lives
 * in SecretStorage only. (Delivery to a real Phoenix: test/phoenix/ and test/e2e/phoenixMirror.)
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { closedPort } from '../../support/ports';
import { nemoCognition, waitFor } from './api';

const pkg = require('../../../package.json') as { contributes: { configuration: { properties: Record<string, unknown> } } };


describe('Phoenix mirror (extension host)', () => {
  const cfg = () => vscode.workspace.getConfiguration('nemocognition');

  after(async () => {
    await cfg().update('phoenix.enabled', undefined, vscode.ConfigurationTarget.Global);
    await cfg().update('phoenix.endpoint', undefined, vscode.ConfigurationTarget.Global);
  });

  it('turns on from the command (a user setting), runs in its own process, says why Phoenix fails, and turns off', async () => {
    const { services } = await nemoCognition();
    assert.equal(services.mirror.view.kind, 'off', 'off by default');
    await cfg().update('phoenix.endpoint', `http://127.0.0.1:${await closedPort()}`, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('nemocognition.togglePhoenixMirror', true);
    assert.equal(cfg().inspect('phoenix.enabled')?.globalValue, true, 'written to user settings');
    const hasRuns = fs.existsSync(services.paths()!.storeDir);
    const view = await waitFor(
      'a status from the mirror process',
      () => {
        const v = services.mirror.view;
        if (v.kind !== 'status') return undefined;
        return !hasRuns || v.status.state === 'failing' ? v : undefined;
      },
      60_000,
    );
    if (view.kind === 'status' && hasRuns) assert.match(view.status.reason ?? '', /not running|connection refused/);
    await vscode.commands.executeCommand('nemocognition.togglePhoenixMirror', false);
    await waitFor('the mirror to stop', () => (services.mirror.view.kind === 'off' ? true : undefined), 30_000);
  });

  it('keeps the Phoenix key in SecretStorage, never in a setting', async () => {
    const { services } = await nemoCognition();
    const canary = `phx-canary-${Date.now().toString(36)}-do-not-leak`;
    try {
      await services.phoenixKey.set(canary);
      assert.equal(await services.phoenixKey.get(), canary);
      const all = vscode.workspace.getConfiguration();
      for (const key of Object.keys(pkg.contributes.configuration.properties)) assert.ok(!JSON.stringify(all.inspect(key) ?? {}).includes(canary), key);
    } finally {
      await services.phoenixKey.clear();
    }
    assert.equal(await services.phoenixKey.get(), undefined);
  });
});
