/**
 * Shapes of well-known credentials. Each pattern names the kind shown in the
 * replacement `[REDACTED:<kind>]`. `keep` is the number of leading capture
 * groups kept verbatim (a key name, "Bearer "), so a reader still sees what
 * was there without seeing the value.
 */
export interface SecretPattern {
  kind: string;
  re: RegExp;
  /** Capture groups kept verbatim in front of the marker (e.g. a key name, "Bearer "). */
  keep?: number[];
  /** Decides, from the capture groups, whether this match really is a secret. */
  accept?: (groups: Array<string | undefined>) => boolean;
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  // A private key block, also when truncated (no END line): everything after BEGIN goes.
  {
    kind: 'private-key',
    re: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  { kind: 'nvidia-api-key', re: /\bnvapi-[A-Za-z0-9_-]{16,}/g },
  { kind: 'openai-api-key', re: /\bsk-(?:proj-|ant-|live-|test-)?[A-Za-z0-9_-]{16,}/g },
  { kind: 'github-token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/g },
  { kind: 'aws-access-key', re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/g },
  { kind: 'slack-token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'google-api-key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'huggingface-token', re: /\bhf_[A-Za-z0-9]{30,}\b/g },
  { kind: 'jwt', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  // Authorization header values: keep the scheme, drop the credential.
  { kind: 'bearer', re: /\b(Bearer\s+)[A-Za-z0-9._~+/-]{8,}=*/gi, keep: [1] },
  { kind: 'basic-auth', re: /\b(Basic\s+)[A-Za-z0-9+/]{8,}=*/g, keep: [1] },
  // Credentials embedded in URLs: scheme://user:pass@host
  { kind: 'url-credentials', re: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"']+:)[^\s@/"']+(?=@)/gi, keep: [1] },
  // key=value / key: value / "key": "value" for secret-looking key names. Code that merely
  // names a secret (a type annotation, a variable or env reference) is left alone.
  {
    kind: 'password',
    re: /(?<![A-Za-z0-9])((?:password|passwd|pwd|passphrase|secret|client[_-]?secret|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|refresh[_-]?token|aws_secret_access_key|private[_-]?key)\\?["']?\s*([=:])\s*)(\\?["'])?(?!\[REDACTED)([^\s"'\\&;,]+)/gi,
    keep: [1, 3],
    accept: (g) => {
      const [, , sep, quote, value = ''] = g;
      if (quote) return true;
      if (/^(\$|process\.env|os\.environ|getenv|env\.|\{\{)/.test(value)) return false;
      if (sep === ':' && (/^(string|number|boolean|any|unknown|null|undefined|true|false|str|int|bool|bytes|None|Optional|String|SecretStr)\b/.test(value) || /^[A-Za-z_$][\w$]*(\.[\w$]+)+[,;)]?$/.test(value) || value.includes('('))) return false;
      return true;
    },
  },
];
