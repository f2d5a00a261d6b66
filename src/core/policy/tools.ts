/**
 * Maps a tool call (OpenClaw's names first: exec, bash, process, read, write,
 * edit, apply_patch, web_fetch, web_search, browser, sessions_*, message,
 * cron, gateway, nodes, ...) onto the analysers. Parameter names vary between
 * agents, so each lookup tries the usual spellings.
 */
import path from 'node:path';
import { Scrubber } from '../redact/scrubber';
import { analyzeShell } from './commands';
import type { Findings } from './findings';
import { MAX_PATH_CHARS, resolvePath } from './paths';
import type { ToolKind } from './types';

const KINDS: Array<[ToolKind, RegExp]> = [
  ['shell', /^(exec|bash|shell|sh|run|run_command|run_shell_command|execute|execute_command|terminal|cmd|command|local_shell|container\.exec)$/i],
  ['process', /^(process|process_\w+|kill_process)$/i],
  ['write', /^(write|write_file|create_file|writefile|file_write|save_file|notebookedit)$/i],
  ['edit', /^(edit|edit_file|str_replace|str_replace_editor|str_replace_based_edit_tool|multiedit|multi_edit|replace|replace_in_file|search_replace)$/i],
  ['patch', /^(apply_patch|patch|applypatch|apply_diff)$/i],
  ['read', /^(read|read_file|view|view_file|cat|open_file|ls|list|list_dir|list_files|glob|grep|search_files|find_files|file_search|codebase_search|notebookread)$/i],
  ['web', /^(web_fetch|web_search|fetch|http_request|search_web|websearch|webfetch|url_fetch|browse)$/i],
  ['browser', /^(browser|browser_\w+|playwright_\w+|computer)$/i],
  ['spawn', /^(sessions_spawn|subagents|spawn_agent|spawn|task|agent|delegate|image|image_generate|tts)$/i],
  ['message', /^(message|sessions_send|send_message|notify|email|slack|discord|telegram)$/i],
  ['automation', /^(cron|gateway|nodes|schedule|openclaw)$/i],
  ['memory', /^(memory_search|memory_get|session_status|sessions_list|sessions_history|sessions_yield|agents_list|canvas|todo|todowrite|todo_write|think|update_plan|tool_search|tool_describe)$/i],
];

export function toolKind(name: string): ToolKind {
  for (const [kind, re] of KINDS) if (re.test(name)) return kind;
  return 'unknown';
}

function str(p: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = p[k];
    if (typeof v === 'string' && v) return v;
  }
  return undefined;
}

export function commandOf(p: Record<string, unknown>): string | undefined {
  const s = str(p, 'command', 'cmd', 'script', 'input', 'code', 'commandLine');
  if (s) return s;
  for (const k of ['command', 'commands', 'argv', 'args']) {
    const v = p[k];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
      // An argv array: quote each word so the shell reader sees the same words.
      return k === 'commands' ? v.join('\n') : (v as string[]).map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
    }
  }
  return undefined;
}

export function pathOf(p: Record<string, unknown>): string | undefined {
  return str(p, 'path', 'file_path', 'filePath', 'file', 'filename', 'target_file', 'notebook_path', 'target', 'dir', 'directory');
}

const secretFinder = new Scrubber();

/**
 * Written text is checked for credentials over its first MAX_SCAN_CHARS only: a tool call may carry
 * megabytes (the supervisor accepts 8 MiB), and its reading must stay within the 50 ms budget whatever
 * the text (README, "Speed"). A credential further in is still scrubbed from everything recorded.
 */
export const MAX_SCAN_CHARS = 64 * 1024;

function holdsCredential(text: string, f: Findings): boolean {
  if (text.length > MAX_SCAN_CHARS) f.warnings.push(`${text.length} characters of written text; only the first ${MAX_SCAN_CHARS} were checked for credentials`);
  return secretFinder.contains(text.length > MAX_SCAN_CHARS ? text.slice(0, MAX_SCAN_CHARS) : text);
}

/** The lines a patch adds ('+' lines), joined, until `max` characters (one pass, no split of the whole body). */
function addedLines(patch: string, max: number): string {
  const out: string[] = [];
  let n = 0;
  for (let at = 0; at < patch.length && n <= max; ) {
    const eol = patch.indexOf('\n', at);
    const end = eol === -1 ? patch.length : eol;
    if (patch.charCodeAt(at) === 0x2b /* + */) {
      out.push(patch.slice(at, end));
      n += end - at + 1;
    }
    at = end + 1;
  }
  return out.join('\n');
}

