import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecOptions, ExecResult, SandboxDriver, SandboxSpec } from '../../../src/core/sandbox/driver';
import { AgentTurnError, runAgentTurn } from '../../../src/core/bridge/openclaw/runner';
import { driverSpawner, localSpawner, type Spawner } from '../../../src/core/bridge/openclaw/spawner';

/**
 * The runner over real processes: small Node scripts that behave like the
 * agent does in each fault (prints an envelope, hangs, dies, floods stdout).
 */
const FIXTURE = join(__dirname, 'fixtures', 'agent-envelope-blocked-2026.9.6.json');

function cmd(script: string, cwd: string) {
  return { argv: [process.execPath, '-e', script], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', FIXTURE }, cwd };
}

async function failure(p: Promise<unknown>): Promise<AgentTurnError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AgentTurnError, `expected AgentTurnError, got ${String(e)}`);
    return e;
  }
  throw new Error('expected the turn to fail');
}

/** Alive and not a zombie (an orphan may wait a moment to be reaped by init). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitDead(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

describe('agent turn runner', function () {
  this.timeout(30_000);
  let tmp: string;
  beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'nc-runner-'))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('returns the parsed envelope, exit code, stderr tail and duration', async () => {
    const r = await runAgentTurn({ command: cmd(`console.error('[agents] starting'); console.log('[log] noise'); process.stdout.write(require('fs').readFileSync(process.env.FIXTURE, 'utf8'));`, tmp) });
    assert.equal(r.exitCode, 0);
    assert.equal(r.envelope.meta.agentMeta.sessionId, 's1');
    assert.match(r.stderrTail, /\[agents\] starting/);
    assert.ok(r.durationMs > 0);
  });

  it('a timeout stops the whole process group', async () => {
    const pidFile = join(tmp, 'child.pid');
    const script = `const c = require('child_process').spawn('sleep', ['60'], { stdio: 'ignore' }); require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); setInterval(() => {}, 1000);`;
    const e = await failure(runAgentTurn({ command: cmd(script, tmp), timeoutMs: 700 }));
    assert.equal(e.kind, 'timed-out');
    assert.match(e.message, /did not finish within 1 s/);
    const childPid = Number(readFileSync(pidFile, 'utf8'));
    assert.equal(await waitDead(childPid, 3000), true, 'the agent\'s tool process survived the timeout');
  });

  it('cancellation via AbortSignal; SIGKILL when SIGTERM is ignored', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const t0 = Date.now();
    const e = await failure(runAgentTurn({ command: cmd(`process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`, tmp), signal: ac.signal }));
    assert.equal(e.kind, 'cancelled');
    assert.ok(Date.now() - t0 >= 3000, 'SIGKILL came before the grace period');
  });

  it('an agent killed from outside', async () => {
    const e = await failure(runAgentTurn({ command: cmd(`process.kill(process.pid, 'SIGKILL')`, tmp) }));
    assert.equal(e.kind, 'killed');
    assert.equal(e.details.signal, 'SIGKILL');
  });

  it('exit status 128+n without an envelope (a wrapper whose child was killed) is a kill', async () => {
    const e = await failure(runAgentTurn({ command: cmd(`process.exit(137)`, tmp) }));
    assert.equal(e.kind, 'killed');
    assert.equal(e.details.signal, 'SIGKILL');
    assert.match(e.message, /killed by SIGKILL \(exit status 137\)/);
  });

  it('a non-zero exit without an envelope says what the agent printed last', async () => {
    const e = await failure(runAgentTurn({ command: cmd(`console.error('Error: node:sqlite is unavailable'); process.exit(1)`, tmp) }));
    assert.equal(e.kind, 'failed');
    assert.match(e.message, /exited with code 1.*node:sqlite is unavailable/);
  });

  it('quotes OpenClaw\'s "Reason:" line rather than its help hint', async () => {
    const script = `console.error('[openclaw] The CLI command failed.\\n[openclaw] Reason: Thinking level "adaptive" is not supported for nemocog/demo. Use one of: off.\\n[openclaw] Help: openclaw --help'); process.exit(1)`;
    const e = await failure(runAgentTurn({ command: cmd(script, tmp) }));
    assert.match(e.message, /Reason: Thinking level "adaptive" is not supported/);
  });

  it('garbage on stdout is a malformed envelope', async () => {
    const e = await failure(runAgentTurn({ command: cmd(`console.log('hello, not json')`, tmp) }));
    assert.equal(e.kind, 'malformed-envelope');
    assert.equal(e.details.envelopeError?.kind, 'malformed');
  });

  it('a flood of stdout is cut at the cap and refused as too large', async () => {
    const e = await failure(runAgentTurn({ command: cmd(`const s = 'x'.repeat(1 << 20); for (let i = 0; i < 12; i++) process.stdout.write(s);`, tmp), maxEnvelopeBytes: 10 * 1024 * 1024 }));
    assert.equal(e.kind, 'malformed-envelope');
    assert.equal(e.details.envelopeError?.kind, 'too-large');
  });

  it('a spawn failure is typed and says how to fix it', async () => {
    const e = await failure(runAgentTurn({ command: { argv: [join(tmp, 'no-such-node')], env: {}, cwd: tmp } }));
    assert.equal(e.kind, 'spawn-failed');
    assert.match(e.message, /ENOENT.*install-agent-runtime/);
  });

  it('an injected spawner wraps the argv (as a sandbox driver does)', async () => {
    const seen: Array<{ argv: string[]; opts: ExecOptions }> = [];
    const wrapping: Spawner = (argv, env, opts) => {
      seen.push({ argv, opts });
      return localSpawner(['env', ...argv], env, opts);
    };
    const r = await runAgentTurn({ command: cmd(`process.stdout.write(require('fs').readFileSync(process.env.FIXTURE, 'utf8'))`, tmp), spawner: wrapping, extraReadWrite: ['/state'] });
    assert.equal(r.envelope.meta.stopReason, 'stop');
    assert.equal(seen[0].argv[0], process.execPath);
    assert.deepEqual(seen[0].opts.extraReadWrite, ['/state']);
    assert.equal(seen[0].opts.maxStdoutBytes, 10 * 1024 * 1024 + 1);
  });

  it('driverSpawner passes the env inside ExecOptions to driver.exec', async () => {
    // A recording stand-in for a SandboxDriver (the real drivers are tested in test/core/sandbox).
    const calls: Array<{ spec: SandboxSpec; argv: string[]; opts?: ExecOptions }> = [];
    const driver: SandboxDriver = {
      kind: 'none',
      checkAvailable: async () => undefined,
      exec: async (spec, argv, opts): Promise<ExecResult> => {
        calls.push({ spec, argv, opts });
        return localSpawner(argv, opts?.env ?? {}, opts ?? {});
      },
    };
    const spec: SandboxSpec = { name: 'nc-test', workdir: tmp, policy: { name: 'p', readOnly: [], readWrite: [tmp], egress: [] } };
    const r = await runAgentTurn({ command: cmd(`process.stdout.write(require('fs').readFileSync(process.env.FIXTURE, 'utf8'))`, tmp), spawner: driverSpawner(driver, spec) });
    assert.equal(r.exitCode, 0);
    assert.equal(calls[0].spec.name, 'nc-test');
    assert.equal(calls[0].opts?.env?.FIXTURE, FIXTURE);
    assert.equal(existsSync(tmp), true);
  });
});
