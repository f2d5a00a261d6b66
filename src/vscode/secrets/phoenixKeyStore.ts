/**
 * The Phoenix API key (for a Phoenix with authentication on), kept only in
 * VS Code's SecretStorage. Sent only as an Authorization header to the
 * configured endpoint, over the mirror process's stdin; never a setting,
 * never logged, scrubbed from every span.
 */
import type * as vscode from 'vscode';

const KEY = 'nemocognition.phoenix.apiKey';

export class PhoenixKeyStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(): Thenable<string | undefined> {
    return this.secrets.get(KEY);
  }
  set(value: string): Thenable<void> {
    return this.secrets.store(KEY, value);
  }
  clear(): Thenable<void> {
    return this.secrets.delete(KEY);
  }
  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key === KEY) listener();
    });
  }
}