/** Paths named by an apply_patch body (Codex/OpenClaw "*** Begin Patch" format or a unified diff). */
export function patchPaths(patch: string): Array<{ path: string; op: 'add' | 'update' | 'delete' | 'move' }> {
  const out: Array<{ path: string; op: 'add' | 'update' | 'delete' | 'move' }> = [];
  for (const m of patch.matchAll(/^\*\*\* (Add|Update|Delete) File: (.+)$/gm)) out.push({ path: m[2].trim(), op: m[1].toLowerCase() as 'add' | 'update' | 'delete' });
  for (const m of patch.matchAll(/^\*\*\* Move to: (.+)$/gm)) out.push({ path: m[1].trim(), op: 'move' });
  if (!out.length) {
    const minus = [...patch.matchAll(/^--- (?:a\/)?(.+?)(\t.*)?$/gm)].map((m) => m[1]);
    const plus = [...patch.matchAll(/^\+\+\+ (?:b\/)?(.+?)(\t.*)?$/gm)].map((m) => m[1]);
    plus.forEach((p, i) => {
      if (p === '/dev/null') out.push({ path: minus[i] ?? p, op: 'delete' });
      else out.push({ path: p, op: minus[i] === '/dev/null' ? 'add' : 'update' });
    });
  }
  return out;
}

