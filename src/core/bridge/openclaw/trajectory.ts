import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { buildExportTrajectoryCommand } from './command';
import type { OpenClawPaths } from './config';
import type { AgentRuntime } from './runtime';
import { localSpawner, type Spawner } from './spawner';

/**
 * Reads a finished session back from OpenClaw as its trajectory export
 * (`traceSchema: "openclaw-trajectory"`, one JSON event per line: user.message,
 * assistant.message, tool.call, tool.result, model.completed, ...). Events
 * come from two sources, "transcript" and "runtime", so a tool call appears
 * once in each.
 */

export interface TrajectoryEvent {
  traceSchema: string;
  schemaVersion: number;
  traceId: string;
  source: string;
  type: string;
  ts: string;
  seq: number;
  [k: string]: unknown;
}

export interface TrajectoryExport {
  outputDir: string;
  sessionId: string;
  files: string[];
  events: TrajectoryEvent[];
}

const MAX_EVENTS_BYTES = 64 * 1024 * 1024;

export async function exportTrajectory(opts: { runtime: AgentRuntime; paths: OpenClawPaths; sessionId: string; name: string; spawner?: Spawner; timeoutMs?: number }): Promise<TrajectoryExport> {
  const exportRoot = join(opts.paths.rootDir, 'exports');
  mkdirSync(exportRoot, { recursive: true, mode: 0o700 });
  const cmd = buildExportTrajectoryCommand(opts.runtime, opts.paths, opts.sessionId, exportRoot, opts.name);
  const res = await (opts.spawner ?? localSpawner)(cmd.argv, cmd.env, { cwd: cmd.cwd, env: cmd.env, timeoutMs: opts.timeoutMs ?? 120_000, maxStdoutBytes: 1024 * 1024 });
  if (res.exitCode !== 0) throw new Error(`Exporting the agent's session ${opts.sessionId} failed (exit ${res.exitCode ?? res.signal}): ${res.stderr.trim().split('\n').pop() ?? ''}`);
  let out: { outputDir?: unknown; sessionId?: unknown; files?: unknown };
  try {
    out = JSON.parse(res.stdout.slice(res.stdout.indexOf('{')));
  } catch {
    throw new Error(`The session export printed no JSON summary (${res.stdout.slice(0, 80)}).`);
  }
  const outputDir = typeof out.outputDir === 'string' ? resolve(out.outputDir) : '';
  // The path comes from the agent's process: accept it only inside our export folder.
  if (!outputDir || relative(exportRoot, outputDir).startsWith('..')) throw new Error(`The session export went to an unexpected place (${String(out.outputDir)}).`);
  const text = readFileSync(join(outputDir, 'events.jsonl'), 'utf8');
  if (text.length > MAX_EVENTS_BYTES) throw new Error('The session export is too large to read.');
  const events = text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as TrajectoryEvent);
  return { outputDir, sessionId: String(out.sessionId ?? opts.sessionId), files: Array.isArray(out.files) ? out.files.map(String) : [], events };
}
