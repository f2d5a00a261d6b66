import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { rmDir, tmpDir } from './helpers';
import { missingPart } from '../../support/realParts';

const FILL = path.join(__dirname, '..', '..', 'support', 'store-fill.ts');
const ROOT = path.join(__dirname, '..', '..', '..');

/** Runs `script` in a private mount namespace with `dir` a tmpfs of `size`; null when namespaces are unavailable. */
function inTinyTmpfs(dir: string, size: string, script: string): ReturnType<typeof spawnSync> | null {
  const sh = 'mount -t tmpfs -o size="$1" tmpfs "$2" && exec "$3" --import tsx "$4" "$2"';
  for (const flags of [['-rm'], ['-m']]) {
    const probe = spawnSync('unshare', [...flags, 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs "$1"', 'sh', dir], { encoding: 'utf8' });
    if (probe.status !== 0) continue;
    return spawnSync('unshare', [...flags, 'sh', '-c', sh, 'sh', size, dir, process.execPath, script], { encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
  }
  return null;
}

describe('store/full disk', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = tmpDir('nc-full-')));
  after(() => rmDir(dir));

  it('ENOSPC rejects the append with a clear StoreWriteError, keeps the journal consistent, and recovers once space is freed', function () {
    const res = inTinyTmpfs(dir, '384k', FILL);
    if (!res) missingPart(this, 'user or mount namespaces (`unshare -rm` / `unshare -m`), for a tmpfs the size of a full disk');
    assert.equal(res!.status, 0, `child failed: ${res!.stdout} ${res!.stderr}`);
    const r = JSON.parse(String(res!.stdout).trim().split('\n').pop()!) as Record<string, unknown> & { error: { message: string; code: string } };
    assert.ok((r.acked as number) > 10, `acked ${r.acked}`);
    assert.equal(r.isWriteError, true, JSON.stringify(r.error));
    assert.equal(r.error.code, 'ENOSPC');
    assert.match(r.error.message, /disk .* is full/);
    assert.match(r.error.message, /NOT recorded/);
    assert.match(r.error.message, /Free some space/);
    assert.equal(r.sizeAfterFailure, r.sizeBeforeFailure, 'the partial write was cut back');
    assert.equal(r.secondError, 'StoreWriteError');
    assert.equal(r.readable, r.acked);
    assert.deepEqual(r.missing, [], 'every acknowledged event survives');
    // The journal is consistent (no torn tail, no damage); the only warning allowed is that the export could not be written.
    assert.deepEqual((r.reopenWarnings as string[]).filter((w) => !/database export .*journal still holds every event/.test(w)), []);
    assert.equal(typeof r.afterFree, 'number', `append after freeing space: ${r.afterFree}`);
    assert.equal(r.sealed, 'completed');
    assert.ok((r.logs as string[]).some((l) => /final database export/.test(l)), 'the failed export on close is logged, not thrown');
  });
});