export function analyzeTool(kind: ToolKind, fullToolName: string, p: Record<string, unknown>, f: Findings): void {
  const ctx = f.ctx;
  // The name is the model's: it goes into reasons, so it is shortened there.
  const toolName = fullToolName.length > 80 ? `${fullToolName.slice(0, 79)}…` : fullToolName;
  switch (kind) {
    case 'shell': {
      const command = commandOf(p);
      if (!command) {
        f.unknown(`${toolName} call without a command`);
        f.destructive(0.3, 'shell call whose command could not be read');
        return;
      }
      if (p.elevated === true || p.host === 'gateway' || p.host === 'node') {
        f.security(0.85, `${toolName} runs outside the sandbox (elevated / host=${String(p.host ?? 'gateway').slice(0, 80)})`);
        f.irreversible(0.2, 'runs outside the sandbox: the workspace snapshot does not cover its effects');
      }
      if (p.background === true || typeof p.yieldMs === 'number') f.cost(0.3, 'runs in the background');
      const timeout = typeof p.timeout === 'number' ? p.timeout : undefined;
      if (timeout !== undefined && (timeout === 0 || timeout > 900)) f.cost(0.4, timeout === 0 ? 'no timeout' : `timeout ${timeout} s`);
      const env = p.env && typeof p.env === 'object' ? Object.keys(p.env as object) : [];
      if (env.some((k) => /^(LD_PRELOAD|LD_LIBRARY_PATH|DYLD_\w+|PATH|NODE_OPTIONS|PYTHONPATH)$/.test(k))) f.security(0.5, `overrides ${env.join(', ')} for the command`);
      analyzeShell(command, f);
      return;
    }
    case 'process': {
      const action = String(p.action ?? p.op ?? toolName.replace(/^process_/, '')).toLowerCase();
      if (['kill', 'terminate', 'stop', 'signal', 'remove'].includes(action)) {
        f.destructive(0.4, `process ${action} stops a running process`);
        f.irreversible(0.3, 'a stopped process is not restored by a snapshot');
      } else if (['write', 'send', 'send-keys', 'send_keys', 'submit', 'paste', 'input'].includes(action)) {
        f.destructive(0.2, `process ${action} types into a running process`);
        f.unknown(`input to a running process: effects unknown`);
        const data = str(p, 'data', 'text', 'input', 'keys');
        if (data) analyzeShell(data, f);
      }
      return;
    }
    case 'write': {
      const target = pathOf(p);
      if (!target) return f.unknown(`${toolName} without a path`);
      const r = resolvePath(target, ctx, true);
      f.write(r);
      f.destructive(0.3, `replaces the whole of ${r.abs} if it exists`);
      const content = str(p, 'content', 'contents', 'text', 'data', 'file_text', 'new_source');
      if (content && holdsCredential(content, f)) f.security(0.5, 'the written content contains a credential');
      if (content && content.startsWith('#!') && /\.(sh|bash)$|\/bin\//.test(target)) f.security(0.2, 'writes an executable script');
      return;
    }
    case 'edit': {
      const target = pathOf(p);
      if (!target) return f.unknown(`${toolName} without a path`);
      const r = resolvePath(target, ctx, true);
      f.write(r);
      const all = p.replace_all === true || p.replaceAll === true;
      const edits = Array.isArray(p.edits) ? p.edits.length : 1;
      f.destructive(all ? 0.25 : 0.15, `edits ${all ? 'every match in' : 'part of'} ${r.abs}${edits > 1 ? ` (${edits} edits)` : ''}`);
      const added = [str(p, 'newText', 'new_string', 'new_str', 'replacement', 'content'), ...(Array.isArray(p.edits) ? p.edits.map((e: any) => (typeof e?.newText === 'string' ? e.newText : typeof e?.new_string === 'string' ? e.new_string : '')) : [])]
        .filter(Boolean)
        .join('\n');
      if (added && holdsCredential(added, f)) f.security(0.5, 'the edit inserts a credential');
      return;
    }
    case 'patch': {
      const body = str(p, 'input', 'patch', 'diff', 'content');
      if (!body) return f.unknown(`${toolName} without a patch`);
      const files = patchPaths(body);
      if (!files.length) f.unknown('patch names no file');
      for (const file of files) {
        const r = resolvePath(file.path, ctx, true);
        f.write(r);
        if (file.op === 'delete') f.destructive(0.5, `patch deletes ${r.abs}`);
        else f.destructive(0.15, `patch ${file.op === 'add' ? 'creates' : 'changes'} ${r.abs}`);
      }
      if (holdsCredential(addedLines(body, MAX_SCAN_CHARS), f)) f.security(0.5, 'the patch adds a credential');
      return;
    }
    case 'read': {
      const target = pathOf(p) ?? str(p, 'pattern', 'glob') ?? '.';
      f.read(resolvePath(target, ctx, true));
      f.cost(0.02, 'reads files');
      return;
    }
    case 'web': {
      const url = str(p, 'url', 'uri', 'href');
      if (url) {
        try {
          const u = new URL(url);
          f.net(u.hostname, u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80, false);
          if (/^(localhost|127\.|0\.0\.0\.0|\[?::1\]?|169\.254\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(u.hostname)) f.security(0.5, `fetches a local or private address (${u.hostname})`);
          if (u.protocol === 'file:') f.read(resolvePath(u.pathname, ctx, true));
        } catch {
          f.warnings.push('url is not a valid URL');
        }
        f.cost(0.3, `fetches ${url.slice(0, 80)}`);
      } else {
        f.net('search-provider', 443, false);
        f.cost(0.3, 'web search (network, provider quota)');
      }
      return;
    }
    case 'browser': {
      const action = String(p.action ?? '').toLowerCase();
      f.cost(0.5, 'drives a browser');
      if (/click|type|fill|submit|press|act|upload|evaluate/.test(action) || !action) {
        f.security(0.4, `browser ${action || 'action'} can submit forms or run page scripts`);
        f.irreversible(0.4, 'actions on remote sites cannot be undone by a snapshot');
      }
      const url = str(p, 'url', 'targetUrl');
      if (url) {
        try {
          f.net(new URL(url).hostname, null, false);
        } catch {
          /* not a URL */
        }
      }
      return;
    }
    case 'spawn':
      f.cost(/image|tts/i.test(toolName) ? 0.4 : 0.8, `${toolName} starts another model call or sub-agent (token cost)`);
      if (!/image|tts/i.test(toolName)) f.unknown('a sub-agent decides what it touches');
      return;
    case 'message':
      f.security(0.3, `${toolName} sends a message outside the run`);
      f.irreversible(0.2, 'a sent message cannot be unsent');
      f.cost(0.1, 'message delivery');
      return;
    case 'automation': {
      const t = toolName.toLowerCase();
      if (t === 'cron' || t === 'schedule') {
        f.security(0.7, 'schedules work to run later (persistence)');
        f.irreversible(0.3, 'scheduled jobs live outside the workspace');
      } else if (t === 'gateway' || t === 'openclaw') {
        f.security(0.8, "changes or restarts OpenClaw's gateway (configuration outside the workspace)");
        f.irreversible(0.3, 'gateway configuration lives outside the workspace');
      } else {
        f.security(0.7, `${toolName} controls paired devices`);
        f.irreversible(0.2, 'actions on other devices cannot be undone by a snapshot');
      }
      return;
    }
    case 'memory':
      return;
    case 'unknown':
    default:
      f.destructive(0.5, `unknown tool "${toolName}": scored conservatively`);
      f.security(0.5, `unknown tool "${toolName}": scored conservatively`);
      f.cost(0.5, `unknown tool "${toolName}": scored conservatively`);
      f.add('blast', 0.5, `unknown tool "${toolName}": scored conservatively`);
      f.irreversible(0.5, `unknown tool "${toolName}": scored conservatively`);
      // Still note the paths it names under the usual names (not every value: enumerating a parameter object of
      // 400,000 keys alone costs about 0.4 s, and the agent chooses the keys).
      for (const v of [pathOf(p), str(p, 'url', 'uri', 'src', 'source', 'dest', 'destination', 'from', 'to', 'output', 'input_path', 'output_path')]) {
        if (v && (v.startsWith('/') || v.startsWith('~/'))) f.read(resolvePath(v, ctx, true));
      }
      return;
  }
}

export function workdirOf(p: Record<string, unknown>, workspace: string): string {
  const w = str(p, 'workdir', 'cwd', 'working_directory', 'workingDirectory');
  return w ? path.resolve(workspace, w.slice(0, MAX_PATH_CHARS)) : workspace;
}
