/**
 * Helpers of the Phoenix mirror tests: what the store says Phoenix must hold,
 * a real demo run, the mirror as the extension runs it (`nemocog mirror
 * --follow --json --control-stdin` in a child process), and waiting.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { startDemoModel } from '../../src/core/demo';
import { branchToSpan, nodeToSpan, runToSpan, type SpanRecord } from '../../src/core/model/spans';
import type { Node } from '../../src/core/model/types';
import type { MirrorStatus } from '../../src/core/mirror';
import { runSupervised } from '../../src/core/run/supervisor';
import type { RunSummary } from '../../src/core/run/api';
import { Store } from '../../src/core/store/store';
import { storeDirFor } from '../../src/core/store/paths';
import { seedDemoWorkspace } from '../../src/cli/demoWorkspace';
import { DEMO_TASK } from '../../src/cli/commands/demo';

export const ROOT = path.resolve(__dirname, '../..');
export const CLI = path.join(ROOT, 'dist/cli.js');

export interface Expected {
  spans: Map<string, SpanRecord>;
  nodes: Node[];
  branches: number;
  runs: string[];
  lastSeq: number;
}

/** Every span the store implies: one per node, one per branch, one per run (only ended ones are mirrored). */
export async function expectedFromStore(ws: string): Promise<Expected> {
  const store = await Store.open(storeDirFor(ws), { readOnly: true });
  try {
    const spans = new Map<string, SpanRecord>();
    const nodes: Node[] = [];
    let branches = 0;
    const runs: string[] = [];
    for (const run of store.listRuns()) {
      runs.push(run.id);
      const r = runToSpan(run, run.endedAt ?? Date.now());
      spans.set(r.spanId, r);
      for (const b of store.branchesOf(run.id)) {
        branches++;
        const s = branchToSpan(b, b.sealedAt ?? Date.now());
        spans.set(s.spanId, s);
      }
      for (const n of store.nodesOfRun(run.id)) {
        nodes.push(n);
        const s = nodeToSpan(n);
        spans.set(s.spanId, s);
      }
    }
    return { spans, nodes, branches, runs, lastSeq: store.lastSeq };
  } finally {
    await store.close();
  }
}

/** The demo scenario (a kernel denial, then a recovery) with the real OpenClaw in the Landlock sandbox. */
export async function runDemo(ws: string, apiKey: string): Promise<RunSummary> {
  seedDemoWorkspace(ws);
  const model = await startDemoModel({ scenario: 'deny-and-recover', apiKey });
  try {
    return await runSupervised({ workspace: ws, task: DEMO_TASK, driver: 'local', model: { baseUrl: model.baseUrl, model: model.model, apiKey }, maxRecoveries: 2, timeoutMs: 240_000 });
  } finally {
    await model.close();
  }
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** `nemocog mirror` in a child process, as the extension starts it; its JSON lines are collected. */
export class MirrorProcess {
  readonly lines: Array<Record<string, unknown>> = [];
  readonly stderr: string[] = [];
  private exited: Promise<number | null>;
  private constructor(readonly proc: ChildProcess) {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      try {
        this.lines.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        this.stderr.push(`(stdout) ${l}`);
      }
    });
    createInterface({ input: proc.stderr! }).on('line', (l) => this.stderr.push(l));
    this.exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
  }

  static start(ws: string, args: string[], control: { apiKey?: string; secrets?: string[] } | null): MirrorProcess {
    const proc = spawn(process.execPath, [CLI, 'mirror', ws, '--json', ...(control ? ['--control-stdin'] : []), ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    });
    if (control) proc.stdin!.write(`${JSON.stringify(control)}\n`);
    else proc.stdin!.end();
    return new MirrorProcess(proc);
  }

  get statuses(): MirrorStatus[] {
    return this.lines.filter((l) => l.type === 'status' || l.type === 'done' || l.type === 'failed').map((l) => l.status as MirrorStatus);
  }

  get last(): MirrorStatus | undefined {
    const s = this.statuses;
    return s[s.length - 1];
  }

  send(line: string): void {
    this.proc.stdin!.write(`${line}\n`);
  }

  exit(): Promise<number | null> {
    return this.exited;
  }

  /** Closes its stdin (the extension host going away): it stops by itself. */
  async stop(): Promise<number | null> {
    this.proc.stdin!.end();
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 30_000);
    const code = await this.exited;
    clearTimeout(t);
    return code;
  }

  kill9(): Promise<number | null> {
    this.proc.kill('SIGKILL');
    return this.exited;
  }

  describe(): string {
    return `stdout:\n${this.lines.map((l) => JSON.stringify(l)).slice(-15).join('\n')}\nstderr:\n${this.stderr.slice(-15).join('\n')}`;
  }
}

/** Each id once (a Map of id → how many times Phoenix returned it). */
export function countIds(ids: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
  return m;
}
