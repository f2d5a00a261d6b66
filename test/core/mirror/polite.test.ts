/**
 * The live mirror stays out of a run's way: nice 19 on every thread, no send while a run writes on a
 * machine with no CPU to spare (for at most maxDeferMs), a backoff that new records do not cut short.
 * Phoenix is a stand-in here (an HTTP server that counts requests); delivery itself is tested against
 * the real Phoenix in test/phoenix/.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { availableParallelism } from 'node:os';
import { closedPort } from '../../support/ports';
import { IdleCpu } from '../../../src/core/mirror/polite';
import { PhoenixMirror, type MirrorStatus } from '../../../src/core/mirror';
import { Store } from '../../../src/core/store/store';
import { branchOpened, node, rmDir, runStarted, tmpDir, wasmPath } from '../store/helpers';

/** Accepts every OTLP post; a span id reads back as present once asked for after a post. */
async function standIn(): Promise<{ url: string; posts: number[]; close: () => Promise<void> }> {
  const posts: number[] = [];
  const asked = new Set<string>();
  let postedAt = 0;
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST') {
      req.resume();
      req.on('end', () => {
        posts.push(Date.now());
        postedAt = Date.now();
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
      return;
    }
    const ids = u.searchParams.getAll('span_id');
    const data = ids.filter((id) => asked.has(id) && postedAt > 0).map((id) => ({ context: { span_id: id } }));
    for (const id of ids) asked.add(id);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data, next_cursor: null }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts, close: () => new Promise((r) => server.close(() => r())) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type DeferOptions = Exclude<NonNullable<Parameters<typeof PhoenixMirror.open>[0]['deferWhileBusy']>, false>;

/**
 * A store holding one open run, a stand-in Phoenix, and a mirror following it with `defer`; `body`
 * runs once the mirror's first pass is live. Everything is closed afterwards.
 */
async function withFollowingMirror(
  ws: string,
  defer: DeferOptions,
  body: (ctx: { s: Store; phx: Awaited<ReturnType<typeof standIn>>; seen: MirrorStatus[] }) => Promise<void>,
): Promise<void> {
  const phx = await standIn();
  const storeDir = path.join(ws, '.nemocognition', 'store');
  const s = await Store.open(storeDir, { wasmPath });
  await s.append(runStarted('r1'));
  await s.append(branchOpened('b1', 'r1'));
  const seen: MirrorStatus[] = [];
  const m = PhoenixMirror.open({ storeDir, target: { endpoint: phx.url, project: 'p' }, pollMs: 100, minIntervalMs: 50, deferWhileBusy: defer, onStatus: (st) => seen.push(st) });
  const stop = new AbortController();
  const following = m.follow(stop.signal);
  try {
    while (seen.at(-1)?.state !== 'live') await sleep(20); // the first pass (nothing ended yet)
    await body({ s, phx, seen });
  } finally {
    stop.abort();
    await following;
    await m.close();
    await s.close();
    await phx.close();
  }
}

describe('mirror: polite to the run it mirrors', () => {
  let ws: string;
  beforeEach(() => (ws = tmpDir('nc-mirror-polite-')));
  afterEach(() => rmDir(ws));

  it('lowerPriority() puts every thread of the process at nice 19, not only the main one (Linux)', function () {
    if (process.platform !== 'linux') this.skip();
    const script = `
      const fs = require('node:fs');
      require(${JSON.stringify(path.resolve(__dirname, '../../../src/core/mirror/polite.ts'))}).lowerPriority();
      const nice = (tid) => Number(fs.readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ')[16]);
      console.log(JSON.stringify(fs.readdirSync('/proc/self/task').map(nice)));`;
    const nices = JSON.parse(execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { encoding: 'utf8' })) as number[];
    assert.ok(nices.length > 1, `V8 starts helper threads: ${nices}`);
    assert.deepEqual(new Set(nices), new Set([19]), `nice of each thread: ${nices}`);
  });

  it('IdleCpu: null until it has a span of time to go by, then the idle CPUs in it', async () => {
    const idle = new IdleCpu();
    assert.equal(idle.sample(), null);
    await sleep(100);
    const free = idle.sample();
    assert.ok(free !== null && free >= 0 && free <= availableParallelism() + 0.1, `free ${free}`);
    assert.equal(idle.sample(), null, 'asked again at once: too short to tell');
  });

  it('sends nothing while a run writes in a burst and no CPU is free; sends it all once the writes stop', async function () {
    this.timeout(30_000);
    await withFollowingMirror(ws, { burstBytesPerSec: 0, idleCpus: () => 0, checkMs: 50, maxDeferMs: 20_000 }, async ({ s, phx, seen }) => {
      await sleep(200);
      const before = phx.posts.length;
      const t0 = Date.now();
      let i = 0;
      for (; Date.now() - t0 < 1500; i++) {
        await s.append(node(`n${i}`, 'r1', 'b1', { endTime: 1_700_000_001_001, status: 'ok' }));
        await sleep(10);
      }
      const ended = Date.now();
      // One pass may start as the burst begins (the CPU sample then covers the idle time before it), and one
      // more if this process stalls for a look's length between two appends (no growth seen: not a burst).
      // Without holding, a pass goes out every ~250 ms.
      assert.ok(phx.posts.length - before <= 2, `${phx.posts.length - before} OTLP requests during the burst`);
      const deadline = Date.now() + 10_000;
      while (!(seen.at(-1)?.state === 'live' && seen.at(-1)?.delivered === i)) {
        if (Date.now() > deadline) assert.fail(`not delivered after the burst: ${JSON.stringify(seen.at(-1))}`);
        await sleep(20);
      }
      assert.ok(Date.now() - ended < 5_000);
    });
  });

  it('a run that writes slowly (an agent waiting on its model) is mirrored as it goes, free CPU or not', async function () {
    this.timeout(30_000);
    await withFollowingMirror(ws, { idleCpus: () => 0, checkMs: 50, maxDeferMs: 20_000 }, async ({ s, seen }) => {
      let delivered = 0;
      for (let i = 0; i < 20; i++) {
        await s.append(node(`n${i}`, 'r1', 'b1', { endTime: 1_700_000_001_001, status: 'ok' }));
        await sleep(100);
        delivered = seen.at(-1)?.delivered ?? 0;
      }
      assert.ok(delivered >= 10, `${delivered} of 20 spans confirmed while the run went on`);
    });
  });

  it('a burst longer than maxDeferMs is sent anyway: the lag stays bounded', async function () {
    this.timeout(30_000);
    await withFollowingMirror(ws, { burstBytesPerSec: 0, idleCpus: () => 0, checkMs: 50, maxDeferMs: 400 }, async ({ s, phx, seen }) => {
      const t0 = Date.now();
      let delivered = 0;
      for (let i = 0; Date.now() - t0 < 3000; i++) {
        await s.append(node(`n${i}`, 'r1', 'b1', { endTime: 1_700_000_001_001, status: 'ok' }));
        delivered = seen.at(-1)?.delivered ?? 0;
        await sleep(10);
      }
      assert.ok(delivered > 0, 'spans were confirmed while the burst went on');
      assert.ok(phx.posts.length >= 2, `${phx.posts.length} OTLP requests in 3 s`);
    });
  });

  it('records appended during a backoff do not cut it short (Phoenix down is not retried per record)', async function () {
    this.timeout(30_000);
    const storeDir = path.join(ws, '.nemocognition', 'store');
    const s = await Store.open(storeDir, { wasmPath });
    await s.append(runStarted('r1'));
    await s.append(branchOpened('b1', 'r1'));
    const warnings: string[] = [];
    const m = PhoenixMirror.open({
      storeDir,
      target: { endpoint: `http://127.0.0.1:${await closedPort()}`, project: 'p' },
      backoff: { initialMs: 1500, maxMs: 1500 },
      pollMs: 50,
      requestTimeoutMs: 2000,
      deferWhileBusy: false,
      log: (level, msg) => level === 'warn' && warnings.push(msg),
    });
    const stop = new AbortController();
    const following = m.follow(stop.signal);
    try {
      await sleep(300);
      const t0 = Date.now();
      for (let i = 0; Date.now() - t0 < 1000; i++) {
        await s.append(node(`n${i}`, 'r1', 'b1', { endTime: 1_700_000_001_001, status: 'ok' }));
        await sleep(20);
      }
      assert.equal(warnings.filter((w) => /Retrying in/.test(w)).length, 1, warnings.join('\n'));
    } finally {
      stop.abort();
      await following;
      await m.close();
      await s.close();
    }
  });
});
