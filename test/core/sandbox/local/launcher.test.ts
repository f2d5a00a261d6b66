/** nc-landlock on its own, on the real kernel: probe, exit codes, and the rules it installs. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupLauncher, processWithArgs, SYSTEM_READ_ONLY, tempDir, testLauncher } from './fixtures';

function run(args: string[]) {
  const r = spawnSync(testLauncher(), args, { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const ro = SYSTEM_READ_ONLY.flatMap((p) => ['--ro', p]);

describe('nc-landlock launcher', function () {
  this.timeout(30_000);
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('ll');
    mkdirSync(join(dir.path, 'rw'));
    mkdirSync(join(dir.path, 'ro'));
    writeFileSync(join(dir.path, 'ro', 'file'), 'data');
  });
  afterEach(() => dir.cleanup());
  after(() => cleanupLauncher());

  it('probes the kernel ABI as JSON', () => {
    const r = run(['--probe']);
    assert.equal(r.code, 0);
    const probe = JSON.parse(r.stdout);
    assert.ok(probe.abi >= 1);
    assert.equal(probe.net, probe.abi >= 4);
  });

  it('uses distinct exit codes for its own failures', () => {
    assert.equal(run(['--bogus']).code, 240);
    assert.equal(run(['--ro', '/usr']).code, 240); // no command
    assert.match(run(['--ro', '/usr']).stderr, /^nc-landlock: error: no command/);
    assert.equal(run(['--rw', join(dir.path, 'missing'), '--', 'true']).code, 243);
    assert.equal(run(['--connect-port', '70000', '--', 'true']).code, 240);
    assert.equal(run([...ro, '--', join(dir.path, 'no-such-program')]).code, 127);
  });

  it('skips read-only paths that do not exist (e.g. /lib32 on some systems)', () => {
    assert.equal(run([...ro, '--ro', join(dir.path, 'absent'), '--', 'true']).code, 0);
  });

  it('allows reads but not writes, truncation or deletion under --ro', () => {
    const f = join(dir.path, 'ro', 'file');
    const r = run([...ro, '--ro', join(dir.path, 'ro'), '--rw', join(dir.path, 'rw'), '--', 'bash', '-c',
      `cat ${f}; echo; : > ${f} || echo trunc-denied; rm ${f} || echo rm-denied; echo ok > ${dir.path}/rw/new && echo rw-ok`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'data\ntrunc-denied\nrm-denied\nrw-ok\n');
    assert.ok(existsSync(f));
  });

  it('allows binding only the --bind-port ports', () => {
    const listen = (port: number) => `require('net').createServer().listen(${port},'127.0.0.1',function(){console.log('listening');this.close()}).on('error',e=>console.log(e.code))`;
    const port = 20000 + (process.pid % 20000);
    const r = run([...ro, '--bind-port', String(port), '--', 'node', '-e', `${listen(port)};${listen(port + 1)}`]);
    assert.deepEqual(r.stdout.trim().split('\n').sort(), ['EACCES', 'listening']);
  });

  it('returns the command\'s own exit code', () => {
    assert.equal(run([...ro, '--', 'bash', '-c', 'exit 42']).code, 42);
  });

  it('with the network monitor: exits like the command (code or signal), and dies with its own parent', async () => {
    assert.equal(run([...ro, '--monitor-net', '--', 'bash', '-c', 'exit 42']).code, 42);
    const killed = spawnSync(testLauncher(), [...ro, '--monitor-net', '--', 'bash', '-c', 'kill -TERM $$'], { encoding: 'utf8' });
    assert.equal(killed.signal, 'SIGTERM');
    // The launcher's parent (a shell) is killed with SIGKILL: the guard and the command must go with it.
    const marker = `${400 + (process.pid % 100)}.${Date.now() % 10000}`;
    const parent = spawn('bash', ['-c', `${testLauncher()} ${ro.join(' ')} --monitor-net -- sleep ${marker} & wait`], { stdio: 'ignore' });
    // The command itself, not the shell whose command line also says `sleep <marker>`: killing the shell
    // before the launcher has started would orphan it before it could learn who started it.
    for (let i = 0; i < 100 && !(await processWithArgs(`sleep ${marker}`, { exact: true })); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await processWithArgs(`sleep ${marker}`, { exact: true }), true, 'the command started');
    parent.kill('SIGKILL');
    let alive = true;
    // Up to 15 s: on a loaded 2-core machine the kernel's parent-death signal reaches the chain late.
    for (let i = 0; i < 300 && alive; i++) {
      await new Promise((r) => setTimeout(r, 50));
      alive = await processWithArgs(`sleep ${marker}`);
    }
    assert.equal(alive, false, 'the command outlived the launcher\'s parent');
  });
});
