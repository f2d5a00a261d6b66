/**
 * classifyToolCall: scores a tool call before it runs on five dimensions
 * (destructive, security-sensitive, cost, blast radius, reversibility), each
 * with reasons, plus the paths and hosts it can reach. Pure: reads nothing
 * from disk, so the same call always gets the same classification.
 */
import os from 'node:os';
import path from 'node:path';
import { Findings } from './findings';
import { analyzeTool, toolKind, workdirOf } from './tools';
import type { Classification, ClassifyInput } from './types';

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const round = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;

/**
 * Pulls the usual fields out of truncated or otherwise broken JSON, so a
 * malformed call is still read. A loop, not a regex: /"key"\s*:\s*"((?:[^"\\]|\\.)*)/
 * overflowed the regex stack (RangeError) on 10 M characters.
 */
function salvage(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['command', 'cmd', 'path', 'file_path', 'url', 'content', 'input', 'action']) {
    const raw = rawStringValue(text, key);
    if (raw === undefined) continue;
    try {
      out[key] = JSON.parse(`"${raw}"`);
    } catch {
      out[key] = raw;
    }
  }
  if (!Object.keys(out).length && !text.trim().startsWith('{')) out.command = text;
  return out;
}

const isJsonSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** The raw (still escaped) text of the first `"key": "..."` string in `text`, up to its closing quote or the end. */
function rawStringValue(text: string, key: string): string | undefined {
  const needle = `"${key}"`;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    let i = at + needle.length;
    while (isJsonSpace(text[i])) i++;
    if (text[i] !== ':') continue;
    i++;
    while (isJsonSpace(text[i])) i++;
    if (text[i] !== '"') continue;
    const start = ++i;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    return text.slice(start, Math.min(i, text.length));
  }
  return undefined;
}

function paramsObject(params: unknown, warnings: string[]): Record<string, unknown> {
  if (params && typeof params === 'object' && !Array.isArray(params)) return params as Record<string, unknown>;
  if (typeof params === 'string') {
    // Tool arguments straight from the model are a JSON string, and sometimes not valid JSON.
    try {
      const v = JSON.parse(params);
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      /* fall through */
    }
    warnings.push('tool arguments are not a JSON object (malformed tool call)');
    return salvage(params);
  }
  if (params !== undefined && params !== null) warnings.push('tool arguments are not an object');
  return {};
}

export function classifyToolCall(input: ClassifyInput): Classification {
  // OpenClaw's deferred tools are called through a meta-tool: tool_call {id: <tool>, args: {...}}. Judge the inner call.
  if (/^tool_call$/i.test(input.toolName)) {
    const warnings: string[] = [];
    const outer = paramsObject(input.params, warnings);
    const innerName = typeof outer.id === 'string' ? outer.id.replace(/^[\w-]{1,64}:/, '') : '';
    // Only one level: a tool_call naming tool_call again (however prefixed) is read as an unknown tool, not followed.
    if (innerName && !/^tool_call$/i.test(innerName)) {
      const inner = classifyToolCall({ ...input, toolName: innerName, params: outer.args ?? outer.arguments ?? {} });
      return { ...inner, toolName: input.toolName, commands: inner.commands, reasons: [`via tool_call → ${clip(String(outer.id), 120)}`, ...inner.reasons] };
    }
  }
  const workspace = path.resolve(input.workspace);
  const home = path.resolve(input.home ?? process.env.HOME ?? os.homedir());
  const warnings: string[] = [];
  const params = paramsObject(input.params, warnings);
  const kind = toolKind(input.toolName);
  const f = new Findings({ workspace, cwd: workdirOf(params, workspace), home });
  f.warnings.push(...warnings);
  if (warnings.length && kind !== 'shell') f.add('blast', 0.4, 'malformed tool arguments');
  analyzeTool(kind, input.toolName, params, f);
  f.finish();

  const writes = [...f.writes.keys()];
  const outside = f.outsideWorkspace();
  const recursive = [...f.writes.values()].some((w) => w.recursive);
  const globs = [...f.writes.values()].some((w) => w.glob);
  const c: Classification = {
    toolName: input.toolName,
    kind,
    destructive: { score: round(f.scores.destructive), reasons: f.reasons.destructive.length ? f.reasons.destructive : ['deletes or overwrites nothing'] },
    securitySensitive: { score: round(f.scores.security), reasons: f.reasons.security.length ? f.reasons.security : ['touches nothing security-relevant'] },
    cost: { score: round(Math.max(f.scores.cost, 0.02)), reasons: f.reasons.cost.length ? f.reasons.cost : ['a single local tool call'] },
    blastRadius: {
      score: round(f.scores.blast),
      reasons: f.reasons.blast.length ? f.reasons.blast : ['changes no file'],
      paths: writes,
      outsideWorkspace: outside,
      recursive,
      globs,
      unknownTargets: f.unknownTargets,
    },
    reversibility: {
      score: round(f.reversibility),
      reversible: f.reversibility >= 0.7,
      reasons: f.reasons.reversibility.length ? f.reasons.reversibility : ['changes nothing a snapshot would need to undo'],
    },
    writes,
    reads: [...f.reads],
    network: f.network,
    commands: [...new Set(f.commands)],
    risk: 0,
    reasons: [],
    parseWarnings: f.warnings,
  };
  c.risk = round(Math.max(c.destructive.score, c.securitySensitive.score, c.cost.score, c.blastRadius.score, 1 - c.reversibility.score));
  c.reasons = [
    ...f.reasons.destructive.map((r) => `destructive: ${r}`),
    ...f.reasons.security.map((r) => `security: ${r}`),
    ...f.reasons.cost.map((r) => `cost: ${r}`),
    ...f.reasons.blast.map((r) => `blast radius: ${r}`),
    ...f.reasons.reversibility.map((r) => `reversibility: ${r}`),
  ];
  return c;
}
