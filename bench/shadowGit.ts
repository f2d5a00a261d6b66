/**
 * The baseline: a shadow git repository over the workspace, the checkpoint
 * method most agent tools use (`git add -A && git commit` per checkpoint, the
 * repository's git dir kept outside the workspace).
 *
 * Configuration is chosen to give git its best honest showing: no hooks, no
 * autocrlf conversion, no user/system config, no auto-gc pauses during timing
 * (`gc.auto=0`; the packed size after an explicit gc is reported separately).
 * Durability is on, as it is for NemoCognition's checkpoints: `core.fsync=committed`
 * (objects and refs hardened) with `core.fsyncMethod=batch`, git's fastest durable
 * mode (loose objects written back together, one flush at the end of the command).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GitRun {
  stdout: string;
  ms: number;
}

export class ShadowGit {
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly gitDir: string,
    readonly workTree: string,
    homeDir: string,
  ) {
    this.env = {
      PATH: process.env.PATH,
      HOME: homeDir,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      LANG: 'C',
      LC_ALL: 'C',
    };
  }

  private baseArgs(): string[] {
    return [
      '-c', 'core.autocrlf=false',
      '-c', 'core.hooksPath=/dev/null',
      '-c', 'user.name=NemoCognition Bench',
      '-c', 'user.email=bench@nemocognition.invalid',
      '-c', 'commit.gpgsign=false',
      '-c', 'gc.auto=0',
      '-c', 'core.fsync=committed',
      '-c', 'core.fsyncMethod=batch',
      `--git-dir=${this.gitDir}`,
      `--work-tree=${this.workTree}`,
    ];
  }

  run(args: string[]): Promise<GitRun> {
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const child = spawn('git', [...this.baseArgs(), ...args], { cwd: this.workTree, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.on('error', (e) => reject(new Error(`Could not run git (${e.message}). Install git (apt-get install git) to run the shadow-git baseline.`)));
      child.on('close', (code) => {
        const ms = performance.now() - t0;
        if (code !== 0) {
          reject(new Error(`git ${args.join(' ')} exited with ${code}: ${Buffer.concat(err).toString().trim()}`));
          return;
        }
        resolve({ stdout: Buffer.concat(out).toString(), ms });
      });
    });
  }

  async init(excludes: readonly string[]): Promise<void> {
    mkdirSync(this.gitDir, { recursive: true });
    // An empty template: no sample hooks, no description file.
    const template = join(this.gitDir, '..', 'empty-template');
    mkdirSync(template, { recursive: true });
    await this.run(['init', '-q', `--template=${template}`]);
    mkdirSync(join(this.gitDir, 'info'), { recursive: true });
    writeFileSync(join(this.gitDir, 'info', 'exclude'), excludes.map((e) => `${e}\n`).join(''));
  }

  /**
   * One checkpoint: stage everything, commit. `ms` covers exactly those two
   * commands; reading the new commit id afterwards is not counted.
   */
  async checkpoint(label: string): Promise<{ ms: number; commit: string }> {
    const t0 = performance.now();
    await this.run(['add', '-A']);
    await this.run(['commit', '-q', '--allow-empty', '--no-verify', '-m', label]);
    const ms = performance.now() - t0;
    const commit = (await this.run(['rev-parse', 'HEAD'])).stdout.trim();
    return { ms, commit };
  }

  /**
   * Brings the work tree back to `commit`: `read-tree -u --reset` rewrites the
   * index and the work tree to the commit, deleting tracked files the commit
   * lacks. Every file is tracked here (`add -A` at each checkpoint), so this is
   * the one-command equivalent of `git checkout <commit> -- . && git clean -f`
   * for files added since, and of NemoCognition's restore.
   */
  async restore(commit: string): Promise<void> {
    await this.run(['read-tree', '-u', '--reset', commit]);
  }

  async gc(): Promise<void> {
    await this.run(['gc', '-q', '--prune=now']);
  }

  static async version(): Promise<string> {
    return new Promise((resolve) => {
      const child = spawn('git', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
      const out: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.on('error', () => resolve('unavailable'));
      child.on('close', () => resolve(Buffer.concat(out).toString().trim()));
    });
  }
}
