/**
 * The mirror's loop where no Phoenix is needed: Phoenix unreachable (a real refused TCP connection).
 * Delivery itself is tested against the real Phoenix in test/phoenix/.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { closedPort } from '../../support/ports';
import { PhoenixMirror, PhoenixError, type MirrorStatus } from '../../../src/core/mirror';
import { Store } from '../../../src/core/store/store';
import { branchOpened, node, rmDir, runStarted, tmpDir, wasmPath } from '../store/helpers';


describe('mirror: Phoenix unreachable', () => {
  let ws: string;
  beforeEach(() => (ws = tmpDir('nc-mirror-')));
  afterEach(() => rmDir(ws));

  it('keeps every span recorded meanwhile pending and counted ("behind by N"), says why and what to do, and never moves its cursor', async function () {
    this.timeout(60_000);
    const storeDir = path.join(ws, '.nemocognition', 'store');
    const seen: MirrorStatus[] = [];
    const m = PhoenixMirror.open({ storeDir, target: { endpoint: `http://127.0.0.1:${await closedPort()}`, project: 'p' }, backoff: { initialMs: 100, maxMs: 200 }, pollMs: 100, requestTimeoutMs: 2000, onStatus: (s) => seen.push(s) });
    const stop = new AbortController();
    const following = m.follow(stop.signal);
    const s = await Store.open(storeDir, { wasmPath });
    try {
      await s.append(runStarted('r1'));
      await s.append(branchOpened('b1', 'r1'));
      for (let i = 0; i < 6; i++) {
        await s.append(node(`n${i}`, 'r1', 'b1', { endTime: 1_700_000_001_001, status: 'ok' }));
        await new Promise((r) => setTimeout(r, 150));
      }
      const deadline = Date.now() + 30_000;
      while (!(seen.at(-1)?.state === 'failing' && seen.at(-1)?.behind === 6)) {
        if (Date.now() > deadline) assert.fail(`never reported 6 behind: ${JSON.stringify(seen.slice(-3))}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const last = seen.at(-1)!;
      assert.match(last.reason!, /not running .*connection refused/);
      assert.match(last.fix!, /Start Phoenix/);
      assert.equal(last.transient, true);
      assert.equal(last.open, 2, 'the run and its branch are still open');
      assert.ok(m.cursor <= 2, `the cursor stays before the first unconfirmed span (#3), at #${m.cursor}`);
    } finally {
      stop.abort();
      await following;
      await m.close();
      await s.close();
    }
  });

  it('a backfill pass rejects with a PhoenixError naming the endpoint', async () => {
    const storeDir = path.join(ws, '.nemocognition', 'store');
    const s = await Store.open(storeDir, { wasmPath });
    await s.append(runStarted('r1'));
    await s.append({ type: 'run.ended', runId: 'r1', status: 'completed', at: 1_700_000_002_000 });
    await s.close();
    const port = await closedPort();
    const m = PhoenixMirror.open({ storeDir, target: { endpoint: `http://127.0.0.1:${port}`, project: 'p' }, requestTimeoutMs: 2000 });
    try {
      await assert.rejects(m.catchUp(), (e: unknown) => e instanceof PhoenixError && e.message.includes(String(port)));
      assert.equal(m.status().state, 'failing');
      assert.equal(m.status().behind, 1);
    } finally {
      await m.close();
    }
  });
});
