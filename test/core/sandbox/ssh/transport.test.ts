import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { SshError } from '../../../../src/core/sandbox/ssh/errors';
import { SshTransport } from '../../../../src/core/sandbox/ssh/transport';
import { freePort, startSshd, type TestSshd } from '../../../support/sshd';

describe('SshTransport over a real sshd on 127.0.0.1', function () {
  this.timeout(180_000);
  let sshd: TestSshd;
  let transport: SshTransport;
  let tmp: string;

  before(async () => {
    sshd = await startSshd();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-ssh-test-'));
  });
  beforeEach(() => {
    transport = new SshTransport({ host: sshd.alias, configFile: sshd.configFile });
  });
  afterEach(async () => {
    await transport.close();
  });
  after(async () => {
    await sshd?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('runs a real command remotely and returns its output and exit code', async () => {
    const r = await transport.exec(['sh', '-c', 'echo "host=$(hostname)"; echo oops >&2; exit 3']);
    assert.equal(r.exitCode, 3);
    assert.equal(r.stdout, `host=${os.hostname()}\n`);
    assert.equal(r.stderr, 'oops\n', 'the pid marker line is stripped from stderr');
    assert.equal(r.timedOut, false);
  });

  it('passes nasty arguments through the remote shell byte for byte', async () => {
    const nasty = [
      'two words',
      "it's",
      '"double"',
      '$HOME and ${PATH} and $(id) and `id`',
      'line1\nline2\n',
      'back\\slash',
      '*',
      ';& | > < ( ) { }',
      '',
      '-n',
      'tab\there',
      'ünïcödé ✓',
    ];
    const r = await transport.exec(['node', '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...nasty]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), nasty);
  });

  it('applies cwd, env and stdin', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'cwd with space-'));
    const r = await transport.exec(['sh', '-c', 'pwd; printf "%s|" "$NC_A" "$NC_B"; cat'], {
      cwd: dir,
      env: { NC_A: "va'l $x", NC_B: 'b\nc' },
      stdin: 'from stdin',
    });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, `${dir}\nva'l $x|b\nc|from stdin`);
  });

  it('streams output as it arrives and caps captured stdout', async () => {
    const chunks: string[] = [];
    const r = await transport.exec(['sh', '-c', 'echo first; sleep 0.3; echo second'], {
      onOutput: (s, c) => s === 'stdout' && chunks.push(c),
    });
    assert.equal(r.stdout, 'first\nsecond\n');
    assert.ok(chunks.length >= 2, `expected streamed chunks, got ${JSON.stringify(chunks)}`);
    const big = await transport.exec(['sh', '-c', 'head -c 100000 /dev/zero | tr "\\0" a'], { maxStdoutBytes: 1000 });
    assert.equal(big.stdout.length, 1000);
    assert.equal(big.truncated, true);
  });

  it('reuses one connection: a ControlMaster socket exists and every later command goes through the same master', async () => {
    const t0 = Date.now();
    await transport.exec(['true']);
    const first = Date.now() - t0;
    assert.ok(fs.existsSync(transport.controlPath), 'control socket exists');
    assert.equal(fs.statSync(transport.controlDir).mode & 0o777, 0o700);
    const masterPid = await transport.masterPid();
    assert.ok(masterPid && masterPid > 0);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = Date.now();
      await transport.exec(['true']);
      times.push(Date.now() - t);
    }
    times.sort((a, b) => a - b);
    // How much faster reuse is belongs in a benchmark, not in a unit test on a loaded machine: printed, not asserted.
    console.log(`      first command ${first} ms (opens the master), reused median ${times[2]} ms`);
    assert.equal(await transport.masterPid(), masterPid, 'same master connection throughout');
    await transport.close();
    assert.equal(fs.existsSync(transport.controlDir), false, 'close removes the control folder');
  });

  it('times out: kills the remote process group and reports timedOut', async () => {
    const marker = path.join(tmp, `timeout-${Date.now()}`);
    const r = await transport.exec(['sh', '-c', `sleep 30 & echo $! > ${marker}; wait`], { timeoutMs: 700 });
    assert.equal(r.timedOut, true);
    const childPid = Number(fs.readFileSync(marker, 'utf8'));
    await waitFor(() => !alive(childPid), 3000, 'remote sleep should be killed with its group');
  });

  it('cancels through an AbortSignal and kills the remote side', async () => {
    const marker = path.join(tmp, `cancel-${Date.now()}`);
    const ac = new AbortController();
    const p = transport.exec(['sh', '-c', `echo $$ > ${marker}; sleep 30`], { signal: ac.signal });
    await waitFor(() => fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() !== '', 5000, 'started');
    const pid = Number(fs.readFileSync(marker, 'utf8'));
    ac.abort();
    const r = await p;
    assert.equal(r.cancelled, true);
    await waitFor(() => !alive(pid), 3000, 'remote process should be gone after cancel');
  });

  it('reverse-forwards a remote port to a local HTTP server', async () => {
    const server = http.createServer((req, res) => res.end(`gateway saw ${req.url}`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const localPort = (server.address() as { port: number }).port;
    try {
      const remotePort = await transport.forwardRemote(0, localPort);
      assert.ok(remotePort > 0 && remotePort !== localPort);
      const r = await transport.exec([
        'node',
        '-e',
        `fetch('http://127.0.0.1:${remotePort}/v1/models').then(r => r.text()).then(t => process.stdout.write(t))`,
      ]);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.equal(r.stdout, 'gateway saw /v1/models');
      const fixed = await freePort();
      assert.equal(await transport.forwardRemote(fixed, localPort), fixed);
      await transport.cancelForward(fixed);
    } finally {
      server.close();
    }
  });

  it('uploads and downloads files and folders with tar over the connection', async () => {
    const src = path.join(tmp, 'up src');
    fs.mkdirSync(path.join(src, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(src, 'a.txt'), 'alpha');
    fs.writeFileSync(path.join(src, 'sub', 'b.bin'), Buffer.from([0, 1, 2, 255]));
    fs.chmodSync(path.join(src, 'a.txt'), 0o750);
    const remoteDir = path.join(tmp, 'remote side');
    await transport.upload(src, remoteDir);
    assert.equal(fs.readFileSync(path.join(remoteDir, 'up src', 'a.txt'), 'utf8'), 'alpha');
    assert.equal(fs.statSync(path.join(remoteDir, 'up src', 'a.txt')).mode & 0o777, 0o750);
    const back = path.join(tmp, 'back');
    await transport.download(path.join(remoteDir, 'up src'), back);
    assert.deepEqual(fs.readFileSync(path.join(back, 'up src', 'sub', 'b.bin')), Buffer.from([0, 1, 2, 255]));
    await assert.rejects(transport.download(path.join(remoteDir, 'missing'), back), (e: unknown) => {
      assert.ok(e instanceof SshError);
      assert.equal(e.kind, 'transfer-failed');
      return true;
    });
  });

  it('reports a remote death by signal as the signal, and runs argv[0] as a program', async () => {
    const killed = await transport.exec(['sh', '-c', 'echo partial; kill -TERM $$']);
    assert.equal(killed.exitCode, null);
    assert.equal(killed.signal, 'SIGTERM');
    assert.equal(killed.stdout, 'partial\n');
    const rs = await transport.exec(['sh', '-c', 'printf "a\\036b\\036nc_x\\n" >&2; exit 4']);
    assert.equal(rs.exitCode, 4);
    assert.equal(rs.stderr, 'a\u001eb\u001enc_x\n', 'other RS bytes in stderr pass through unchanged');
    // `exit` is a shell builtin, not a program: argv never reaches the remote shell as shell syntax.
    const builtin = await transport.exec(['exit', '3']);
    assert.equal(builtin.exitCode, 127);
  });

  it('keeps a remote exit code 255 apart from a transport failure', async () => {
    const r = await transport.exec(['sh', '-c', 'exit 255']);
    assert.equal(r.exitCode, 255);
  });

  it('reports a refused connection (wrong port) as SshError kind "refused" with a fix', async () => {
    const port = await freePort();
    const cfg = path.join(tmp, 'refused_config');
    fs.writeFileSync(
      cfg,
      fs.readFileSync(sshd.configFile, 'utf8').replace(/Port \d+/, `Port ${port}`),
    );
    const t = new SshTransport({ host: sshd.alias, configFile: cfg });
    try {
      await assert.rejects(t.exec(['true']), (e: unknown) => {
        assert.ok(e instanceof SshError, String(e));
        assert.equal(e.kind, 'refused');
        assert.match(e.message, /check that sshd runs/i);
        return true;
      });
    } finally {
      await t.close();
    }
  });

  it('reports a key the server does not accept as kind "auth"', async () => {
    const cfg = path.join(tmp, 'auth_config');
    const otherKey = path.join(tmp, 'other_key');
    fs.rmSync(otherKey, { force: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    fs.writeFileSync(cfg, fs.readFileSync(sshd.configFile, 'utf8').replace(/IdentityFile .*/, `IdentityFile ${otherKey}`));
    const t = new SshTransport({ host: sshd.alias, configFile: cfg });
    try {
      await assert.rejects(t.exec(['true']), (e: unknown) => {
        assert.ok(e instanceof SshError, String(e));
        assert.equal(e.kind, 'auth');
        assert.match(e.message, /authorized_keys/);
        return true;
      });
    } finally {
      await t.close();
    }
  });

  it('reports an unknown host alias as kind "host-unknown"', async () => {
    const t = new SshTransport({ host: 'nc-no-such-host.invalid', configFile: sshd.configFile });
    try {
      await assert.rejects(t.exec(['true']), (e: unknown) => e instanceof SshError && e.kind === 'host-unknown');
    } finally {
      await t.close();
    }
  });
});

describe('SshTransport when sshd dies mid-command', function () {
  this.timeout(180_000);
  it('throws SshError kind "dropped"', async () => {
    const sshd = await startSshd();
    const t = new SshTransport({ host: sshd.alias, configFile: sshd.configFile });
    try {
      await t.exec(['true']);
      const p = t.exec(['sh', '-c', 'echo started; sleep 30']);
      await new Promise((r) => setTimeout(r, 500));
      sshd.killAll();
      await assert.rejects(p, (e: unknown) => {
        assert.ok(e instanceof SshError, String(e));
        assert.equal(e.kind, 'dropped');
        assert.match(e.message, /dropped/);
        return true;
      });
    } finally {
      await t.close();
      await sshd.stop();
    }
  });
});

/** Alive and not a zombie (a container's pid 1 may never reap). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting: ${what}`);
}
