/**
 * The Phoenix API key (for a Phoenix with authentication on), kept only in
 * VS Code's SecretStorage. Sent only as an Authorization header to the
 * configured endpoint, over the mirror process's stdin; never a setting,
 * never logged, scrubbed from every span.
 */
import type * as vscode from 'vscode';
import { SecretKeyStore } from './apiKeyStore';

export class PhoenixKeyStore extends SecretKeyStore {
  constructor(secrets: vscode.SecretStorage) {
    super(secrets, 'nemocognition.phoenix.apiKey');
  }
}
