/**
 * The Phoenix mirror as the extension runs it: `nemocog mirror <ws> --follow
 * --json --control-stdin` in a child process (the extension host's own
 * runtime with ELECTRON_RUN_AS_NODE=1, as language servers are started), so
 * that a run in this window never shares an event loop with it. The Phoenix
 * key and the secrets to scrub travel on its stdin, never in argv or the
 * environment; a "retry" line retries at once; closing stdin stops it. Its
 * JSON lines are status updates. No `vscode` import: testable in Node.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { MirrorStatus } from '../../core/mirror/status';

export interface MirrorLaunch {
  /** The bundled CLI (`<extension>/dist/cli.js`). */
  cliPath: string;
  /** The runtime that runs it (the extension host's `process.execPath`). */
  execPath: string;
  workspace: string;
  storeDir: string;
  endpoint: string;
  project: string;
  apiKey?: string;
  secrets: string[];
}

export interface MirrorProcessEvents {
  status(s: MirrorStatus): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** The process ended: code 4 = another process mirrors this workspace to that project. */
  exit(code: number | null, signal: NodeJS.Signals | null, stderrTail: string): void;
}

/** Exit code of `nemocog mirror` when another process holds the target's lock. */
export const MIRROR_BUSY_EXIT = 4;

export class MirrorProcess {
  private readonly stderr: string[] = [];
  private ended = false;

  private constructor(private readonly proc: ChildProcess) {}

  static start(l: MirrorLaunch, on: MirrorProcessEvents): MirrorProcess {
    const args = [l.cliPath, 'mirror', l.workspace, '--follow', '--json', '--control-stdin', '--endpoint', l.endpoint, '--project', l.project, '--store', l.storeDir];
    const proc = spawn(l.execPath, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      // A clean environment: the mirror needs no credentials from it (they come on stdin).
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '', LANG: process.env.LANG ?? 'C.UTF-8', ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
    const mp = new MirrorProcess(proc);
    proc.stdin!.on('error', () => undefined); // EPIPE if it died: reported by 'exit'
    proc.stdin!.write(`${JSON.stringify({ ...(l.apiKey ? { apiKey: l.apiKey } : {}), secrets: l.secrets })}\n`);
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      let msg: { type?: string; status?: MirrorStatus; level?: 'info' | 'warn' | 'error'; message?: string };
      try {
        msg = JSON.parse(line);
      } catch {
        on.log('warn', `mirror: ${line}`);
        return;
      }
      if (msg.status && (msg.type === 'status' || msg.type === 'done' || msg.type === 'failed')) on.status(msg.status);
      else if (msg.type === 'log' && msg.message) on.log(msg.level ?? 'info', msg.message);
    });
    createInterface({ input: proc.stderr! }).on('line', (line) => {
      mp.stderr.push(line);
      if (mp.stderr.length > 20) mp.stderr.shift();
    });
    proc.once('error', (err) => on.log('error', `The Phoenix mirror process could not start: ${err.message}`));
    proc.once('exit', (code, signal) => {
      mp.ended = true;
      on.exit(code, signal, mp.stderr.join('\n'));
    });
    return mp;
  }

  get running(): boolean {
    return !this.ended;
  }

  retryNow(): void {
    if (!this.ended) this.proc.stdin!.write('retry\n');
  }

  /** Closes its stdin (it stops by itself, releasing its lock); SIGKILL if it is still there after `graceMs`. */
  stop(graceMs = 5_000): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
      this.proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      this.proc.stdin!.end();
    });
  }
}
