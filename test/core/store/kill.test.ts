import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Store } from '../../../src/core/store/store';
import { encodeRecord } from '../../../src/core/store/record';
import { rmDir, tmpDir, wasmPath } from './helpers';

const APPENDER = path.join(__dirname, '..', '..', 'support', 'store-appender.ts');

interface ChildResult {
  acks: Array<{ seq: number; nodeId: string | null }>;
  errors: string[];
}

/**
 * Runs the appender and SIGKILLs it at a random point: once it has acknowledged `afterAcks` events (0 = right
 * after open), plus a random delay of up to `jitterMs`. Counting acks rather than wall time keeps every round
 * doing real work even when the machine is loaded; a 10 s cap kills it regardless.
 */
function runAndKill(dir: string, label: string, afterAcks: number, jitterMs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', APPENDER, dir, label], { stdio: ['ignore', 'pipe', 'pipe'] });
    const res: ChildResult = { acks: [], errors: [] };
    let armed = false;
    const arm = () => {
      if (armed) return;
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * jitterMs));
    };
    const cap = setTimeout(() => child.kill('SIGKILL'), 10_000);
    let buf = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const [tag, a, b] = line.split(' ');
        if (tag === 'ready' && afterAcks === 0) arm();
        else if (tag === 'ack') {
          res.acks.push({ seq: Number(a), nodeId: b === '-' ? null : b! });
          if (res.acks.length >= afterAcks) arm();
        } else if (tag === 'error') res.errors.push(line);
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    // 'exit' after the kernel reaped it: its lock's pid is gone (no zombie).
    child.on('close', (code, signal) => {
      clearTimeout(cap);
      if (signal !== 'SIGKILL') reject(new Error(`appender ended by itself (code ${code}): ${res.errors.join('\n')} ${stderr}`));
      else resolve(res);
    });
  });
}

function lastSegment(dir: string): string {
  const j = path.join(dir, 'journal');
  const segs = fs.readdirSync(j).filter((n) => n.endsWith('.jnl')).sort();
  return path.join(j, segs[segs.length - 1]!);
}

describe('store/kill: SIGKILL at random points loses no acknowledged event', function () {
  this.timeout(180_000); // ~35 s on an idle 2-core machine; generous for a loaded one
  let dir: string;
  before(() => (dir = tmpDir('nc-kill-')));
  after(() => rmDir(dir));

  it('survives 20 kills; a torn tail is dropped with a warning', async () => {
    const acked = new Map<number, string | null>();
    let tornInjected = 0;
    let tornWarned = 0;
    let naturalTorn = 0;
    const t0 = Date.now();
    for (let k = 0; k < 20; k++) {
      // From right after open (first appends, the export of the replayed tail) to mid-stream.
      const res = await runAndKill(dir, `c${k}`, Math.floor(Math.random() * 30), 60);
      assert.deepEqual(res.errors, []);
      for (const a of res.acks) acked.set(a.seq, a.nodeId);

      // Every few rounds, leave a torn tail ourselves: random garbage, or the first half of a real record.
      let injected: 'garbage' | 'half' | null = null;
      if (k % 3 === 1) {
        fs.appendFileSync(lastSegment(dir), Buffer.from(Array.from({ length: 5 + Math.floor(Math.random() * 50) }, () => Math.floor(Math.random() * 256))));
        injected = 'garbage';
      } else if (k % 3 === 2) {
        const rec = encodeRecord({ v: 1, seq: 1e9, ts: Date.now(), event: { type: 'run.ended', runId: 'nope', status: 'failed', at: 1 } });
        fs.appendFileSync(lastSegment(dir), rec.subarray(0, Math.floor(rec.length / 2)));
        injected = 'half';
      }

      const warnings: string[] = [];
      const store = await Store.open(dir, { wasmPath, log: (lvl, m) => lvl === 'warn' && warnings.push(m) });
      try {
        const torn = store.openReport.warnings.filter((w) => /torn last record/.test(w));
        assert.deepEqual(store.openReport.warnings.filter((w) => !/torn last record|stale writer lock/.test(w)), [], 'only torn-tail warnings expected');
        if (injected) {
          tornInjected++;
          assert.equal(torn.length, 1, `round ${k}: the injected ${injected} tail must be reported`);
          tornWarned++;
        } else naturalTorn += torn.length;
        assert.deepEqual(warnings.filter((w) => /torn/.test(w)), torn, 'warnings also go to the logger');

        const inJournal = new Map<number, string | null>();
        for (const rec of store.readJournal(0)) inJournal.set(rec.seq, rec.event.type === 'node.appended' ? rec.event.nodeId : null);
        for (const [seq, nodeId] of acked) {
          assert.ok(inJournal.has(seq), `round ${k}: acknowledged seq ${seq} lost`);
          assert.equal(inJournal.get(seq), nodeId, `round ${k}: seq ${seq} holds a different event than the one acknowledged`);
          if (nodeId) assert.ok(store.getNode(nodeId), `round ${k}: node ${nodeId} not queryable`);
        }
        assert.ok(store.lastSeq >= Math.max(0, ...acked.keys()));
        const runs = store.listRuns();
        // A kill right after open (round 0 can stop it before its first append) leaves no run yet.
        if (acked.size > 0) assert.ok(runs.length >= 1, `round ${k}: ${acked.size} acknowledged events but no run`);
        for (const r of runs) for (const b of store.branchesOf(r.id)) store.nodesOfBranch(b.id);
      } finally {
        await store.close();
      }
    }
    assert.ok(acked.size > 60, `the appender acknowledged only ${acked.size} events`);
    assert.equal(tornWarned, tornInjected);
    console.log(`      kill test: ${acked.size} acknowledged events over 20 kills, ${tornInjected} injected torn tails + ${naturalTorn} torn by the kills themselves, ${Date.now() - t0} ms`);
  });
});
