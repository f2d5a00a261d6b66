/**
 * Everything a run holds open besides the store: the sandbox driver, the
 * policy, the supervisor channel the OpenClaw plugin talks to, the agent
 * runtime, and the per-branch sandbox folders materialised from snapshots.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { allowedByPolicy, type AllowedByPolicy } from '../recovery/policyInForce';
import type { Scrubber } from '../redact';
import type { SandboxDriver, SandboxPolicy, SandboxSpec } from '../sandbox/driver';
import { LocalSandboxDriver, NoSandboxDriver } from '../sandbox/local';
import { BranchFolders } from '../sandbox/overlay';
import { describeWidening, loadPolicyFile, PolicyNotApprovedError, policyWidening } from '../sandbox/policy';
import type { SnapshotEngine } from '../snapshots/engine';
import type { ToolPolicy } from '../policy/types';
import type { AgentPort } from './agentPort';
import type { SupervisedRunOptions } from './api';
import { OpenClawAgent } from './openclawAgent';
import { sandboxName } from './leftovers';
import { ScrubbedLines } from './scrubbedLines';
import { SupervisorHub } from './supervisorHub';

export interface PreparedSandbox {
  spec: SandboxSpec;
  stateDir: string;
  home?: string;
  /** What users see: "local:main", "nemoclaw:nc-demo-recovery-1". */
  displayName: string;
  /** The exact command that materialised it, when a CLI did (NemoClaw). */
  restoreCommand?: string;
  /** What the policy in force allows, in the agent's words (for a correction prompt). */
  allowed: AllowedByPolicy;
  /** How its folder was made, and where this process reads it (an overlay's merged view). */
  folder?: { kind: 'overlay' | 'copy'; view: string };
}

export interface RunResources {
  driver: SandboxDriver;
  /** What the driver enforces on this machine (label, network rule), for spans and warnings. */
  driverInfo: { kind: string; label?: string; networkRule?: string; notes?: string[] };
  agent: AgentPort;
  channel: SupervisorHub;
  prepareSandbox(label: string, snapshotId: string): Promise<PreparedSandbox>;
  toolPolicy(s: PreparedSandbox): ToolPolicy;
  log(text: string): void;
  close(): Promise<void>;
}

export interface ResourceContext {
  runId: string;
  nc: string;
  gatewayPort: number;
  /** The gateway's Unix socket, for sandboxes confined to their own network namespace. */
  gatewaySocket?: string;
  scrubber: Scrubber;
  engine: SnapshotEngine;
  log?: (text: string) => void;
  /** A message on the supervisor channel was refused (wrong secret, malformed). */
  onChannelRejected?: (reason: string) => void;
}

