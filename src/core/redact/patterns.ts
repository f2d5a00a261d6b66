/**
 * Shapes of well-known credentials. Each pattern names the kind shown in the
 * replacement `[REDACTED:<kind>]`. `keep` is the number of leading capture
 * groups kept verbatim (a key name, "Bearer "), so a reader still sees what
 * was there without seeing the value.
 *
 * Every pattern runs on text an agent or a model controls, of any length, so
 * each must be linear: no start position may scan a run that later start
 * positions scan again. Where a regex cannot say that (`jwt`), `find` does the
 * matching in code and `re` stays as its specification (a property test checks
 * that both agree).
 */
export interface SecretPattern {
  kind: string;
  re: RegExp;
  /** Capture groups kept verbatim in front of the marker (e.g. a key name, "Bearer "). */
  keep?: number[];
  /** Decides, from the capture groups, whether this match really is a secret. */
  accept?: (groups: Array<string | undefined>) => boolean;
  /** A literal every match contains (case-sensitive): text without it is skipped at once. */
  hint?: string;
  /** Linear matcher used instead of `re`: the same matches, leftmost first, not overlapping. */
  find?: (text: string) => Iterable<SecretMatch>;
}

export interface SecretMatch {
  index: number;
  /** The whole match, then the capture groups (as in a RegExpExecArray). */
  groups: Array<string | undefined>;
}

const B64URL = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-') B64URL[c.charCodeAt(0)] = 1;
const isB64Url = (text: string, i: number) => i >= 0 && i < text.length && B64URL[text.charCodeAt(i)] === 1;

/**
 * JSON Web Tokens: `eyJ<8+>.eyJ<8+>.<8+>` (base64url segments), the first `eyJ`
 * at a word boundary. Found from each `.eyJ`, looking back for the header's
 * start, so every character is looked at a bounded number of times (the regex
 * took 8.5 s on 100 KB of `eyJ-`).
 */
export function* findJwts(text: string): Generator<SecretMatch> {
  let from = 0;
  for (let dot = text.indexOf('.eyJ', from); dot !== -1; dot = text.indexOf('.eyJ', from)) {
    // Header: the run of base64url characters before the dot; the leftmost 'eyJ' in it at a word boundary.
    let runStart = dot;
    while (runStart > from && isB64Url(text, runStart - 1)) runStart--;
    let header = -1;
    for (let h = runStart; h + 11 <= dot; h++) {
      if (text.startsWith('eyJ', h) && (h === runStart || text[h - 1] === '-')) {
        header = h;
        break;
      }
    }
    let payloadEnd = dot + 4;
    while (isB64Url(text, payloadEnd)) payloadEnd++;
    if (header === -1 || payloadEnd - (dot + 4) < 8 || text[payloadEnd] !== '.') {
      from = dot + 1;
      continue;
    }
    let sigEnd = payloadEnd + 1;
    while (isB64Url(text, sigEnd)) sigEnd++;
    if (sigEnd - (payloadEnd + 1) < 8) {
      from = dot + 1;
      continue;
    }
    yield { index: header, groups: [text.slice(header, sigEnd)] };
    from = sigEnd;
  }
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  // A private key block, also when truncated (no END line): everything after BEGIN goes.
  {
    kind: 'private-key',
    re: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
    hint: '-----BEGIN ',
  },
  { kind: 'nvidia-api-key', re: /\bnvapi-[A-Za-z0-9_-]{16,}/g, hint: 'nvapi-' },
  { kind: 'openai-api-key', re: /\bsk-(?:proj-|ant-|live-|test-)?[A-Za-z0-9_-]{16,}/g, hint: 'sk-' },
  { kind: 'github-token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/g },
  { kind: 'aws-access-key', re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/g },
  { kind: 'slack-token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, hint: 'xox' },
  { kind: 'google-api-key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g, hint: 'AIza' },
  { kind: 'huggingface-token', re: /\bhf_[A-Za-z0-9]{30,}\b/g, hint: 'hf_' },
  { kind: 'jwt', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, hint: '.eyJ', find: findJwts },
  // Authorization header values: keep the scheme, drop the credential.
  { kind: 'bearer', re: /\b(Bearer\s+)[A-Za-z0-9._~+/-]{8,}=*/gi, keep: [1] },
  { kind: 'basic-auth', re: /\b(Basic\s+)[A-Za-z0-9+/]{8,}=*/g, keep: [1], hint: 'Basic' },
  // Credentials embedded in URLs: scheme://user:pass@host. The match starts at '://' and looks back for the
  // scheme: starting at the scheme made every \b inside `a.a.a…` a start that scanned the rest (quadratic).
  // Only the password is replaced, so the output is the same as /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"']+:)…/.
  { kind: 'url-credentials', re: /(:\/\/(?<=\b[a-z][a-z0-9+.-]*:\/\/)[^\s:/@"']+:)[^\s@/"']+(?=@)/gi, keep: [1], hint: '://' },
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
