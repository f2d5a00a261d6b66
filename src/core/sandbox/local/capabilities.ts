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
  | 'hidden-sockets'
  /** Own network namespace: only `lo`, and a relay to the gateway. */
  | 'bwrap-net-ns'
  /** Every connect/send with an address goes past a seccomp monitor that refuses and reports all but the gateway. */
  | 'net-monitor'
  /** Tool processes ($SHELL) run in a nested Landlock domain without the agent's own state. */
  | 'tool-sandbox';

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
  /** What the network allows, in one line ("TCP to 127.0.0.1:<gateway> only, in a network namespace"). */
  networkRule: string;
  /** True when running without bubblewrap because the user explicitly allowed it (loudly labelled). */
  landlockOnly?: boolean;
  /** Things the user should know about this machine (restricted user namespaces...). */
  notes?: string[];
}

export const UNSANDBOXED = 'UNSANDBOXED';