export async function openRunResources(opts: SupervisedRunOptions, ctx: ResourceContext): Promise<RunResources> {
  const agent = await OpenClawAgent.locate(opts.pluginEntry ? { pluginEntry: opts.pluginEntry } : {});
  const variables = { runtime: agent.runtimeDir };
  const parsed = await loadPolicyFile(opts.workspace, variables, opts.policyFile);
  // A policy from the repository (or a settings file it ships) that widens the default runs only once approved.
  const widening = parsed.path && parsed.text !== null ? policyWidening(parsed, parsed.text, parsed.path, variables) : null;
  if (widening) {
    if (!(await opts.approvePolicy?.(widening))) throw new PolicyNotApprovedError(widening);
    ctx.log?.(`policy ${widening.source} approved; it widens the default: ${describeWidening(widening).join('; ')}`);
  }
  const driver: SandboxDriver =
    opts.driver === 'none'
      ? new NoSandboxDriver()
      : new LocalSandboxDriver({ variables, allowDegraded: parsed.landlockCompatibility === 'best_effort', allowLandlockOnly: opts.allowLandlockOnly === true });
  if (opts.driver === 'nemoclaw') {
    // A NemoClaw run is launched by remote/nemoclawRun.ts; inside the sandbox its supervisor uses the local driver.
    throw Object.assign(new Error('Branch sandboxes of a NemoClaw run are prepared inside the NemoClaw sandbox, not here.'), {
      fix: 'Start NemoClaw runs with runSupervised (it hands them to the NemoClaw launcher).',
    });
  }
  await driver.checkAvailable();
  const caps = await driver.capabilities?.();
  const driverInfo = { kind: driver.kind, ...(caps ? { label: caps.label, networkRule: caps.networkRule, notes: (caps as { notes?: string[] }).notes ?? [] } : {}) };
  const hub = await SupervisorHub.start(ctx.nc, ctx.runId, ctx.scrubber, ctx.onChannelRejected);
  const runDir = join(ctx.nc, 'sandboxes', ctx.runId);
  // Branch folders: an overlay over one read-only copy shared by the run's branches where the
  // kernel allows it (O(changed) per branch), else a full copy; either way seeded, not re-read.
  const folders = new BranchFolders(ctx.engine, runDir, {
    mode: opts.branchFolders ?? (opts.keepSandboxes || driver.kind !== 'local' ? 'copy' : 'auto'),
    rulesFrom: opts.workspace,
  });

  // ${state} is OpenClaw's own state folder inside the agent's folder; the agent's config and plugin
  // beside it stay read-only (see openclawAgent.ts), and the whole folder is hidden from its tools.
  const policyFor = (workdir: string, stateDir: string): SandboxPolicy => ({
    name: parsed.policy.name,
    readOnly: [...parsed.policy.readOnly, ...agent.readOnlyPaths, hub.socketDir],
    readWrite: parsed.policy.readWrite.map((p) => p.split('${state}').join(join(stateDir, 'state'))),
    egress: [...parsed.policy.egress, { host: '127.0.0.1', port: ctx.gatewayPort }],
  });

  const agentLog = new ScrubbedLines((t) => ctx.scrubber.scrub(t), (line) => ctx.log?.(line));
  return {
    driver,
    driverInfo,
    agent,
    channel: hub,
    async prepareSandbox(label, snapshotId) {
      const dir = join(runDir, label);
      const stateDir = join(dir, 'state');
      const home = join(dir, 'home'); // the tools' HOME: outside the agent's folder, which they cannot see
      mkdirSync(join(stateDir, 'state'), { recursive: true, mode: 0o700 });
      mkdirSync(home, { recursive: true, mode: 0o700 });
      const folder = await folders.prepare(label, snapshotId);
      const workdir = folder.workdir;
      const gateway = { port: ctx.gatewayPort, ...(ctx.gatewaySocket ? { unixSocket: ctx.gatewaySocket } : {}) };
      return {
        spec: { name: sandboxName(ctx.runId, label), workdir, policy: policyFor(workdir, stateDir), gateway, ...(folder.enter ? { enter: folder.enter } : {}) },
        stateDir,
        home,
        displayName: opts.sandboxLabel ?? `${driver.kind}:${label}`,
        allowed: allowedByPolicy(parsed.policy, { runtimeDir: agent.runtimeDir, internal: [...agent.readOnlyPaths, hub.socketDir, stateDir] }),
        folder: { kind: folder.kind, view: folders.viewOf(label) ?? workdir },
      };
    },
    toolPolicy(s) {
      return {
        name: s.spec.policy.name,
        readWrite: [s.spec.workdir, ...s.spec.policy.readWrite],
        readOnly: s.spec.policy.readOnly,
        egress: s.spec.policy.egress,
        // With a kernel-enforced sandbox the kernel refuses writes outside the
        // policy; the supervisor only pre-empts what the kernel cannot see:
        // file tools run in the agent's own process, which may read its config.
        enforceFilesystem: driver.kind === 'none',
        workspace: s.spec.workdir,
        fileToolsInsideWorkspace: true,
      };
    },
    log: (text) => agentLog.push(text),
    async close() {
      agentLog.flush();
      await folders.close(!opts.keepSandboxes);
      await hub.close();
    },
  };
}
