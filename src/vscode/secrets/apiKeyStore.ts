/**
 * The model API key, kept only in VS Code's SecretStorage (the OS keychain
 * where available). Never a setting, never logged, never sent to the webview.
 */
import type * as vscode from 'vscode';

const KEY = 'nemocognition.model.apiKey';

/** One secret under one SecretStorage key. */
export class SecretKeyStore {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly key: string,
  ) {}

  get(): Thenable<string | undefined> {
    return this.secrets.get(this.key);
  }
  set(value: string): Thenable<void> {
    return this.secrets.store(this.key, value);
  }
  clear(): Thenable<void> {
    return this.secrets.delete(this.key);
  }
  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key === this.key) listener();
    });
  }
}

export class ApiKeyStore extends SecretKeyStore {
  constructor(secrets: vscode.SecretStorage) {
    super(secrets, KEY);
  }
}

/** Rejects what is obviously not a key (whitespace inside, far too short); the endpoint decides the rest. */
export function validateApiKey(v: string): string | undefined {
  const t = v.trim();
  if (!t) return 'Paste the key, or press Escape to cancel.';
  if (/\s/.test(t)) return 'An API key has no spaces or line breaks in it.';
  if (t.length < 8) return 'That is too short to be an API key.';
  return undefined;
}
