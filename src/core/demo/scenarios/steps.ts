import type { Conversation } from '../conversation';
import type { PlannedToolCall, ScenarioReply } from '../scenario';

/** Building blocks shared by the scenarios: each adapts to the tool names the agent offered. */

export class MissingToolError extends Error {}

export function shell(c: Conversation, command: string): PlannedToolCall {
  const t = c.execTool();
  if (!t) throw new MissingToolError(`the agent offered no shell tool (tools: ${c.tools.map((x) => x.name).join(', ') || 'none'})`);
  return { name: t.name, arguments: JSON.stringify({ [t.commandParam]: command }) };
}

/** Writes a file with the agent's write tool, or with its shell tool when it has no write tool. */
export function writeFile(c: Conversation, path: string, content: string): PlannedToolCall {
  const w = c.writeTool();
  if (w) return { name: w.name, arguments: JSON.stringify({ [w.pathParam]: path, [w.contentParam]: content }) };
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const quoted = content.replace(/'/g, `'\\''`);
  return shell(c, `${dir ? `mkdir -p '${dir}' && ` : ''}printf '%s' '${quoted}' > '${path}'`);
}

export function tools(...calls: PlannedToolCall[]): ScenarioReply {
  return { kind: 'tools', calls };
}

export function text(t: string): ScenarioReply {
  return { kind: 'text', text: t };
}

/** First line of the last tool result, trimmed, for the model's own narration. */
export function firstLine(results: string[]): string {
  const joined = results.join('\n').trim();
  const line = joined.split('\n').find((l) => l.trim()) ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

export const GREETING_TS = `export function greeting(name: string): string {\n  return \`Hello, \${name}!\`;\n}\n`;
export const README_LINE = 'Greeting helper: see src/greeting.ts.';
