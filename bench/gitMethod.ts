/** The shadow-git baseline as a CheckpointMethod. */
import type { CheckpointMethod } from './method';
import { ShadowGit } from './shadowGit';
import { STORE_DIR_NAME } from '../src/core/snapshots/ignore';

export class ShadowGitMethod implements CheckpointMethod {
  readonly label = 'shadow git';
  readonly key = 'shadow_git';
  private readonly git: ShadowGit;

  constructor(
    readonly workspace: string,
    readonly storeDir: string,
    homeDir: string,
    withGc: boolean,
  ) {
    this.git = new ShadowGit(storeDir, workspace, homeDir);
    // gc of a large fresh repository takes minutes on 2 cores: opt-in (--git-gc).
    if (withGc) this.compact = () => this.git.gc();
  }

  compact?: () => Promise<void>;

  async init(): Promise<void> {
    await this.git.init([`/${STORE_DIR_NAME}/`]);
  }

  checkpoint(label: string): Promise<{ ms: number; id: string }> {
    return this.git.checkpoint(label).then(({ ms, commit }) => ({ ms, id: commit }));
  }

  async restore(id: string): Promise<{ ms: number; note?: string }> {
    const t0 = performance.now();
    await this.git.restore(id);
    return { ms: performance.now() - t0, note: 'git read-tree -u --reset <commit>' };
  }

  /** `git status` is empty: the commit holds every file of the work tree as it is now. */
  async verify(id: string, _workspaceDigest: string): Promise<boolean> {
    const head = (await this.git.run(['rev-parse', 'HEAD'])).stdout.trim();
    const status = (await this.git.run(['status', '--porcelain', '--untracked-files=all'])).stdout;
    return head === id && status.trim() === '';
  }

  async close(): Promise<void> {}
}
