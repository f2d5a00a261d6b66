/**
 * A small, tolerant shell parser: enough of POSIX sh / bash to find which
 * commands a command line runs and which files it redirects into. It never
 * executes anything and never throws: model output is untrusted and often
 * malformed, and a best-effort reading is more useful than none.
 */

export interface Redirect {
  /** '>', '>>', '<', '>|', '&>', '&>>', '<<', '<<<', '<>' (fd prefix dropped). */
  op: string;
  fd: number | null;
  target: string;
}

export interface SimpleCommand {
  /** Words after quote removal; `$VAR`/`$(...)` parts are kept verbatim. */
  argv: string[];
  /** Per word of argv: whether any part of it was quoted (a quoted `*` is not a glob). */
  quoted: boolean[];
  /** Leading VAR=value assignments. */
  assignments: string[];
  redirects: Redirect[];
  /** True when the command's stdin comes from the previous command of a pipeline. */
  pipedFrom: SimpleCommand | null;
  /** Command substitutions inside this command's words, parsed. */
  substitutions: SimpleCommand[];
}

export interface ParsedShell {
  commands: SimpleCommand[];
  /** Parse trouble (unterminated quote, ...): the reading is partial. */
  warnings: string[];
}

type Tok = { kind: 'word'; text: string; subs: string[]; quoted: boolean; assign?: boolean } | { kind: 'op'; text: string } | { kind: 'redir'; op: string; fd: number | null };

const OPS = ['&&', '||', ';;', '|&', ';', '|', '&', '\n', '(', ')'];

/** A command substitution starting at `i` (`$(...)` or backticks): its inner command and where it ends. */
function readSubstitution(src: string, i: number): { inner: string; end: number } | null {
  if (src[i] === '$' && src[i + 1] === '(') {
    const end = readBalanced(src, i + 1, '(', ')');
    return { inner: src.slice(i + 2, end - 1), end };
  }
  if (src[i] === '`') {
    const j = src.indexOf('`', i + 1);
    const end = j === -1 ? src.length : j + 1;
    return { inner: src.slice(i + 1, end - 1), end };
  }
  return null;
}

function readBalanced(s: string, i: number, open: string, close: string): number {
  // Returns the index just after the matching close, respecting quotes.
  let depth = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      i = j === -1 ? s.length : j + 1;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === open) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return s.length;
}

