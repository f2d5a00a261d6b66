/**
 * Reads a shell command line the way a cautious reviewer would: which
 * commands run, what they delete or overwrite, what they fetch or send, what
 * they cost. Heuristic by nature; every score comes with its reason.
 */
import path from 'node:path';
import { Findings } from './findings';
import { hasAny, parseArgs } from './options';
import { hasGlob, isInside, looksLikePath, resolvePath, type PathCtx } from './paths';
import { parseShell, type SimpleCommand } from './shell';

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'ash', 'busybox']);
const INTERPRETERS = new Set(['python', 'python3', 'python2', 'node', 'nodejs', 'ruby', 'perl', 'php', 'deno', 'bun', 'tsx', 'ts-node', 'lua']);
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'in', 'case', 'esac', '{', '}', '!', 'function', 'select', 'time']);
const HARMLESS_DEVICES = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty', '/dev/zero', '/dev/random', '/dev/urandom', '/dev/fd/1', '/dev/fd/2']);
const MODEL_SPAWNERS = new Set(['openclaw', 'claude', 'codex', 'aider', 'ollama', 'llm', 'vllm', 'gemini', 'cursor-agent', 'opencode', 'goose']);
const BUILDERS = new Set(['make', 'cmake', 'ninja', 'bazel', 'gradle', 'gradlew', './gradlew', 'mvn', 'ant', 'tsc', 'webpack', 'vite', 'rollup', 'esbuild', 'gcc', 'g++', 'clang', 'rustc', 'javac', 'msbuild', 'dotnet', 'xcodebuild', 'swift']);
const TEST_RUNNERS = new Set(['pytest', 'jest', 'mocha', 'vitest', 'tox', 'nox', 'phpunit', 'rspec', 'ctest']);
const NET_TOOLS = new Set(['ssh', 'scp', 'sftp', 'rsync', 'nc', 'ncat', 'netcat', 'socat', 'telnet', 'ftp', 'mosh']);
const SYSTEM_TOOLS = new Set(['iptables', 'ip6tables', 'nft', 'ufw', 'setenforce', 'mount', 'umount', 'modprobe', 'insmod', 'rmmod', 'sysctl', 'swapoff', 'swapon', 'chattr', 'setcap', 'losetup', 'cryptsetup', 'chroot', 'nsenter', 'unshare']);
const ACCOUNT_TOOLS = new Set(['useradd', 'userdel', 'usermod', 'groupadd', 'passwd', 'chpasswd', 'visudo', 'adduser', 'deluser']);
const DISK_TOOLS = /^(mkfs(\..+)?|mke2fs|mkswap|fdisk|sfdisk|gdisk|parted|wipefs|blkdiscard)$/;
const READERS = new Set(['cat', 'less', 'more', 'head', 'tail', 'grep', 'egrep', 'fgrep', 'rg', 'ag', 'wc', 'ls', 'stat', 'file', 'diff', 'cmp', 'du', 'tree', 'sort', 'uniq', 'cut', 'awk', 'jq', 'yq', 'sha256sum', 'md5sum', 'sha1sum', 'base64', 'xxd', 'od', 'hexdump', 'strings', 'nl', 'realpath', 'readlink', 'basename', 'dirname', 'source', '.', 'bat', 'git-blame']);
const PKG_INSTALL = new Set(['install', 'i', 'add', 'ci', 'update', 'upgrade', 'up', 'sync', 'get', 'isntall']);

interface Analysis {
  f: Findings;
  depth: number;
}

function abs(word: string, ctx: PathCtx, quoted = false) {
  return resolvePath(word, ctx, quoted);
}

