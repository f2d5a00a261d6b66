/**
 * The real Arize Phoenix for tests and the benchmark: the pinned venv that
 * .ci/install-phoenix.mjs puts under .cache/phoenix, started on 127.0.0.1
 * with a private working dir (SQLite lives there: data survives a restart),
 * random HTTP and gRPC ports (gRPC binds every interface whatever
 * PHOENIX_HOST says) and telemetry off. Stopped by the caller, and killed at
 * process exit whatever happens, so no Phoenix outlives its test.
 */
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './ports';

export { freePort };

/** The repository root (this file also runs bundled, from dist/bench.js). */
const ROOT = ((): string => {
  for (let d = __dirname; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.ci', 'install-phoenix.mjs'))) return d;
    if (path.dirname(d) === d) return path.resolve(__dirname, '../..');
  }
})();

export interface PhoenixInstall {
  phoenix: string;
  installed: boolean;
  version: string;
}

export function phoenixInstall(): PhoenixInstall {
  const out = execFileSync(process.execPath, [path.join(ROOT, '.ci/install-phoenix.mjs'), '--print'], { encoding: 'utf8' });
  const j = JSON.parse(out) as { phoenix: string; installed: boolean; version: string };
  return { phoenix: j.phoenix, installed: j.installed, version: j.version };
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) {
    try {
      if (p.pid) process.kill(-p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export class PhoenixServer {
  private proc: ChildProcess | null = null;
  private logFd: number | null = null;
  readonly url: string;

  private constructor(
    readonly install: PhoenixInstall,
    readonly workDir: string,
    readonly port: number,
    readonly grpcPort: number,
    private readonly ownsDir: boolean,
    private readonly extraEnv: Record<string, string> = {},
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts a Phoenix and waits until /healthz answers (it takes about 11 s here; up to 180 s allowed). */
  static async start(opts: { workDir?: string; env?: Record<string, string> } = {}): Promise<PhoenixServer> {
    const install = phoenixInstall();
    if (!install.installed) throw new Error(`Phoenix is not installed (run: node .ci/install-phoenix.mjs)`);
    const workDir = opts.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'nc-phoenix-'));
    const server = new PhoenixServer(install, workDir, await freePort(), await freePort('0.0.0.0'), !opts.workDir, opts.env);
    await server.launch();
    return server;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  get logFile(): string {
    return path.join(this.workDir, 'phoenix.log');
  }

  /** Starts (again) on the same ports and working dir. */
  async launch(): Promise<void> {
    if (this.running) return;
    fs.mkdirSync(this.workDir, { recursive: true });
    this.logFd = fs.openSync(this.logFile, 'a');
    const proc = spawn(this.install.phoenix, ['serve'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: this.workDir,
        LANG: 'C.UTF-8',
        PHOENIX_WORKING_DIR: this.workDir,
        PHOENIX_HOST: '127.0.0.1',
        PHOENIX_PORT: String(this.port),
        PHOENIX_GRPC_PORT: String(this.grpcPort),
        PHOENIX_TELEMETRY_ENABLED: 'false',
        ...this.extraEnv,
      },
      stdio: ['ignore', this.logFd, this.logFd],
      detached: true, // its own process group: stop() reaches the whole tree
    });
    this.proc = proc;
    running.add(proc);
    proc.once('exit', () => running.delete(proc));
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (!this.running) throw new Error(`Phoenix exited during start-up (code ${proc.exitCode}, signal ${proc.signalCode}); log:\n${this.tail()}`);
      try {
        const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (res.ok) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`Phoenix did not answer /healthz within 180 s; log:\n${this.tail()}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  tail(lines = 40): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  private async waitExit(ms: number): Promise<boolean> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return true;
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), ms);
      p.once('exit', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.proc?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, sig);
    } catch {
      // gone
    }
  }

  /** SIGTERM (Phoenix stops in about 2.4 s), SIGKILL after 30 s. */
  async stop(): Promise<void> {
    this.signal('SIGTERM');
    if (!(await this.waitExit(30_000))) {
      this.signal('SIGKILL');
      await this.waitExit(10_000);
    }
    this.closeLog();
  }

  /** SIGKILL, as a crash: whatever Phoenix queued in memory is lost. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.waitExit(10_000);
    this.closeLog();
  }

  private closeLog(): void {
    if (this.logFd !== null) fs.closeSync(this.logFd);
    this.logFd = null;
    this.proc = null;
  }

  /** Stops it and removes its working dir when the server created it. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.ownsDir) fs.rmSync(this.workDir, { recursive: true, force: true });
  }

  // ---- reading back (REST) ------------------------------------------------

  async json<T>(pathAndQuery: string): Promise<T> {
    const res = await fetch(`${this.url}${pathAndQuery}`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`GET ${pathAndQuery}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** Raw text of a GET (for "appears nowhere in what Phoenix returns"). */
  async text(pathAndQuery: string, init: RequestInit = {}): Promise<string> {
    const res = await fetch(`${this.url}${pathAndQuery}`, { ...init, signal: AbortSignal.timeout(30_000) });
    return res.text();
  }

  /** Every span of a project (all pages), as Phoenix's REST API returns them. */
  async spans(project: string, query = ''): Promise<PhoenixSpan[]> {
    const out: PhoenixSpan[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `limit=1000${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: { data: PhoenixSpan[]; next_cursor: string | null } = await this.json(`/v1/projects/${encodeURIComponent(project)}/spans?${q}`);
      out.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor);
    return out;
  }
}

export interface PhoenixSpan {
  id: string;
  name: string;
  context: { trace_id: string; span_id: string };
  span_kind: string;
  parent_id: string | null;
  start_time: string;
  end_time: string;
  status_code: string;
  status_message: string;
  attributes: Record<string, unknown>;
  events: unknown[];
}
