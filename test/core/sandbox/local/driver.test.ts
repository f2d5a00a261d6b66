/**
 * The local sandbox on the real kernel: Landlock through the nc-landlock
 * launcher, with and without bubblewrap. Nothing is mocked; each denial is
 * the kernel's.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LocalSandboxDriver } from '../../../../src/core/sandbox/local/driver';
import { cleanupLauncher, policy, processWithArgs, spec, tcpServer, tempDir, testLauncher } from './fixtures';
import { missingPart } from '../../../support/realParts';

const hasBwrap = ['/usr/bin/bwrap', '/bin/bwrap', '/usr/local/bin/bwrap'].some((p) => existsSync(p));

for (const mode of ['landlock+bwrap', 'landlock only'] as const) {
  describe(`LocalSandboxDriver (${mode})`, function () {
    this.timeout(30_000);
    let work: ReturnType<typeof tempDir>;
    let state: ReturnType<typeof tempDir>;
    let driver: LocalSandboxDriver;

    before(function () {
      if (mode === 'landlock+bwrap' && !hasBwrap) {
        missingPart(this, 'bubblewrap (apt-get install bubblewrap)');
      }
      state = tempDir('state');
      driver = new LocalSandboxDriver({
        launcher: { path: testLauncher() },
        bwrapPath: mode === 'landlock only' ? null : undefined,
        requireBwrap: mode === 'landlock+bwrap',
        stateRoot: state.path,
      });
    });
    after(() => {
      state?.cleanup();
      cleanupLauncher();
    });
    beforeEach(() => {
      work = tempDir('work');
    });
    afterEach(() => work.cleanup());

    it('reports its layers', async () => {
      const caps = await driver.capabilities();
      assert.equal(caps.kind, 'local');
      assert.equal(caps.sandboxed, true);
      assert.ok(caps.landlockAbi >= 4, `Landlock ABI ${caps.landlockAbi}`);
      assert.ok(caps.layers.includes('landlock-fs') && caps.layers.includes('landlock-net-tcp'));
      assert.equal(caps.layers.includes('bwrap-mount-ns'), mode === 'landlock+bwrap');
    });

    it('lets the command write inside its workdir', async () => {
      const r = await driver.exec(spec(work.path), ['bash', '-c', 'echo hello > inside.txt && cat inside.txt']);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.equal(r.stdout, 'hello\n');
      assert.equal(readFileSync(join(work.path, 'inside.txt'), 'utf8'), 'hello\n');
    });

    it('denies writes to /etc and $HOME with the kernel\'s Permission denied', async () => {
      const target = join(homedir(), `nc-sandbox-escape-${process.pid}`);
      const r = await driver.exec(spec(work.path), ['bash', '-c', `echo x > /etc/nc-escape; echo y > ${target}; echo done`]);
      assert.equal(r.exitCode, 0);
      assert.match(r.stderr, /\/etc\/nc-escape: Permission denied/);
      assert.match(r.stderr, new RegExp(`${target}: Permission denied`));
      assert.equal(existsSync('/etc/nc-escape'), false);
      assert.equal(existsSync(target), false);
    });

    it('cannot even read paths outside the policy', async () => {
      const secret = tempDir('secret');
      writeFileSync(join(secret.path, 'key'), 'canary');
      try {
        const r = await driver.exec(spec(work.path), ['cat', join(secret.path, 'key')]);
        assert.notEqual(r.exitCode, 0);
        // bwrap: the host /tmp is not even mounted; Landlock alone: it is there but denied.
        assert.match(r.stderr, mode === 'landlock+bwrap' ? /No such file or directory/ : /Permission denied/);
        assert.doesNotMatch(r.stdout, /canary/);
      } finally {
        secret.cleanup();
      }
    });

    it('allows extraReadWrite paths for this process only', async () => {
      const extra = tempDir('extra');
      try {
        const s = spec(work.path);
        const ok = await driver.exec(s, ['bash', '-c', `echo s > ${extra.path}/f`], { extraReadWrite: [extra.path] });
        assert.equal(ok.exitCode, 0, ok.stderr);
        const denied = await driver.exec(s, ['bash', '-c', `echo s > ${extra.path}/g`]);
        assert.equal(existsSync(join(extra.path, 'g')), false);
        // With bwrap the write lands in the private /tmp (where the earlier bind left an empty folder), never in the host folder.
        if (mode === 'landlock only') assert.match(denied.stderr, /Permission denied/);
      } finally {
        extra.cleanup();
      }
    });

    it('connects only to the allowed loopback port', async () => {
      const allowed = await tcpServer();
      const other = await tcpServer();
      try {
        const p = policy({ egress: [{ host: '127.0.0.1', port: allowed.port }] });
        const script = (port: number) => `exec 3<>/dev/tcp/127.0.0.1/${port} && head -1 <&3`;
        const ok = await driver.exec(spec(work.path, p), ['bash', '-c', script(allowed.port)]);
        assert.equal(ok.exitCode, 0, ok.stderr);
        assert.equal(ok.stdout, 'pong\n');
        const denied = await driver.exec(spec(work.path, p), ['bash', '-c', script(other.port)]);
        assert.notEqual(denied.exitCode, 0);
        assert.match(denied.stderr, /Permission denied/);
      } finally {
        await allowed.close();
        await other.close();
      }
    });

    it('refuses to bind TCP ports', async () => {
      const r = await driver.exec(spec(work.path), ['node', '-e', "require('net').createServer().listen(0,'127.0.0.1').on('error',e=>{console.log(e.code);process.exit(3)})"]);
      assert.equal(r.exitCode, 3, r.stderr);
      assert.equal(r.stdout.trim(), 'EACCES');
    });

    it('does not pass the host environment through', async () => {
      process.env.NEMOCOG_TEST_CANARY_KEY = 'sk-canary-123';
      try {
        const r = await driver.exec(spec(work.path), ['env'], { env: { GIVEN: 'yes' } });
        assert.doesNotMatch(r.stdout, /sk-canary-123/);
        assert.match(r.stdout, /^GIVEN=yes$/m);
        assert.match(r.stdout, /^TMPDIR=/m);
      } finally {
        delete process.env.NEMOCOG_TEST_CANARY_KEY;
      }
    });

    it('gives a private, writable temporary folder', async () => {
      const marker = `nc-host-tmp-marker-${process.pid}`;
      writeFileSync(join('/tmp', marker), 'host');
      try {
        const r = await driver.exec(spec(work.path), ['bash', '-c', `echo t > "$TMPDIR/own" && cat "$TMPDIR/own"; cat /tmp/${marker}`]);
        assert.match(r.stdout, /^t$/m, r.stderr);
        if (mode === 'landlock+bwrap') {
          // Its /tmp is not the host's: the host's file is simply not there.
          assert.match(r.stderr, /No such file or directory/);
        } else {
          // Without a mount namespace the host /tmp exists but Landlock denies it.
          assert.match(r.stderr, /Permission denied/);
        }
      } finally {
        (await import('node:fs')).rmSync(join('/tmp', marker), { force: true });
      }
    });

    it('kills the whole process tree on timeout', async () => {
      const marker = `${700 + (process.pid % 100)}.${Date.now() % 100000}`;
      const r = await driver.exec(spec(work.path), ['bash', '-c', `sleep ${marker} & sleep ${marker}; echo never`], { timeoutMs: 500 });
      assert.equal(r.timedOut, true);
      assert.equal(r.exitCode === 0, false);
      assert.ok(r.durationMs < 5000, `took ${r.durationMs} ms`);
      await new Promise((res) => setTimeout(res, 200));
      assert.equal(await processWithArgs(`sleep ${marker}`), false, 'a sleep survived the timeout');
    });

    it('cancels through an AbortSignal, SIGKILL after the grace period', async () => {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 300);
      const r = await driver.exec(spec(work.path), ['bash', '-c', "trap '' TERM; sleep 30"], { signal: ac.signal });
      assert.equal(r.cancelled, true);
      assert.ok(r.durationMs < 5000, `took ${r.durationMs} ms`);
    });

    it('streams output and truncates stdout at the cap', async () => {
      const chunks: string[] = [];
      const r = await driver.exec(spec(work.path), ['bash', '-c', 'head -c 100000 /dev/zero | tr "\\0" a; echo err >&2'], {
        maxStdoutBytes: 1000,
        onOutput: (stream, chunk) => chunks.push(`${stream}:${chunk}`),
      });
      assert.equal(r.exitCode, 0);
      assert.equal(r.truncated, true);
      assert.equal(r.stdout.length, 1000);
      assert.ok(chunks.some((c) => c.startsWith('stderr:err')));
      const streamed = chunks.filter((c) => c.startsWith('stdout:')).map((c) => c.slice('stdout:'.length)).join('');
      assert.equal(streamed, r.stdout, 'only the kept bytes are streamed');
    });

    it('feeds stdin', async () => {
      const r = await driver.exec(spec(work.path), ['cat'], { stdin: 'from stdin' });
      assert.equal(r.stdout, 'from stdin');
    });

    it('blocks abstract Unix sockets of the host (Landlock scoping)', async function () {
      const caps = await driver.capabilities();
      if (!caps.layers.includes('landlock-scope-abstract-unix')) missingPart(this, `Landlock scoping of abstract Unix sockets (Landlock ABI 6, Linux 6.12+); this kernel offers: ${caps.layers.join(', ')}`);
      const name = `\0nc-abstract-${process.pid}`;
      const server = createServer((s) => s.end('x'));
      await new Promise<void>((r) => server.listen(name, r));
      try {
        const r = await driver.exec(spec(work.path), ['node', '-e', `require('net').connect(${JSON.stringify(name)}).on('connect',()=>{console.log('connected');process.exit(0)}).on('error',e=>{console.log(e.code);process.exit(4)})`]);
        assert.equal(r.exitCode, 4, r.stdout + r.stderr);
        assert.equal(r.stdout.trim(), 'EPERM');
      } finally {
        server.close();
      }
    });

    it(mode === 'landlock+bwrap' ? 'hides a pathname Unix socket listed as hidden' : 'cannot hide a pathname Unix socket (documented limit)', async () => {
      const dir = tempDir('sock');
      const sock = join(dir.path, 'docker.sock');
      const server = createServer((s) => s.end('daemon\n'));
      await new Promise<void>((r) => server.listen(sock, r));
      try {
        const hiding = new LocalSandboxDriver({
          launcher: { path: testLauncher() },
          bwrapPath: mode === 'landlock only' ? null : undefined,
          stateRoot: state.path,
          hide: [sock],
        });
        // The socket's folder is readable by policy, so only the mount namespace can keep it away.
        const r = await hiding.exec(spec(work.path, policy({ readOnly: [dir.path] })), [
          'node', '-e', `require('net').connect(${JSON.stringify(sock)}).on('data',d=>{process.stdout.write(d);process.exit(0)}).on('error',e=>{console.log(e.code);process.exit(5)})`,
        ]);
        if (mode === 'landlock+bwrap') {
          assert.equal(r.exitCode, 5, r.stdout + r.stderr);
          assert.equal(r.stdout.trim(), 'ECONNREFUSED');
        } else {
          assert.equal(r.stdout, 'daemon\n', 'Landlock alone does not mediate pathname sockets');
        }
      } finally {
        server.close();
        dir.cleanup();
      }
    });

    it('drops capabilities even when started as root', async () => {
      const r = await driver.exec(spec(work.path), ['grep', '-E', '^Cap(Eff|Bnd)', '/proc/self/status']);
      assert.match(r.stdout, /CapEff:\s+0+\n/);
      assert.match(r.stdout, /CapBnd:\s+0+\n/);
    });

    it('fails clearly when a writable path is missing', async () => {
      await assert.rejects(
        driver.exec(spec(work.path, policy({ readWrite: [join(work.path, 'missing')] })), ['true']),
        /writable path .*missing .*does not exist/,
      );
    });

    it('isolates PIDs only with bubblewrap', async () => {
      mkdirSync(join(work.path, 'x'), { recursive: true });
      const r = await driver.exec(spec(work.path), ['bash', '-c', 'echo $$']);
      if (mode === 'landlock+bwrap') assert.ok(Number(r.stdout) < 10, `pid ${r.stdout}`);
      else assert.ok(Number(r.stdout) > 1);
    });
  });
}
