/**
 * A small syntax highlighter for diff excerpts (pure, no DOM): splits one line
 * into tokens (comment, string, keyword, number, punctuation, plain) for the
 * language a file's extension names. Line by line, so a block comment or a
 * string spanning lines is coloured only where it can be seen; good enough
 * for a few lines of a video frame, never HTML.
 */

export type TokenKind = 'comment' | 'string' | 'keyword' | 'number' | 'punct' | 'plain' | 'heading' | 'key';

export interface Token {
  kind: TokenKind;
  text: string;
}

type Lang = 'c-like' | 'python' | 'shell' | 'yaml' | 'markdown' | 'json' | 'plain';

const KEYWORDS: Record<Lang, Set<string>> = {
  'c-like': new Set(
    'abstract as async await break case catch class const continue default delete do else enum export extends false finally for from function if implements import in instanceof interface let new null of private protected public readonly return static super switch this throw true try type typeof undefined var void while yield fn pub struct impl use mod match mut package func go defer chan map range'.split(' '),
  ),
  python: new Set('and as assert async await break class continue def del elif else except False finally for from global if import in is lambda None nonlocal not or pass raise return True try while with yield self'.split(' ')),
  shell: new Set('if then else elif fi for while do done case esac function in export local return echo printf cd set unset'.split(' ')),
  yaml: new Set(['true', 'false', 'null', 'yes', 'no']),
  markdown: new Set(),
  json: new Set(['true', 'false', 'null']),
  plain: new Set(),
};

export function languageOf(path: string): Lang {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  if (['ts', 'tsx', 'js', 'jsx', 'mjs', 'cjs', 'c', 'h', 'cc', 'cpp', 'java', 'go', 'rs', 'cs', 'kt', 'swift', 'css', 'scss'].includes(ext)) return 'c-like';
  if (ext === 'py') return 'python';
  if (['sh', 'bash', 'zsh'].includes(ext)) return 'shell';
  if (['yml', 'yaml', 'toml'].includes(ext)) return 'yaml';
  if (['md', 'markdown'].includes(ext)) return 'markdown';
  if (ext === 'json' || ext === 'jsonc') return 'json';
  return 'plain';
}

const COMMENT_START: Record<Lang, string[]> = { 'c-like': ['//', '/*'], python: ['#'], shell: ['#'], yaml: ['#'], markdown: [], json: [], plain: [] };

export function highlightLine(line: string, path: string): Token[] {
  const lang = languageOf(path);
  if (lang === 'plain') return [{ kind: 'plain', text: line }];
  if (lang === 'markdown') return /^\s{0,3}#/.test(line) ? [{ kind: 'heading', text: line }] : [{ kind: 'plain', text: line }];
  const out: Token[] = [];
  const push = (kind: TokenKind, text: string) => {
    const last = out[out.length - 1];
    if (last && last.kind === kind) last.text += text;
    else out.push({ kind, text });
  };
  let i = 0;
  while (i < line.length) {
    const rest = line.slice(i);
    const comment = COMMENT_START[lang].find((c) => rest.startsWith(c));
    if (comment) {
      push('comment', rest);
      break;
    }
    const ch = line[i]!;
    if (ch === '"' || ch === "'" || ch === '`') {
      let j = i + 1;
      while (j < line.length && line[j] !== ch) j += line[j] === '\\' ? 2 : 1;
      const text = line.slice(i, Math.min(line.length, j + 1));
      // A JSON or YAML key is a string followed by a colon.
      push((lang === 'json' || lang === 'yaml') && /^\s*:/.test(line.slice(j + 1)) ? 'key' : 'string', text);
      i += text.length;
      continue;
    }
    const num = /^(0x[0-9a-f]+|\d+(\.\d+)?(e[+-]?\d+)?)\b/i.exec(rest);
    if (num && !/[\w$]/.test(line[i - 1] ?? '')) {
      push('number', num[0]);
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_$][\w$-]*/.exec(rest);
    if (word) {
      const w = lang === 'shell' || lang === 'yaml' ? word[0] : word[0].replace(/-.*$/, '');
      const isKey = lang === 'yaml' && /^\s*:/.test(line.slice(i + w.length)) && out.every((t) => t.kind === 'plain' && !t.text.trim());
      push(isKey ? 'key' : KEYWORDS[lang].has(w) ? 'keyword' : 'plain', w);
      i += w.length;
      continue;
    }
    push(/[{}()[\];,.:=<>+\-*/%!&|?^~]/.test(ch) ? 'punct' : 'plain', ch);
    i++;
  }
  return out;
}
