/**
 * Issue 4: what supervising one tool call costs. Before each tool call the
 * supervisor takes a snapshot of the sandbox folder (watcher change source)
 * and the tool then runs inside the local sandbox (Landlock launcher, plus
 * bubblewrap where it works). Compared with running the same command with a
 * plain spawn and no snapshot. Each round modifies one file first, as a tool
 * that writes a file would.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LocalSandboxDriver } from '../../src/core/sandbox/local';
import type { SandboxSpec } from '../../src/core/sandbox/driver';
import { DEFAULT_POLICY_YAML, parsePolicy } from '../../src/core/sandbox/policy';
import { SnapshotEngine, STORE_DIR_NAME } from '../../src/core/snapshots';
import { discard } from '../scratch';
import { round2, summarise } from '../stats';
import { generateWorkspace } from '../workspace';
import { Prng } from '../prng';

function plainSpawn(argv: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(argv[0]!, argv.slice(1), { cwd, stdio: 'ignore' });
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${argv.join(' ')} exited with ${code}`))));
  });
}

export interface SupervisionOptions {
  workDir: string;
  files: number;
  iterations: number;
  seed: number;
  keep: boolean;
}

export async function runSupervisionSection(log: (l: string) => void, o: SupervisionOptions): Promise<Record<string, unknown>> {
  log(`\n== supervision: per-tool-call overhead (snapshot + sandboxed spawn of \`true\`) on ${o.files.toLocaleString('en-US')} files ==`);
  const dir = join(o.workDir, 'supervision');
  discard(dir);
  const ws = join(dir, 'ws');
  mkdirSync(ws, { recursive: true });
  let engine: SnapshotEngine | undefined;
  try {
    // The policy a workspace gets by default (.nemocognition/policy.yaml), as the supervised run uses it.
    const state = join(dir, 'state');
    mkdirSync(state, { recursive: true });
    const variables = { state, runtime: dirname(dirname(process.execPath)) };
    const policy = parsePolicy(DEFAULT_POLICY_YAML, { name: 'default policy', variables }).policy;
    const driver = new LocalSandboxDriver({ variables });
    const caps = await driver.capabilities();
    const gen = generateWorkspace([ws], o.files, o.seed);
    engine = await SnapshotEngine.open(join(ws, STORE_DIR_NAME, 'snapshots'), { changeSource: 'watcher' });
    await engine.take(ws, { reason: 'baseline' });
    const spec: SandboxSpec = { name: 'nc-bench-supervision', workdir: ws, policy };
    const argv = ['true'];
    const rng = new Prng(o.seed ^ 0x5afe);
    const touch = (): void => {
      const f = rng.pick(gen.files).path;
      const abs = join(ws, f);
      writeFileSync(abs, Buffer.concat([readFileSync(abs), Buffer.from(`// edit ${rng.nextU32()}\n`)]));
    };
    // Warm-up: the first sandboxed exec probes the kernel and may compile the launcher.
    for (let i = 0; i < 3; i++) {
      await plainSpawn(argv, ws);
      const r = await driver.exec(spec, argv);
      if (r.exitCode !== 0) throw new Error(`sandboxed \`true\` exited with ${r.exitCode}: ${r.stderr.trim()}`);
      touch();
      await engine.take(ws, { reason: 'warm-up' });
    }
    const plain: number[] = [];
    const sandboxed: number[] = [];
    const snapshot: number[] = [];
    const supervised: number[] = [];
    for (let i = 0; i < o.iterations; i++) {
      let t = performance.now();
      await plainSpawn(argv, ws);
      plain.push(performance.now() - t);

      touch();
      t = performance.now();
      await engine.take(ws, { reason: `before tool call ${i}` });
      const afterSnap = performance.now();
      const r = await driver.exec(spec, argv);
      const end = performance.now();
      if (r.exitCode !== 0) throw new Error(`sandboxed \`true\` exited with ${r.exitCode}: ${r.stderr.trim()}`);
      snapshot.push(afterSnap - t);
      sandboxed.push(end - afterSnap);
      supervised.push(end - t);
    }
    const P = summarise(plain);
    const X = summarise(sandboxed);
    const S = summarise(snapshot);
    const U = summarise(supervised);
    const out = {
      files: o.files,
      iterations: o.iterations,
      command: argv.join(' '),
      sandbox: caps.label,
      plain_spawn_p50_ms: round2(P.p50),
      sandbox_exec_p50_ms: round2(X.p50),
      snapshot_p50_ms: round2(S.p50),
      supervised_p50_ms: round2(U.p50),
      supervised_p99_ms: round2(U.p99),
      overhead_ms_p50: round2(U.p50 - P.p50),
      sandbox_spawn_ratio: round2(X.p50 / P.p50),
      supervised_vs_plain_ratio: round2(U.p50 / P.p50),
    };
    log('');
    log(`| sandbox | plain spawn p50 | sandboxed spawn p50 | snapshot (1 changed file) p50 | snapshot + sandboxed spawn p50 / p99 | added per tool call (p50) | ratio vs plain |`);
    log(`|---|---:|---:|---:|---:|---:|---:|`);
    log(`| ${caps.label} | ${P.p50.toFixed(2)} ms | ${X.p50.toFixed(2)} ms | ${S.p50.toFixed(2)} ms | ${U.p50.toFixed(2)} / ${U.p99.toFixed(2)} ms | ${(U.p50 - P.p50).toFixed(2)} ms | ${(U.p50 / P.p50).toFixed(1)}x |`);
    return out;
  } catch (e) {
    const error = (e as Error).message;
    log(`supervision: failed (${error})`);
    return { error };
  } finally {
    engine?.close();
    if (!o.keep) discard(dir);
  }
}