function hostOf(url: string): { host: string; port: number | null } | null {
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`);
    if (!u.hostname || !/^[A-Za-z0-9.[\]:-]+$/.test(u.hostname) || !u.hostname.includes('.') && u.hostname !== 'localhost') return null;
    const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : u.protocol === 'http:' ? 80 : null;
    return { host: u.hostname, port };
  } catch {
    return null;
  }
}

/*
 * Small string helpers written as loops rather than regexes: these words come
 * from the agent, and patterns such as /:.*$/ or /^[^/]*@?[^/\s]+:/ backtrack
 * quadratically on them (32 KB took seconds).
 */

function afterLast(s: string, sep: string): string {
  const i = s.lastIndexOf(sep);
  return i === -1 ? s : s.slice(i + sep.length);
}

function beforeFirst(s: string, sep: string): string {
  const i = s.indexOf(sep);
  return i === -1 ? s : s.slice(0, i);
}

/** rsync's remote forms: `[user@]host:path`, `host::module`, `rsync://host/...`: a ':' before any '/', right after a non-space. */
export function isRemoteSpec(arg: string): boolean {
  if (arg.startsWith('/')) return false;
  const slash = arg.indexOf('/');
  const end = slash === -1 ? arg.length : slash;
  for (let i = arg.indexOf(':'); i !== -1 && i < end; i = arg.indexOf(':', i + 1)) {
    if (i > 0 && !/\s/.test(arg[i - 1]!)) return true;
  }
  return false;
}

/** The host of a git remote (`https://host/...`, `user@host:path`, `ssh://user@host:22/...`). */
export function gitRemoteHost(remote: string | undefined): string | undefined {
  if (remote === undefined) return undefined;
  let r = afterLast(remote, '@');
  if (r === remote) {
    const scheme = /^[a-z]+:\/\//.exec(r);
    if (scheme) r = r.slice(scheme[0].length);
  }
  let cut = r.length;
  for (let i = 0; i < r.length; i++) {
    if (r[i] === ':' || r[i] === '/') {
      cut = i;
      break;
    }
  }
  return r.slice(0, cut);
}

export interface ChmodEffect {
  worldWritable: boolean;
  setuid: boolean;
  executable: boolean;
}

/** What a chmod mode does, read clause by clause (`u+x,go-w`, `a=rwx`, `4755`), in one pass. */
export function chmodEffect(mode: string): ChmodEffect {
  if (/^[0-7]{3,4}$/.test(mode)) {
    return { worldWritable: /[2367]$/.test(mode), setuid: /^[2-7][0-7]{3}$/.test(mode), executable: /[1357]/.test(mode) };
  }
  const out: ChmodEffect = { worldWritable: false, setuid: false, executable: false };
  for (const clause of mode.split(',')) {
    let i = 0;
    let who = '';
    while (i < clause.length && 'ugoa'.includes(clause[i]!)) who += clause[i++];
    const others = who.includes('a') || who.includes('o');
    // Then operations: an operator followed by permission letters (or a copied class: u, g, o).
    while (i < clause.length) {
      const op = clause[i++];
      if (op !== '+' && op !== '=' && op !== '-') break;
      let perms = '';
      while (i < clause.length && 'rwxXstugo'.includes(clause[i]!)) perms += clause[i++];
      if (op === '-') continue;
      if (others && perms.includes('w')) out.worldWritable = true;
      if (perms.includes('s')) out.setuid = true;
      if (op === '+' && (perms.includes('x') || perms.includes('X'))) out.executable = true;
    }
  }
  return out;
}

/** Text-level patterns that survive any quoting: SQL, fork bombs. */
function scanRawText(text: string, f: Findings, ctx: PathCtx): void {
  const sqliteInWs = /\bsqlite3?\s+(?:-\S+\s+)*([^\s;|&'"]+)/.exec(text);
  const dbLocal = sqliteInWs ? isInside(ctx.workspace, abs(sqliteInWs[1], ctx).abs) : false;
  const sql: Array<[RegExp, number, string]> = [
    [/\bDROP\s+(TABLE|DATABASE|SCHEMA|INDEX|VIEW)\b/i, 0.9, 'SQL DROP removes a database object'],
    [/\bTRUNCATE\s+(TABLE\s+)?[A-Za-z_"`]/i, 0.85, 'SQL TRUNCATE empties a table'],
    [/\bDELETE\s+FROM\s+[^;]*?(;|$)/i, 0, ''],
    [/\bUPDATE\s+\S+\s+SET\b[^;]*?(;|$)/i, 0, ''],
  ];
  let touchedDb = false;
  for (const [re, score, reason] of sql) {
    const m = re.exec(text);
    if (!m) continue;
    if (score) {
      f.destructive(score, reason);
      touchedDb = true;
      continue;
    }
    const stmt = m[0];
    if (/^DELETE/i.test(stmt) && !/\bWHERE\b/i.test(stmt)) {
      f.destructive(0.75, 'SQL DELETE without WHERE empties a table');
      touchedDb = true;
    } else if (/^UPDATE/i.test(stmt) && !/\bWHERE\b/i.test(stmt)) {
      f.destructive(0.5, 'SQL UPDATE without WHERE rewrites every row');
      touchedDb = true;
    } else {
      f.destructive(0.3, `SQL ${stmt.split(/\s/)[0].toUpperCase()} changes rows`);
      touchedDb = true;
    }
  }
  if (touchedDb && !dbLocal) f.irreversible(0.3, 'database changes live outside the workspace unless the database file is in it');
  if (/:\s*\(\s*\)\s*\{[^}]{0,64}:\s*\|\s*:/.test(text)) {
    f.destructive(0.8, 'fork bomb');
    f.cost(1, 'fork bomb exhausts the machine');
  }
}

/** Longer command lines are read only this far: a reading must stay fast whatever the model sends. */
export const MAX_COMMAND_CHARS = 32 * 1024;

/**
 * All readings of one tool call together (its command line, then what `eval`, `sh -c` and their
 * substitutions run, recursively) read at most this many characters: nested `eval $(eval …)` made
 * every level re-read every inner one, exponential in the nesting (found by `npm run fuzz`).
 */
export const MAX_SHELL_CHARS_PER_CALL = 4 * MAX_COMMAND_CHARS;
const shellCharsRead = new WeakMap<Findings, number>();

export function analyzeShell(command: string, f: Findings, depth = 0): void {
  const read = shellCharsRead.get(f) ?? 0;
  if (read + Math.min(command.length, MAX_COMMAND_CHARS) > MAX_SHELL_CHARS_PER_CALL) {
    const w = 'nested commands too large to read whole';
    if (!f.warnings.includes(w)) {
      f.warnings.push(w);
      f.unknown(w);
    }
    return;
  }
  shellCharsRead.set(f, read + Math.min(command.length, MAX_COMMAND_CHARS));
  if (command.length > MAX_COMMAND_CHARS) {
    f.warnings.push(`command is ${command.length} characters; only the first ${MAX_COMMAND_CHARS} were read`);
    f.unknown('command too long to read whole');
    command = command.slice(0, MAX_COMMAND_CHARS);
  }
  const parsed = parseShell(command);
  for (const w of parsed.warnings) if (!f.warnings.includes(w)) f.warnings.push(w);
  if (parsed.warnings.length) f.add('blast', 0.3, 'command line only partly parsed');
  scanRawText(command, f, f.ctx);
  const a: Analysis = { f, depth };
  // `cd` changes where later relative paths land; keep a private copy of the context.
  const ctx: PathCtx = { ...f.ctx };
  for (const cmd of parsed.commands) analyzeCommand(cmd, ctx, a);
}

function redirects(cmd: SimpleCommand, ctx: PathCtx, f: Findings): void {
  for (const r of cmd.redirects) {
    if (r.op === '<<' || r.op === '<<<') continue;
    const target = abs(r.target, ctx);
    if (HARMLESS_DEVICES.has(target.abs)) continue;
    if (r.op === '<') {
      f.read(target);
      continue;
    }
    f.write(target);
    if (r.op === '>>' || r.op === '&>>') continue;
    f.destructive(0.35, `redirect truncates ${target.abs} before writing`);
  }
}

function analyzeCommand(cmd: SimpleCommand, ctx: PathCtx, a: Analysis): void {
  const { f } = a;
  redirects(cmd, ctx, f);
  let argv = [...cmd.argv];
  let quoted = [...cmd.quoted];
  const shift = (n: number) => {
    argv = argv.slice(n);
    quoted = quoted.slice(n);
  };
  let fromXargs = false;
  // Peel wrappers and keywords: what matters is the command they run.
  for (let guard = 0; guard < 10 && argv.length; guard++) {
    const name = path.basename(argv[0]);
    if (KEYWORDS.has(argv[0])) {
      if (argv[0] === 'while' || argv[0] === 'until') f.cost(0.3, 'loop: may run for a long time');
      shift(1);
      continue;
    }
    if (name === 'sudo' || name === 'doas' || name === 'pkexec') {
      f.commands.push(name);
      f.security(0.9, `privilege escalation (${name})`);
      f.irreversible(0.3, `${name}: runs as root, beyond the sandbox's user`);
      let i = 1;
      while (i < argv.length && argv[i].startsWith('-')) i += /^-[ugCDhprt]$/.test(argv[i]) ? 2 : 1;
      shift(i);
      continue;
    }
    if (name === 'su') {
      f.commands.push('su');
      f.security(0.9, 'privilege escalation (su)');
      const c = argv.indexOf('-c');
      if (c !== -1 && argv[c + 1]) analyzeShell(argv[c + 1], f, a.depth + 1);
      return;
    }
    if (name === 'env') {
      f.commands.push('env');
      let i = 1;
      while (i < argv.length && (argv[i].startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]))) i += argv[i] === '-u' || argv[i] === '-C' ? 2 : 1;
      if (i >= argv.length) {
        f.security(0.7, 'dumps environment variables (may hold secrets)');
        return;
      }
      shift(i);
      continue;
    }
    if (['nohup', 'exec', 'command', 'builtin', 'setsid', 'stdbuf', 'unbuffer', 'chronic', 'xvfb-run', 'nice', 'ionice', 'timeout', 'watch', 'time', 'caffeinate', 'flock'].includes(name)) {
      let i = 1;
      while (i < argv.length && argv[i].startsWith('-')) i += /^-(n|c|s|k|o|e|i|t|d)$/.test(argv[i]) ? 2 : 1;
      if (name === 'timeout' && i < argv.length && /^\d/.test(argv[i])) i++;
      if (name === 'flock' && i < argv.length) i++;
      if (name === 'watch') f.cost(0.4, 'watch repeats a command until stopped');
      if (name === 'nohup' || name === 'setsid') f.cost(0.3, `${name}: keeps running after the tool call returns`);
      shift(i);
      continue;
    }
    if (name === 'xargs') {
      fromXargs = true;
      let i = 1;
      while (i < argv.length && argv[i].startsWith('-')) i += /^-(I|n|P|L|d|a|E|s)$/.test(argv[i]) ? 2 : 1;
      shift(i);
      if (argv.length) f.unknown('xargs: targets come from the input, not the command line');
      continue;
    }
    break;
  }
  if (!argv.length) return;
  const name = path.basename(argv[0]);
  f.commands.push(name);
  const args = argv.slice(1);
  const argQuoted = quoted.slice(1);

  // Piping into an interpreter runs whatever came down the pipe.
  if (cmd.pipedFrom && (SHELLS.has(name) || INTERPRETERS.has(name)) && !args.some((x) => !x.startsWith('-'))) {
    const src = path.basename(cmd.pipedFrom.argv[0] ?? '');
    const fetched = ['curl', 'wget', 'fetch', 'http'].includes(src);
    f.security(fetched ? 0.95 : 0.8, fetched ? `pipes a download into ${name} (runs unreviewed remote code)` : `pipes generated text into ${name}`);
    f.destructive(0.5, 'runs code that cannot be inspected before it runs');
    f.unknown(`${name} reading a script from a pipe: effects unknown`);
    if (fetched) f.irreversible(0.3, 'runs remote code whose effects may reach outside the workspace');
    return;
  }

  if (SHELLS.has(name)) {
    const c = args.indexOf('-c');
    if (c !== -1 && args[c + 1] !== undefined) {
      if (a.depth < 4) analyzeShell(args[c + 1], f, a.depth + 1);
      return;
    }
    const script = args.find((x) => !x.startsWith('-'));
    if (script) {
      f.read(abs(script, ctx));
      f.destructive(0.3, `runs script ${script} (its contents are not inspected)`);
      f.unknown(`script ${script}: targets unknown`);
      f.cost(0.2, `runs script ${script}`);
    }
    return;
  }
  if (name === 'eval') {
    f.security(0.3, 'eval runs a constructed command');
    if (a.depth < 4) analyzeShell(args.join(' '), f, a.depth + 1);
    return;
  }
  if (INTERPRETERS.has(name)) {
    const inline = args.findIndex((x) => x === '-c' || x === '-e' || x === '-E' || x === '--eval' || x === '-p' || x === '-pi' || x === '-pe' || x === '-ne');
    if ((name === 'perl' && args.some((x) => /^-p?i/.test(x))) || args.includes('-i')) {
      // perl -pi -e '...' file: in-place edit of the files after the script
      const files = args.filter((x, i) => i > inline + 1 && !x.startsWith('-'));
      for (const file of files) f.write(abs(file, ctx));
      f.destructive(0.25, 'edits files in place');
    }
    if (inline !== -1) {
      const code = args[inline + 1] ?? '';
      if (/rmtree|rmSync|unlinkSync|os\.remove|os\.unlink|fs\.rm\b|fs\.unlink|shutil\.move|truncate\(|rimraf|FileUtils\.rm/i.test(code)) f.destructive(0.6, `inline ${name} code deletes files`);
      else f.destructive(0.2, `inline ${name} code (not inspected in depth)`);
      if (/open\([^)]*['"][wa]|writeFile|write_text|File\.write/.test(code)) f.unknown(`inline ${name} code writes files`);
      if (/requests\.|urllib|fetch\(|http\.request|axios|socket\./.test(code)) {
        f.cost(0.3, `inline ${name} code uses the network`);
        f.irreversible(0.5, 'inline code may have network side effects');
      }
      if (/subprocess|os\.system|child_process|execSync|spawn\(/.test(code)) f.unknown(`inline ${name} code runs other programs`);
      f.cost(0.1, `runs ${name}`);
      return;
    }
    if (args[0] === '-m') {
      const mod = args[1] ?? '';
      if (mod === 'pip') return analyzePackages('pip', args.slice(2), ctx, f);
      if (mod === 'http.server') f.cost(0.5, 'starts a web server (runs until stopped)');
      if (mod === 'pytest' || mod === 'unittest') f.cost(0.4, 'runs the test suite');
      if (mod === 'vllm.entrypoints.openai.api_server' || mod.startsWith('vllm')) f.cost(0.9, 'starts a model server');
      return;
    }
    const script = args.find((x) => !x.startsWith('-'));
    if (script) {
      f.read(abs(script, ctx));
      f.destructive(0.2, `runs ${name} script ${script} (not inspected)`);
      f.cost(0.2, `runs ${name} script`);
      f.unknown(`${name} script ${script}: targets unknown`);
    }
    return;
  }

  if (fromXargs && ['rm', 'shred', 'unlink', 'rmdir'].includes(name)) f.destructive(0.8, `xargs ${name}: deletes whatever the input lists`);

  switch (name) {
    case 'rm':
    case 'unlink':
    case 'rmdir':
    case 'shred':
    case 'srm': {
      const p = parseArgs(args);
      const recursive = hasAny(p, 'r', 'R', 'recursive') || (name === 'rmdir' && hasAny(p, 'p', 'parents'));
      const force = hasAny(p, 'f', 'force');
      let score = name === 'rmdir' ? 0.3 : name === 'shred' || name === 'srm' ? 0.9 : 0.6;
      if (recursive && name === 'rm') score = 0.8;
      for (const [k, op] of p.operands.entries()) {
        const r = abs(op, ctx, argQuoted[p.operandIdx[k]]);
        f.write(r, { recursive });
        const base = r.glob ? path.dirname(r.abs) : r.abs;
        if ((recursive || r.glob) && (['/', '/home', '/root', '/usr', '/etc', '/var', '/boot'].includes(base) || base === path.resolve(ctx.home))) score = 1;
        else if ((recursive || r.glob) && base === ctx.workspace) score = Math.max(score, 0.9);
        if (!isInside(ctx.workspace, r.abs)) score = Math.max(score, recursive ? 0.95 : 0.75);
      }
      if (hasAny(p, 'no-preserve-root')) score = 1;
      f.destructive(score, `${name}${recursive ? ' recursive' : ''}${force ? ' forced' : ''}: deletes ${p.operands.join(' ') || '(targets from input)'}`);
      if (!p.operands.length && !fromXargs) f.unknown(`${name} without operands`);
      return;
    }
    case 'mv': {
      const p = parseArgs(args, ['t', 'target-directory', 'S', 'suffix']);
      for (const [k, op] of p.operands.entries()) f.write(abs(op, ctx, argQuoted[p.operandIdx[k]]));
      const t = p.values.get('t') ?? p.values.get('target-directory');
      if (t) f.write(abs(t, ctx));
      f.destructive(hasAny(p, 'n', 'no-clobber') ? 0.2 : 0.4, 'mv moves files and may overwrite the destination');
      return;
    }
    case 'cp':
    case 'install':
    case 'rsync': {
      if (name === 'rsync' && args.some(isRemoteSpec)) break;
      const p = parseArgs(args, ['t', 'target-directory', 'm', 'mode', 'o', 'g', 'e', 'exclude', 'include']);
      const recursive = hasAny(p, 'r', 'R', 'a', 'recursive', 'archive');
      const ops = p.operands;
      const t = p.values.get('t') ?? p.values.get('target-directory');
      const dest = t ?? ops[ops.length - 1];
      const sources = t ? ops : ops.slice(0, -1);
      for (const s of sources) f.read(abs(s, ctx));
      if (dest) f.write(abs(dest, ctx), { recursive });
      f.destructive(hasAny(p, 'delete') ? 0.7 : 0.2, hasAny(p, 'delete') ? `${name} --delete removes files missing from the source` : `${name} may overwrite ${dest ?? 'the destination'}`);
      return;
    }
    case 'ln': {
      const p = parseArgs(args, ['t', 'S']);
      const dest = p.values.get('t') ?? p.operands[p.operands.length - 1];
      if (dest && p.operands.length > 1) f.write(abs(dest, ctx));
      if (hasAny(p, 'f', 'force')) f.destructive(0.3, 'ln -f replaces existing files');
      return;
    }
    case 'touch':
    case 'mkdir':
    case 'mkfifo':
    case 'mktemp': {
      const p = parseArgs(args, ['m', 'mode', 'd', 'r', 't', 'p']);
      for (const [k, op] of p.operands.entries()) f.write(abs(op, ctx, argQuoted[p.operandIdx[k]]));
      return;
    }
    case 'tee': {
      const p = parseArgs(args);
      for (const op of p.operands) f.write(abs(op, ctx));
      if (!hasAny(p, 'a', 'append') && p.operands.length) f.destructive(0.35, 'tee truncates its files before writing');
      return;
    }
    case 'truncate': {
      const p = parseArgs(args, ['s', 'size', 'r', 'reference']);
      for (const op of p.operands) f.write(abs(op, ctx));
      f.destructive(0.7, 'truncate cuts files to a size (contents lost)');
      return;
    }
    case 'dd': {
      for (const x of args) {
        const [k, v] = x.split('=', 2);
        if (k === 'of' && v) {
          const r = abs(v, ctx);
          f.write(r);
          f.destructive(/^\/dev\/(sd|hd|vd|nvme|xvd|mmcblk)/.test(r.abs) ? 1 : 0.8, `dd overwrites ${r.abs}`);
          if (!isInside(ctx.workspace, r.abs)) f.irreversible(0, `dd writes ${r.abs} outside the workspace`);
        } else if (k === 'if' && v) f.read(abs(v, ctx));
      }
      return;
    }
    case 'sed': {
      const p = parseArgs(args, ['e', 'f', 'expression', 'file']);
      const inPlace = args.some((x) => /^-[a-zA-Z]*i/.test(x) || x.startsWith('--in-place'));
      const files = p.values.has('e') || p.values.has('expression') || p.values.has('f') ? p.operands : p.operands.slice(1);
      for (const file of files) (inPlace ? f.write.bind(f) : f.read.bind(f))(abs(file, ctx));
      if (inPlace) f.destructive(0.25, 'sed -i edits files in place');
      return;
    }
    case 'find': {
      const starts: string[] = [];
      let i = 0;
      while (i < args.length && !args[i].startsWith('-') && args[i] !== '(' && args[i] !== '!') starts.push(args[i++]);
      if (!starts.length) starts.push('.');
      const del = args.includes('-delete');
      const execAt = args.findIndex((x) => x === '-exec' || x === '-execdir' || x === '-ok' || x === '-okdir');
      if (del) {
        for (const s of starts) f.write(abs(s, ctx), { recursive: true });
        f.destructive(0.8, 'find -delete removes every match');
      }
      if (execAt !== -1) {
        const end = args.findIndex((x, j) => j > execAt && (x === ';' || x === '+' || x === '\\;'));
        const inner = args.slice(execAt + 1, end === -1 ? undefined : end).filter((x) => x !== '{}');
        const innerName = path.basename(inner[0] ?? '');
        f.commands.push(innerName);
        if (['rm', 'shred', 'unlink', 'rmdir', 'mv', 'chmod', 'chown', 'truncate', 'sed'].includes(innerName)) {
          for (const s of starts) f.write(abs(s, ctx), { recursive: true });
          f.destructive(innerName === 'rm' || innerName === 'shred' ? 0.8 : 0.4, `find -exec ${innerName} on every match`);
        } else f.unknown(`find -exec ${innerName}: runs on every match`);
      }
      if (!del && execAt === -1) for (const s of starts) f.read(abs(s, ctx));
      return;
    }
    case 'chmod':
    case 'chown':
    case 'chgrp': {
      const p = parseArgs(args, ['reference']);
      const recursive = hasAny(p, 'R', 'recursive');
      const [mode, ...targets] = p.operands;
      const files = name === 'chmod' || name === 'chown' || name === 'chgrp' ? targets : p.operands;
      for (const t of files) f.write(abs(t, ctx), { recursive });
      if (name === 'chmod' && mode) {
        const m = chmodEffect(mode);
        const shown = mode.length > 40 ? `${mode.slice(0, 40)}…` : mode;
        if (m.worldWritable) f.security(0.7, `chmod ${shown} makes files writable by everyone`);
        if (m.setuid) f.security(0.9, `chmod ${shown} sets setuid/setgid`);
        if (!m.worldWritable && !m.setuid && m.executable) f.security(0.2, `chmod ${shown} makes files executable`);
      } else f.security(0.6, `${name} changes ownership`);
      if (files.some((t) => !isInside(ctx.workspace, abs(t, ctx).abs))) f.security(0.8, `${name} on files outside the workspace`);
      return;
    }
    case 'cd':
    case 'pushd': {
      const target = args[0] && !args[0].startsWith('-') ? abs(args[0], ctx).abs : ctx.home;
      ctx.cwd = target;
      return;
    }
    case 'tar': {
      // Old-style bundled flags (`tar xzf a.tgz`) read as `-xzf`.
      const p = parseArgs(args.map((x, i) => (i === 0 && !x.startsWith('-') ? `-${x}` : x)), ['f', 'C', 'directory', 'file', 'T', 'X', 'exclude']);
      const file = p.values.get('f') ?? p.values.get('file');
      if (hasAny(p, 'x', 'extract', 'get')) {
        const dir = p.values.get('C') ?? p.values.get('directory') ?? '.';
        f.write(abs(dir, ctx), { recursive: true });
        if (file) f.read(abs(file, ctx));
        f.destructive(0.3, 'tar -x may overwrite files');
      } else if (hasAny(p, 'c', 'create', 'r', 'u', 'append')) {
        if (file && file !== '-') f.write(abs(file, ctx));
        for (const op of p.operands) f.read(abs(op, ctx));
      } else if (file) f.read(abs(file, ctx));
      return;
    }
    case 'unzip':
    case '7z':
    case 'gunzip':
    case 'gzip':
    case 'bunzip2':
    case 'xz':
    case 'unxz':
    case 'zstd': {
      const p = parseArgs(args, ['d', 'x']);
      if (name === 'unzip') {
        f.write(abs(p.values.get('d') ?? '.', ctx), { recursive: true });
        if (hasAny(p, 'o')) f.destructive(0.35, 'unzip -o overwrites files');
      } else {
        for (const op of p.operands) f.write(abs(op, ctx));
        f.destructive(0.2, `${name} replaces files with their (de)compressed form`);
      }
      return;
    }
    case 'git':
      return analyzeGit(args, ctx, f);
    case 'npm':
    case 'pnpm':
    case 'yarn':
    case 'bun':
    case 'pip':
    case 'pip3':
    case 'pipx':
    case 'uv':
    case 'poetry':
    case 'conda':
    case 'mamba':
    case 'apt':
    case 'apt-get':
    case 'aptitude':
    case 'dpkg':
    case 'yum':
    case 'dnf':
    case 'apk':
    case 'pacman':
    case 'zypper':
    case 'brew':
    case 'snap':
    case 'gem':
    case 'cargo':
    case 'go':
    case 'composer':
    case 'npx':
    case 'pnpx':
    case 'bunx':
      return analyzePackages(name, args, ctx, f);
    case 'curl':
    case 'wget':
    case 'http':
    case 'https':
    case 'aria2c':
    case 'fetch':
      return analyzeFetch(name, args, ctx, f);
    case 'docker':
    case 'podman':
    case 'nerdctl':
      return analyzeDocker(name, args, f);
    case 'kubectl':
    case 'helm':
    case 'terraform':
    case 'aws':
    case 'gcloud':
    case 'az': {
      const sub = args.filter((x) => !x.startsWith('-')).join(' ');
      f.cost(0.4, `${name} talks to cloud infrastructure`);
      f.security(0.6, `${name} uses cloud credentials`);
      if (/\b(delete|destroy|rm|terminate|uninstall|purge)\b/.test(sub)) {
        f.destructive(0.9, `${name} ${sub.split(' ')[0]} deletes remote resources`);
        f.irreversible(0, `${name}: remote infrastructure changes cannot be undone by a snapshot`);
      } else if (/\b(apply|create|deploy|install|upgrade|put|cp|sync|set|scale|patch|run)\b/.test(sub)) f.irreversible(0.1, `${name}: remote changes cannot be undone by a snapshot`);
      f.net(name, null, !/\b(get|describe|list|ls|show|plan|version|logs)\b/.test(sub));
      return;
    }
    case 'kill':
    case 'pkill':
    case 'killall':
    case 'fuser':
    case 'skill': {
      const p = parseArgs(args, ['s', 'n', 'u', 'signal']);
      const all = p.operands.includes('-1') || args.includes('-1') || p.operands.includes('1');
      f.destructive(all ? 0.9 : name === 'killall' || name === 'pkill' ? 0.5 : 0.4, all ? 'kills every process (or init)' : `${name} stops processes`);
      f.irreversible(0.3, 'killed processes are not restored by a snapshot');
      return;
    }
    case 'shutdown':
    case 'reboot':
    case 'halt':
    case 'poweroff':
    case 'init':
      f.destructive(1, `${name} stops the machine`);
      f.security(0.9, `${name} needs root`);
      f.irreversible(0, `${name} cannot be undone`);
      return;
    case 'systemctl':
    case 'service':
    case 'launchctl': {
      const verb = args.find((x) => !x.startsWith('-')) ?? '';
      if (['poweroff', 'reboot', 'halt'].includes(verb)) {
        f.destructive(1, `systemctl ${verb} stops the machine`);
        f.irreversible(0, 'cannot be undone');
      } else if (!['status', 'list-units', 'show', 'is-active', 'cat'].includes(verb)) {
        f.security(0.7, `${name} ${verb}: changes system services`);
        f.irreversible(0.3, 'service changes are outside the workspace');
      }
      return;
    }
    case 'crontab': {
      f.security(0.8, 'crontab schedules code to run later (persistence)');
      if (args.includes('-r')) f.destructive(0.7, 'crontab -r deletes every scheduled job');
      f.irreversible(0.2, 'crontab lives outside the workspace');
      return;
    }
    case 'printenv':
    case 'set':
    case 'export':
    case 'declare':
      if (!args.length || args.every((x) => x === '-p' || x === '-x')) f.security(0.7, `${name} dumps environment variables (may hold secrets)`);
      return;
    case 'history':
      if (args.includes('-c') || args.includes('-w')) f.security(0.4, 'clears shell history (covers tracks)');
      return;
    case 'unset':
      if (args.includes('HISTFILE')) f.security(0.4, 'disables shell history (covers tracks)');
      return;
    case 'sleep': {
      const n = Number.parseFloat(args[0] ?? '0');
      if (n >= 60) f.cost(Math.min(0.6, 0.2 + n / 3600), `sleeps ${args[0]}`);
      return;
    }
    case 'yes':
      f.cost(0.3, 'yes runs until stopped');
      return;
    case 'echo':
    case 'printf':
    case 'true':
    case 'false':
    case 'pwd':
    case 'whoami':
    case 'id':
    case 'date':
    case 'uname':
    case 'which':
    case 'type':
    case 'test':
    case '[':
    case 'exit':
    case 'return':
    case 'shift':
    case 'read':
    case 'local':
    case 'hostname':
      return;
    case 'psql':
    case 'mysql':
    case 'mariadb':
    case 'sqlite3':
    case 'sqlite':
    case 'mongo':
    case 'mongosh':
    case 'redis-cli':
    case 'sqlcmd':
      f.cost(0.1, `${name}: database client`);
      if (name.startsWith('sqlite')) {
        const db = args.find((x) => !x.startsWith('-'));
        if (db) f.write(abs(db, ctx));
      } else f.net(name, null, false);
      return;
    case 'ping':
    case 'dig':
    case 'nslookup':
    case 'host':
    case 'traceroute': {
      const h = args.find((x) => !x.startsWith('-'));
      if (h) f.net(h, null, false);
      f.cost(0.1, `${name} uses the network`);
      return;
    }
  }

  if (DISK_TOOLS.test(name)) {
    f.destructive(1, `${name} destroys a filesystem or partition table`);
    f.security(0.9, `${name} needs raw device access`);
    f.irreversible(0, `${name} cannot be undone by a workspace snapshot`);
    for (const op of args.filter((x) => x.startsWith('/dev/'))) f.write(abs(op, ctx));
    return;
  }
  if (SYSTEM_TOOLS.has(name)) {
    f.security(0.9, `${name} changes the system (firewall, mounts, kernel)`);
    f.irreversible(0.2, `${name}: system changes are outside the workspace`);
    return;
  }
  if (ACCOUNT_TOOLS.has(name)) {
    f.security(0.95, `${name} changes user accounts or sudo rules`);
    f.irreversible(0.1, 'account changes are outside the workspace');
    return;
  }
  if (NET_TOOLS.has(name)) {
    const target = args.find((x) => !x.startsWith('-') && (x.includes('@') || x.includes(':') || x.includes('.')));
    const host = target ? beforeFirst(afterLast(target, '@'), ':') : name;
    f.net(host, name === 'ssh' || name === 'scp' || name === 'sftp' || name === 'rsync' ? 22 : null, true);
    f.security(0.6, `${name} opens a connection to another host`);
    f.cost(0.3, `${name} uses the network`);
    f.irreversible(0.2, `${name}: what happens on the other host cannot be undone`);
    if (name === 'scp' || name === 'rsync') for (const x of args.filter((y) => !y.startsWith('-') && !y.includes(':'))) f.read(abs(x, ctx));
    return;
  }
  if (MODEL_SPAWNERS.has(name)) {
    f.cost(0.8, `${name} starts another model or agent (token cost)`);
    f.security(0.3, `${name} runs another agent`);
    return;
  }
  if (BUILDERS.has(name) || name === 'cargo' || name === 'go') {
    f.cost(0.5, `${name}: a build can take minutes`);
    f.write(abs('.', ctx), { recursive: false });
    return;
  }
  if (TEST_RUNNERS.has(name)) {
    f.cost(0.4, `${name}: runs the test suite`);
    return;
  }
  if (READERS.has(name)) {
    for (const [k, x] of args.entries()) if (looksLikePath(x) || (!x.startsWith('-') && k > 0 && name !== 'grep' && name !== 'rg')) f.read(abs(x, ctx, argQuoted[k]));
    if (name === 'cat' || name === 'head' || name === 'tail' || name === 'less') for (const [k, x] of args.entries()) if (!x.startsWith('-')) f.read(abs(x, ctx, argQuoted[k]));
    return;
  }
  // Unknown program: note path-looking arguments as reads, and say we do not know it.
  for (const [k, x] of args.entries()) if (looksLikePath(x)) f.read(abs(x, ctx, argQuoted[k]));
  if (argv[0].includes('/') && !argv[0].startsWith('/usr/') && !argv[0].startsWith('/bin/')) {
    f.destructive(0.2, `runs ${argv[0]} (a program from the workspace, not inspected)`);
    f.unknown(`${argv[0]}: effects unknown`);
  } else f.destructive(0.05, `${name}: not a command NemoCognition knows; scored low`);
  if (args.some((x, k) => hasGlob(x) && !argQuoted[k])) f.add('blast', 0.3, `${name} with a glob`);
}

function analyzeGit(args: string[], ctx: PathCtx, f: Findings): void {
  let i = 0;
  const local: PathCtx = { ...ctx };
  while (i < args.length && args[i].startsWith('-')) {
    if (args[i] === '-C' && args[i + 1]) {
      local.cwd = resolvePath(args[i + 1], ctx).abs;
      i += 2;
    } else i += args[i] === '-c' ? 2 : 1;
  }
  const sub = args[i] ?? '';
  const rest = args.slice(i + 1);
  const has = (...xs: string[]) => xs.some((x) => rest.includes(x));
  const repo = resolvePath('.', local);
  switch (sub) {
    case 'reset':
      if (has('--hard', '--merge', '--keep')) {
        f.destructive(0.8, 'git reset --hard discards uncommitted changes');
        f.write(repo, { recursive: true });
      } else f.destructive(0.2, 'git reset moves the branch');
      return;
    case 'clean':
      if (rest.some((x) => /^-[a-zA-Z]*f/.test(x) || x === '--force')) {
        f.destructive(rest.some((x) => /^-[a-zA-Z]*[xX]/.test(x)) ? 0.9 : 0.8, 'git clean -f deletes untracked files');
        f.write(repo, { recursive: true });
      }
      return;
    case 'checkout':
    case 'restore':
    case 'switch':
      if (has('.', '--', '-f', '--force', '--theirs', '--ours', '--staged', '--worktree') || sub === 'restore') {
        f.destructive(0.6, `git ${sub} overwrites working-tree changes`);
        f.write(repo, { recursive: true });
      } else f.destructive(0.1, `git ${sub} changes the working tree`);
      return;
    case 'stash':
      if (has('drop', 'clear')) f.destructive(0.5, 'git stash drop/clear deletes stashed work');
      else f.destructive(0.1, 'git stash sets changes aside');
      return;
    case 'branch':
      if (has('-D', '--delete', '-d')) f.destructive(0.5, 'git branch -D deletes a branch');
      return;
    case 'rebase':
    case 'merge':
    case 'cherry-pick':
    case 'revert':
    case 'am':
    case 'apply':
    case 'pull':
      f.destructive(0.25, `git ${sub} rewrites files and history`);
      f.write(repo, { recursive: true });
      if (sub === 'pull') {
        f.cost(0.3, 'git pull fetches over the network');
        f.net('git-remote', null, false);
      }
      return;
    case 'push': {
      const force = rest.some((x) => x === '-f' || x.startsWith('--force') || x.startsWith('+'));
      f.net('git-remote', null, true);
      f.cost(0.3, 'git push uses the network');
      f.security(0.4, 'git push publishes code');
      if (force) f.destructive(0.9, 'git push --force overwrites remote history');
      if (rest.includes('--delete') || rest.some((x) => x.startsWith(':'))) f.destructive(0.8, 'git push --delete removes a remote branch');
      f.irreversible(0.1, 'pushed commits are visible to others: no snapshot can unpublish them');
      return;
    }
    case 'clone':
    case 'fetch':
    case 'submodule':
    case 'lfs':
      f.cost(0.4, `git ${sub} downloads over the network`);
      f.net(gitRemoteHost(rest.find((x) => x.includes('://') || x.includes('@'))) ?? 'git-remote', null, false);
      if (sub === 'clone') f.write(resolvePath(rest.filter((x) => !x.startsWith('-'))[1] ?? '.', local), { recursive: true });
      return;
    case 'commit':
    case 'add':
    case 'mv':
    case 'rm':
    case 'tag':
    case 'init':
    case 'config':
      f.write(resolvePath('.git', local), { recursive: false });
      if (sub === 'rm') f.destructive(0.4, 'git rm deletes files');
      if (sub === 'config' && rest.includes('--global')) f.write(resolvePath('~/.gitconfig', local));
      return;
    default:
      // status, log, diff, show, blame...: read-only
      f.read(repo);
  }
}

function analyzePackages(name: string, args: string[], ctx: PathCtx, f: Findings): void {
  const words = args.filter((x) => !x.startsWith('-'));
  const verb = words[0] ?? '';
  const global = args.some((x) => x === '-g' || x === '--global' || x === '--user' || x === '--system');
  const system = ['apt', 'apt-get', 'aptitude', 'dpkg', 'yum', 'dnf', 'apk', 'pacman', 'zypper', 'brew', 'snap'].includes(name);
  if (name === 'npx' || name === 'pnpx' || name === 'bunx' || (name === 'pnpm' && verb === 'dlx') || (name === 'yarn' && verb === 'dlx') || (name === 'uv' && (verb === 'run' || verb === 'tool'))) {
    f.cost(0.5, `${name} downloads and runs a package`);
    f.security(0.5, `${name} runs code fetched from a registry`);
    f.net('package-registry', 443, false);
    f.unknown(`${name}: the package decides what it touches`);
    return;
  }
  if (name === 'go' && ['build', 'test', 'run', 'vet'].includes(verb)) {
    f.cost(verb === 'test' ? 0.4 : 0.5, `go ${verb} compiles the project`);
    return;
  }
  if (name === 'cargo' && ['build', 'test', 'run', 'check', 'clippy', 'bench'].includes(verb)) {
    f.cost(0.5, `cargo ${verb}: a build can take minutes`);
    f.write(resolvePath('target', ctx), { recursive: true });
    return;
  }
  if (['npm', 'pnpm', 'yarn', 'bun'].includes(name) && (verb === 'run' || verb === 'test' || verb === 't' || verb === 'start' || verb === 'exec' || (name === 'yarn' && verb && !PKG_INSTALL.has(verb) && !['remove', 'publish'].includes(verb)))) {
    const script = verb === 'run' || verb === 'exec' ? words[1] ?? '' : verb;
    const heavy = /build|test|e2e|bench|start|dev|serve|watch/.test(script);
    f.cost(heavy ? 0.45 : 0.25, `${name} ${verb} ${verb === 'run' ? script : ''}`.trim() + ': runs a project script');
    f.unknown(`${name} script "${script}": its effects depend on package.json`);
    if (/start|dev|serve|watch/.test(script)) f.cost(0.5, 'long-running server or watcher');
    return;
  }
  if (verb === 'publish' || verb === 'upload' || (name === 'cargo' && verb === 'publish')) {
    f.net('package-registry', 443, true);
    f.security(0.7, `${name} publish makes code public`);
    f.irreversible(0, 'a published package cannot be unpublished by a snapshot');
    f.cost(0.3, 'publishes over the network');
    return;
  }
  const removing = ['remove', 'uninstall', 'purge', 'autoremove', 'rm', 'erase'].includes(verb);
  const installing = PKG_INSTALL.has(verb) || (name === 'dpkg' && args.includes('-i')) || (name === 'npm' && !verb) || (name === 'yarn' && !verb);
  if (!installing && !removing) {
    f.cost(0.05, `${name} ${verb}`);
    return;
  }
  f.net('package-registry', 443, false);
  f.cost(system ? 0.7 : 0.6, `${name} ${verb}: package ${removing ? 'removal' : 'install'} (network, disk, minutes)`);
  if (system) {
    f.security(0.6, `${name} changes system packages (needs root)`);
    f.write(resolvePath('/usr', ctx), { recursive: true });
    f.irreversible(0.2, 'system packages live outside the workspace');
  } else if (global) {
    f.write(resolvePath(name.startsWith('pip') || name === 'uv' ? '~/.local' : '~/.npm-global', ctx), { recursive: true });
    f.irreversible(0.4, `${name} global install writes outside the workspace`);
  } else {
    const dir = ['npm', 'pnpm', 'yarn', 'bun'].includes(name) ? 'node_modules' : name === 'cargo' ? '~/.cargo' : '.';
    f.write(resolvePath(dir, ctx), { recursive: true });
    if (name.startsWith('pip') && !args.some((x) => x === '-t' || x.startsWith('--target'))) f.add('blast', 0.35, 'pip writes outside the workspace unless a virtualenv inside it is active');
  }
  f.security(0.3, 'installs third-party code (install scripts run with your permissions)');
  if (removing) f.destructive(system ? 0.7 : 0.4, `${name} ${verb} removes packages`);
}

function analyzeFetch(name: string, args: string[], ctx: PathCtx, f: Findings): void {
  const p = parseArgs(args, ['o', 'output', 'O', 'X', 'request', 'd', 'data', 'data-binary', 'data-raw', 'data-urlencode', 'F', 'form', 'T', 'upload-file', 'H', 'header', 'u', 'user', 'A', 'user-agent', 'e', 'referer', 'b', 'cookie', 'c', 'cookie-jar', 'P', 'directory-prefix', 'output-document', 'json', 'm', 'max-time', 'connect-timeout', 'retry', 'w', 'write-out', 'x', 'proxy', 'method', 'body-data', 'body-file', 'post-data', 'post-file', 'input-file', 'i']);
  const method = (p.values.get('X') ?? p.values.get('request') ?? p.values.get('method') ?? '').toUpperCase();
  const dataFlags = ['d', 'data', 'data-binary', 'data-raw', 'data-urlencode', 'F', 'form', 'json', 'post-data', 'post-file', 'body-data', 'body-file'];
  const upload = p.values.get('T') ?? p.values.get('upload-file');
  const sends = dataFlags.some((x) => p.values.has(x)) || !!upload || ['POST', 'PUT', 'DELETE', 'PATCH'].includes(method);
  const urls = p.operands.filter((x) => /^[a-z]+:\/\//i.test(x) || /^[\w.-]+\.[a-z]{2,}(:\d+)?(\/|$)/i.test(x));
  for (const u of urls) {
    const h = hostOf(u);
    if (h) f.net(h.host, h.port, sends);
  }
  f.cost(0.3, `${name} fetches from the network`);
  if (sends) {
    f.irreversible(0.2, `${name} ${method || 'POST'} changes state on the remote host`);
    f.security(0.4, `${name} sends data to ${urls[0] ?? 'a remote host'}`);
  }
  const fileArgs = [upload, ...dataFlags.map((x) => p.values.get(x))].filter((v): v is string => !!v);
  for (const v of fileArgs) {
    const m = /@([^;,\s]+)/.exec(v) ?? (v === upload ? [v, v] : null);
    if (m) {
      const r = resolvePath(m[1], ctx);
      f.read(r);
      f.security(0.6, `uploads ${r.abs} to a remote host`);
    }
  }
  if (method === 'DELETE') f.destructive(0.6, `${name} -X DELETE deletes a remote resource`);
  const out = p.values.get('o') ?? p.values.get('output') ?? p.values.get('output-document') ?? (name === 'wget' ? p.values.get('O') : undefined);
  if (out && out !== '-' && out !== '/dev/null') f.write(resolvePath(out, ctx));
  else if (name === 'wget' && !out) f.write(resolvePath(p.values.get('P') ?? p.values.get('directory-prefix') ?? '.', ctx));
  else if (name === 'curl' && hasAny(p, 'O', 'remote-name', 'remote-name-all')) f.write(resolvePath('.', ctx));
  if (p.values.has('u') || p.values.has('user') || [...(p.values.get('H') ?? '').matchAll(/authorization/gi)].length) f.security(0.5, `${name} sends credentials`);
}

function analyzeDocker(name: string, args: string[], f: Findings): void {
  const verb = args.find((x) => !x.startsWith('-')) ?? '';
  f.security(0.6, `${name} talks to the container daemon (root-equivalent)`);
  if (args.includes('--privileged') || args.some((x) => /^(-v|--volume)?=?\/:/.test(x)) || args.some((x, i) => (x === '-v' || x === '--volume') && /^\/:/.test(args[i + 1] ?? '')) || args.includes('--pid=host') || args.includes('--net=host') || args.includes('--network=host'))
    f.security(0.95, `${name} ${verb} with host access (--privileged, host mounts or namespaces)`);
  if (['run', 'exec', 'compose', 'start', 'up'].includes(verb)) f.cost(0.6, `${name} ${verb} runs containers`);
  if (verb === 'build') f.cost(0.6, `${name} build: image builds take minutes`);
  if (verb === 'pull' || verb === 'push') {
    f.cost(0.4, `${name} ${verb} transfers images`);
    f.net('container-registry', 443, verb === 'push');
  }
  if (['rm', 'rmi', 'prune', 'kill', 'stop', 'down'].includes(verb) || args.includes('prune')) {
    f.destructive(args.includes('prune') ? 0.7 : 0.5, `${name} ${verb} removes containers or images`);
  }
  f.irreversible(0.3, `${name}: containers and images live outside the workspace`);
}

export { Findings };
