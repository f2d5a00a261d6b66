/**
 * The explicit opt-out: runs the agent with NO sandbox, for machines without
 * Landlock whose users accept the risk. It is never chosen automatically;
 * every result and its capabilities say UNSANDBOXED so that spans, the status
 * bar and reports cannot present it as isolated.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecOptions, ExecResult, SandboxDriver, SandboxSpec } from '../driver';
import { UNSANDBOXED, type SandboxCapabilities } from './capabilities';
import { sandboxFolderName, sandboxTmpRoot } from './privateTmp';
import { runProcess } from './runProcess';
import { sandboxEnv } from './sandboxEnv';

export const UNSANDBOXED_WARNING =
  'UNSANDBOXED: the agent runs with your full user rights. Nothing stops it from writing outside its folder, reading your files or reaching the network.';

export type UnsandboxedResult = ExecResult & { isolation: typeof UNSANDBOXED };

export class NoSandboxDriver implements SandboxDriver {
  readonly kind = 'none' as const;
  readonly warning = UNSANDBOXED_WARNING;

  constructor(private readonly options: { stateRoot?: string; graceMs?: number } = {}) {}

  async checkAvailable(): Promise<void> {}

  async capabilities(): Promise<SandboxCapabilities> {
    return {
      kind: 'none',
      sandboxed: false,
      label: UNSANDBOXED,
      landlockAbi: 0,
      layers: ['env-allowlist'],
      missing: [{ layer: 'landlock-fs', reason: 'the sandbox was turned off ("none")', fix: 'choose the "local" sandbox' }],
    };
  }

  async exec(spec: SandboxSpec, argv: string[], opts: ExecOptions = {}): Promise<UnsandboxedResult> {
    if (argv.length === 0) throw new Error('exec needs a command to run (argv is empty).');
    statSync(spec.workdir);
    const root = this.options.stateRoot ?? sandboxTmpRoot();
    const tmp = join(root, sandboxFolderName(spec.name), 'tmp');
    mkdirSync(join(tmp, 'home'), { recursive: true, mode: 0o700 });
    const result = await runProcess({
      argv,
      cwd: opts.cwd ?? spec.workdir,
      // Even unsandboxed, the user's secrets stay out of the agent's environment.
      env: sandboxEnv(opts.env, { home: join(tmp, 'home'), tmpdir: tmp }),
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      stdin: opts.stdin,
      onOutput: opts.onOutput,
      maxStdoutBytes: opts.maxStdoutBytes,
      graceMs: this.options.graceMs,
    });
    return { ...result, isolation: UNSANDBOXED };
  }
}
