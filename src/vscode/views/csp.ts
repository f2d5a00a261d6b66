/**
 * The Replay webview's Content-Security-Policy. Pure (no `vscode` import) so
 * it can be tested: scripts only by a fresh nonce, styles from the extension's
 * own resources or by nonce, never 'unsafe-inline' or 'unsafe-eval'.
 */
import { randomBytes } from 'node:crypto';

/** 128 bits from the CSPRNG, base64url: a new one for every render. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64url');
}

export function buildCsp(cspSource: string, nonce: string): string {
  if (!/^[\w-]{16,}$/.test(nonce)) throw new Error('CSP nonce must be at least 16 base64url characters');
  // VS Code gives a host source ("https://*.vscode-cdn.net"); code-server gives "'self' https://*.vscode-cdn.net".
  // Accept host/scheme sources and the one keyword 'self'; anything else could widen the policy.
  const sources = cspSource.trim().split(/ +/);
  if (!sources.every((t) => t === "'self'" || /^[^;'"\s,]+$/.test(t))) throw new Error(`Unexpected webview cspSource: ${cspSource}`);
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}