function tokenize(src: string, warnings: string[]): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const pendingHeredocs: string[] = [];
  while (i < src.length) {
    const c = src[i];
    if (c === '\n' && pendingHeredocs.length) {
      // Skip heredoc bodies: they are data, not commands.
      let pos = i + 1;
      for (const delim of pendingHeredocs) {
        while (pos < src.length) {
          const eol = src.indexOf('\n', pos);
          const line = src.slice(pos, eol === -1 ? src.length : eol);
          pos = eol === -1 ? src.length : eol + 1;
          if (line.replace(/^\t+/, '') === delim) break;
        }
      }
      pendingHeredocs.length = 0;
      toks.push({ kind: 'op', text: '\n' });
      i = pos;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '#') {
      const eol = src.indexOf('\n', i);
      i = eol === -1 ? src.length : eol;
      continue;
    }
    // Redirections, with an optional fd number glued in front.
    const redir = /^(\d*)(&>>|&>|>>|>\||>&|<<<|<<-|<<|<>|<&|>|<)/.exec(src.slice(i, i + 6));
    if (redir) {
      const fd = redir[1] ? Number(redir[1]) : null;
      const op = redir[2];
      i += redir[0].length;
      if (op === '>&' || op === '<&') {
        // fd duplication (2>&1): consume the target fd/word without treating it as a file.
        const m = /^\s*([0-9-]+)/.exec(src.slice(i));
        if (m) {
          i += m[0].length;
          continue;
        }
      }
      toks.push({ kind: 'redir', op: op === '<<-' ? '<<' : op, fd });
      if (op === '<<' || op === '<<-') {
        const m = /^\s*(['"]?)([^\s'";|&<>()]+)\1/.exec(src.slice(i));
        if (m) {
          pendingHeredocs.push(m[2]);
          toks.push({ kind: 'word', text: m[2], subs: [], quoted: true });
          i += m[0].length;
        }
      }
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      toks.push({ kind: 'op', text: op });
      i += op.length;
      continue;
    }
    // A word: runs until unquoted whitespace or operator.
    const assign = /^[A-Za-z_][A-Za-z0-9_]*=/.test(src.slice(i, i + 256));
    let text = '';
    const subs: string[] = [];
    let quoted = false;
    while (i < src.length) {
      const ch = src[i];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === ';' || ch === '|' || ch === '&' || ch === '<' || ch === '>' || ch === '(' || ch === ')') break;
      if (ch === '\\') {
        text += src[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (ch === "'") {
        quoted = true;
        const j = src.indexOf("'", i + 1);
        if (j === -1) {
          warnings.push('unterminated single quote');
          text += src.slice(i + 1);
          i = src.length;
        } else {
          text += src.slice(i + 1, j);
          i = j + 1;
        }
        continue;
      }
      if (ch === '"') {
        quoted = true;
        i++;
        let closed = false;
        while (i < src.length) {
          const d = src[i];
          if (d === '"') {
            closed = true;
            i++;
            break;
          }
          if (d === '\\' && i + 1 < src.length && '"\\$`\n'.includes(src[i + 1])) {
            text += src[i + 1];
            i += 2;
            continue;
          }
          const subD = readSubstitution(src, i);
          if (subD) {
            subs.push(subD.inner);
            text += src.slice(i, subD.end);
            i = subD.end;
            continue;
          }
          text += d;
          i++;
        }
        if (!closed) warnings.push('unterminated double quote');
        continue;
      }
      const sub = readSubstitution(src, i);
      if (sub) {
        subs.push(sub.inner);
        text += src.slice(i, sub.end);
        i = sub.end;
        continue;
      }
      text += ch;
      i++;
    }
    toks.push({ kind: 'word', text, subs, quoted, assign });
  }
  return toks;
}

const MAX_DEPTH = 6;

export function parseShell(src: string, depth = 0): ParsedShell {
  const warnings: string[] = [];
  const commands: SimpleCommand[] = [];
  if (depth > MAX_DEPTH) return { commands, warnings: ['nesting too deep'] };
  const toks = tokenize(src, warnings);
  let cur: SimpleCommand | null = null;
  let pipeNext = false;
  let prev: SimpleCommand | null = null;
  const fresh = (): SimpleCommand => ({ argv: [], quoted: [], assignments: [], redirects: [], pipedFrom: null, substitutions: [] });
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.kind === 'op') {
      if (cur && (cur.argv.length || cur.redirects.length || cur.assignments.length)) {
        commands.push(cur);
        prev = cur;
      }
      cur = null;
      pipeNext = t.text === '|' || t.text === '|&';
      if (!pipeNext) prev = null;
      continue;
    }
    if (!cur) {
      cur = fresh();
      if (pipeNext && prev) cur.pipedFrom = prev;
      pipeNext = false;
    }
    if (t.kind === 'redir') {
      const next = toks[k + 1];
      if (next && next.kind === 'word') {
        cur.redirects.push({ op: t.op, fd: t.fd, target: next.text });
        for (const s of next.subs) cur.substitutions.push(...parseShell(s, depth + 1).commands);
        k++;
      }
      continue;
    }
    for (const s of t.subs) cur.substitutions.push(...parseShell(s, depth + 1).commands);
    if (!cur.argv.length && t.assign) cur.assignments.push(t.text);
    else {
      cur.argv.push(t.text);
      cur.quoted.push(t.quoted);
    }
  }
  if (cur && (cur.argv.length || cur.redirects.length || cur.assignments.length)) commands.push(cur);
  // Substitutions run too: list them as commands of their own.
  const all: SimpleCommand[] = [];
  for (const c of commands) {
    all.push(c);
    all.push(...c.substitutions);
  }
  return { commands: all, warnings };
}
