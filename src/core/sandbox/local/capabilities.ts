/**
 * What a driver actually enforces on this machine, recorded on spans and shown
 * to users, so that nobody mistakes a partial sandbox for a full one.
 */

export type IsolationLayer =
  | 'landlock-fs'
  | 'landlock-net-tcp'
  | 'landlock-scope-abstract-unix'
  | 'landlock-scope-signal'
  | 'caps-dropped'
  | 'env-allowlist'
  | 'bwrap-mount-ns'
  | 'bwrap-pid-ns'
  | 'bwrap-ipc-ns'
  | 'private-tmp'
  | 'hidden-sockets';

export interface MissingLayer {
  layer: IsolationLayer;
  reason: string;
  fix: string;
}

export interface SandboxCapabilities {
  kind: 'local' | 'none';
  /** False only for the explicit opt-out driver. */
  sandboxed: boolean;
  /** One line for spans and status bars, e.g. "landlock abi 7 + bwrap" or "UNSANDBOXED". */
  label: string;
  landlockAbi: number;
  layers: IsolationLayer[];
  missing: MissingLayer[];
  launcherPath?: string;
  bwrapPath?: string;
}

export const UNSANDBOXED = 'UNSANDBOXED';
