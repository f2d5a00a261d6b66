/** Short, human labels for tool calls, and the limits on what a span carries. */

/**
 * "exec: npm test", "write: src/a.ts". Model output is untrusted: this is text, never markup.
 * `scrub` runs on the whole detail before it is shortened, so a secret cut at the end leaves no fragment.
 */
export function describeToolCall(toolName: string, params: unknown, scrub: (s: string) => string = (s) => s): string {
  const p = (params && typeof params === 'object' ? params : {}) as Record<string, unknown>;
  const pick = ['command', 'cmd', 'path', 'file_path', 'filePath', 'file', 'url', 'query'].map((k) => p[k]).find((v) => typeof v === 'string') as string | undefined;
  const detail = pick ? scrub(pick).replace(/\s+/g, ' ').trim() : '';
  const label = detail ? `${toolName}: ${detail}` : toolName;
  return label.length > 120 ? `${label.slice(0, 119)}…` : label;
}

/** The agent's memory and state files: OpenClaw's workspace memory (MEMORY.md, memory/), and notes it keeps (NOTES.md, notes/). */
export function isMemoryPath(rel: string): boolean {
  return /^(MEMORY\.md|memory\/.*|\.openclaw\/memory\/.*|NOTES\.md|notes\/.*)$/i.test(rel);
}
