/**
 * Read-only view over one OpenAI chat-completions request, so that scenarios
 * can react to what the agent actually sent (its tools, the task, the last
 * tool results) instead of assuming a fixed tool set. Everything here treats
 * the request as untrusted input: missing or odd fields simply yield empty
 * answers.
 */

export interface ChatMessage {
  role: string;
  content?: unknown;
  tool_calls?: Array<{ id?: string; type?: string; function?: { name?: string; arguments?: string } }>;
  tool_call_id?: string;
  name?: string;
}

export interface ToolDef {
  name: string;
  /** JSON-schema property names of the tool's parameters. */
  params: string[];
  required: string[];
}

/** Marker that NemoCognition's correction prompt carries; scenarios switch to their recovery script on it. */
export const RECOVERY_MARKER = 'NemoCognition recovery';
/** Marker of the prompt a user's fork starts with (core/recovery/forkPrompt.ts). */
export const FORK_MARKER = 'NemoCognition fork';

export class Conversation {
  readonly messages: ChatMessage[];
  readonly tools: ToolDef[];

  constructor(readonly body: Record<string, unknown>) {
    this.messages = Array.isArray(body.messages) ? (body.messages as ChatMessage[]).filter((m) => m && typeof m === 'object') : [];
    this.tools = parseTools(body.tools);
  }

  /** Index of the last user message written by a person (not agent-injected context), or -1. */
  private lastUserIndex(): number {
    for (let i = this.messages.length - 1; i >= 0; i--) if (this.messages[i].role === 'user' && !isInjectedContext(this.messages[i])) return i;
    return -1;
  }

  /** Text of every user message, joined (the task, and any correction prompt). */
  userText(): string {
    return this.messages.filter((m) => m.role === 'user' && !isInjectedContext(m)).map((m) => textOf(m.content)).join('\n');
  }

  /** Text of the last user message only. */
  lastUserText(): string {
    const i = this.lastUserIndex();
    return i < 0 ? '' : textOf(this.messages[i].content);
  }

  /** True when the current turn was started by NemoCognition's correction prompt. */
  isRecovery(): boolean {
    return this.lastUserText().includes(RECOVERY_MARKER);
  }

  /** True when the current turn was started by a user's fork (NemoCognition's fork prompt). */
  isFork(): boolean {
    return this.lastUserText().includes(FORK_MARKER);
  }

  /** The fork prompt's "New instruction:" paragraph, if this turn is a fork. */
  forkInstruction(): string {
    const m = /\nNew instruction:\n([\s\S]*?)\n\n/.exec(this.lastUserText());
    return m ? m[1]!.trim() : '';
  }

  /** Recovery attempt number announced by the correction prompt ("[NemoCognition recovery 2/3]", or "attempt 2"), if any. */
  recoveryAttempt(): number | undefined {
    const text = this.lastUserText();
    const m = new RegExp(`${RECOVERY_MARKER}\\s+(\\d+)\\s*/\\s*\\d+`).exec(text) ?? /attempt\s*#?\s*(\d+)/i.exec(text);
    return m ? Number(m[1]) : undefined;
  }

  /** How many assistant tool-call rounds happened since the last user message. */
  stepsThisTurn(): number {
    let n = 0;
    for (let i = this.lastUserIndex() + 1; i < this.messages.length; i++) {
      const m = this.messages[i];
      if (m.role === 'assistant' && Array.isArray(m.tool_calls) && m.tool_calls.length > 0) n++;
    }
    return n;
  }

  /** Tool results that follow the last assistant message (the answers to its tool calls). */
  lastToolResults(): string[] {
    const out: string[] = [];
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i];
      if (m.role === 'tool') out.unshift(textOf(m.content));
      else if (!isInjectedContext(m)) break;
    }
    return out;
  }

  /** Every tool result in the conversation, oldest first. */
  allToolResults(): string[] {
    return this.messages.filter((m) => m.role === 'tool').map((m) => textOf(m.content));
  }

  tool(name: string): ToolDef | undefined {
    return this.tools.find((t) => t.name === name);
  }

  /** The shell tool the agent offers (OpenClaw: `exec`), with the name of its command parameter. */
  execTool(): { name: string; commandParam: string } | undefined {
    const byName = ['exec', 'bash', 'shell', 'run_command', 'run_shell_command', 'terminal'];
    const t =
      byName.map((n) => this.tool(n)).find(Boolean) ??
      this.tools.find((x) => /exec|bash|shell|command/i.test(x.name) && x.params.some((p) => /^(command|cmd)$/.test(p)));
    if (!t) return undefined;
    return { name: t.name, commandParam: t.params.find((p) => /^(command|cmd)$/.test(p)) ?? 'command' };
  }

  /** The file read tool (OpenClaw: `read`), with the name of its path parameter. */
  readTool(): { name: string; pathParam: string } | undefined {
    const t = ['read', 'read_file', 'view', 'view_file'].map((n) => this.tool(n)).find(Boolean);
    if (!t) return undefined;
    return { name: t.name, pathParam: t.params.find((p) => /^(path|file_path|filePath|file|filename)$/.test(p)) ?? 'path' };
  }

  /** The whole-file write tool (OpenClaw: `write`), with its path and content parameter names. */
  writeTool(): { name: string; pathParam: string; contentParam: string } | undefined {
    const byName = ['write', 'write_file', 'create_file', 'file_write'];
    const t = byName.map((n) => this.tool(n)).find(Boolean) ?? this.tools.find((x) => /write/i.test(x.name));
    if (!t) return undefined;
    return {
      name: t.name,
      pathParam: t.params.find((p) => /^(path|file_path|filePath|file|filename)$/.test(p)) ?? 'path',
      contentParam: t.params.find((p) => /^(content|contents|text|data)$/.test(p)) ?? 'content',
    };
  }
}

/**
 * OpenClaw appends a user message of its own to every request (active exec
 * sessions, subagents) wrapped in these markers; it is context, not a turn.
 */
const INJECTED_CONTEXT = /^\s*<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>[\s\S]*<<<END_OPENCLAW_INTERNAL_CONTEXT>>>\s*$/;

function isInjectedContext(m: ChatMessage): boolean {
  return m.role === 'user' && INJECTED_CONTEXT.test(textOf(m.content));
}

function parseTools(raw: unknown): ToolDef[] {
  if (!Array.isArray(raw)) return [];
  const out: ToolDef[] = [];
  for (const t of raw) {
    const fn = (t && typeof t === 'object' ? (t as { function?: unknown }).function : undefined) as
      | { name?: unknown; parameters?: { properties?: unknown; required?: unknown } }
      | undefined;
    if (!fn || typeof fn.name !== 'string') continue;
    const props = fn.parameters && typeof fn.parameters.properties === 'object' && fn.parameters.properties ? Object.keys(fn.parameters.properties) : [];
    const required = Array.isArray(fn.parameters?.required) ? (fn.parameters.required as unknown[]).filter((x): x is string => typeof x === 'string') : [];
    out.push({ name: fn.name, params: props, required });
  }
  return out;
}

/** Flattens OpenAI content (a string or an array of parts) to text. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (typeof p === 'string' ? p : p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : ''))
      .join('');
  }
  return '';
}
