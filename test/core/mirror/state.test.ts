import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { MirrorBusyError, freshState, loadState, lockMirror, mirrorDirFor, saveState } from '../../../src/core/mirror/state';
import { rmDir, tmpDir } from '../store/helpers';

describe('mirror/state: the durable cursor', () => {
  let dir: string;
  beforeEach(() => (dir = tmpDir('nc-mstate-')));
  afterEach(() => rmDir(dir));

  it('one folder per endpoint + project, beside the store', () => {
    const a = mirrorDirFor('/ws/.nemocognition/store', 'http://127.0.0.1:6006/', 'nemocognition');
    assert.equal(path.dirname(a), '/ws/.nemocognition/mirror');
    assert.equal(a, mirrorDirFor('/ws/.nemocognition/store', 'http://127.0.0.1:6006', 'nemocognition'));
    assert.notEqual(a, mirrorDirFor('/ws/.nemocognition/store', 'http://127.0.0.1:6006', 'other'));
  });

  it('round-trips, starts fresh when missing, and keeps a damaged file aside', () => {
    const d = path.join(dir, 'm');
    assert.equal(loadState(d, 'http://h:1', 'p').cursor, 0);
    saveState(d, { ...freshState('http://h:1', 'p'), cursor: 42, delivered: 7, lastRunId: 'run_1', open: { runs: {}, branches: {}, nodes: {} } });
    const s = loadState(d, 'http://h:1', 'p');
    assert.equal(s.cursor, 42);
    assert.equal(s.delivered, 7);
    assert.equal((fs.statSync(path.join(d, 'state.json')).mode & 0o777).toString(8), '600');
    fs.writeFileSync(path.join(d, 'state.json'), '{"v":1,"cursor":');
    const warnings: string[] = [];
    assert.equal(loadState(d, 'http://h:1', 'p', (m) => warnings.push(m)).cursor, 0);
    assert.match(warnings[0]!, /unreadable/);
    assert.ok(fs.readdirSync(d).some((f) => f.startsWith('state.json.damaged-')));
  });

  it('one mirroring process per target: a live holder refuses a second, a dead one is taken over', async () => {
    const d = path.join(dir, 'm');
    const lock = lockMirror(d, () => {});
    assert.throws(() => lockMirror(d, () => {}), MirrorBusyError);
    lock.release();
    // A holder killed with SIGKILL leaves its lock behind: the next one takes it over.
    const child = spawn(process.execPath, ['-e', `require('node:fs').writeFileSync(${JSON.stringify(path.join(d, 'writer.lock'))}, JSON.stringify({pid: process.pid, start: null, host: require('node:os').hostname(), since: Date.now()})); setInterval(() => {}, 1000)`], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 500));
    assert.throws(() => lockMirror(d, () => {}), MirrorBusyError);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const taken = lockMirror(d, () => {});
    taken.release();
  });
});
