import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store, StoreLockedError } from '../../../src/core/store/store';
import { rmDir, runStarted, tmpDir, wasmPath } from './helpers';

const HOLDER = path.join(__dirname, '..', '..', 'support', 'store-holder.ts');

function startHolder(dir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => (d.startsWith('ready') ? resolve(child) : reject(new Error(d))));
    child.on('error', reject);
  });
}

describe('store/lock: a single writer', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => (dir = tmpDir('nc-lock-')));
  afterEach(() => rmDir(dir));

  it('a second Store on the same folder is refused with a clear error until the first closes', async () => {
    const a = await Store.open(dir, { wasmPath });
    await assert.rejects(Store.open(dir, { wasmPath }), (e: Error) => e instanceof StoreLockedError && /Another NemoCognition window or CLI is writing this store/.test(e.message) && /Close it/.test(e.message));
    await a.append(runStarted('r1'));
    await a.close();
    const b = await Store.open(dir, { wasmPath });
    assert.ok(b.getRun('r1'));
    await b.close();
  });

  it('a live process holding the lock is refused; once it is killed, its stale lock is taken over', async () => {
    const child = await startHolder(dir);
    try {
      await assert.rejects(Store.open(dir, { wasmPath }), (e: Error) => e instanceof StoreLockedError && e.message.includes(`process ${child.pid}`));
    } finally {
      const closed = new Promise((r) => child.on('close', r));
      child.kill('SIGKILL');
      await closed;
    }
    const logs: string[] = [];
    const s = await Store.open(dir, { wasmPath, log: (_l, m) => logs.push(m) });
    assert.ok(logs.some((m) => m.includes(`stale writer lock left by process ${child.pid}`)));
    await s.close();
    assert.ok(!fs.existsSync(path.join(dir, 'writer.lock')), 'close releases the lock');
  });

  it('takes over a lock whose pid is dead or recycled, and an unreadable lock file', async () => {
    const lock = path.join(dir, 'writer.lock');
    for (const content of [
      JSON.stringify({ pid: 2 ** 22 + 12345, start: '1', host: os.hostname(), since: 1 }), // no such process
      JSON.stringify({ pid: process.ppid, start: 'not-its-start-time', host: os.hostname(), since: 1 }), // pid reused by another process
      '{"pid": 12', // torn write of the lock itself
    ]) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(lock, content);
      const s = await Store.open(dir, { wasmPath });
      assert.equal(JSON.parse(fs.readFileSync(lock, 'utf8')).pid, process.pid);
      await s.close();
    }
  });

  it('a lock from another host is treated as live (its processes cannot be checked)', async () => {
    fs.writeFileSync(path.join(dir, 'writer.lock'), JSON.stringify({ pid: 1, start: null, host: 'some-other-machine', since: Date.now() }));
    await assert.rejects(Store.open(dir, { wasmPath }), (e: Error) => e instanceof StoreLockedError && /some-other-machine/.test(e.message));
  });
});
