/** The model key in the real SecretStorage: stored, read back, announced, cleared; never in any setting. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { nemoCognition } from './api';

const pkg = require('../../../package.json') as { contributes: { configuration: { properties: Record<string, unknown> } } };

describe('API key store (VS Code SecretStorage)', () => {
  it('stores the key in SecretStorage, reads it back, fires a change, and clears it', async () => {
    const { services } = await nemoCognition();
    const canary = `nvapi-canary-${Date.now().toString(36)}-do-not-leak`;
    let changes = 0;
    const sub = services.apiKey.onDidChange(() => changes++);
    try {
      await services.apiKey.set(canary);
      assert.equal(await services.apiKey.get(), canary);
      // No setting, at any level, holds the key.
      const cfg = vscode.workspace.getConfiguration();
      for (const key of Object.keys(pkg.contributes.configuration.properties)) {
        const seen = JSON.stringify(cfg.inspect(key) ?? {});
        assert.ok(!seen.includes(canary), `setting ${key} holds the key`);
      }
      await services.apiKey.clear();
      assert.equal(await services.apiKey.get(), undefined);
      const deadline = Date.now() + 5_000;
      while (changes < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(changes >= 2, `onDidChange fired for the store and the clear (${changes} time(s))`);
    } finally {
      sub.dispose();
      await services.apiKey.clear();
    }
  });
});
