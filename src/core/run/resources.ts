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
}

export interface RunResources {
  driver: SandboxDriver;
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
  scrubber: Scrubber;
  engine: SnapshotEngine;
  log?: (text: string) => void;
  /** A message on the supervisor channel was refused (wrong secret, malformed). */
  onChannelRejected?: (reason: string) => void;
}

export async function openRunResources(opts: SupervisedRunOptions, ctx: ResourceContext): Promise<RunResources> {
  const agent = await OpenClawAgent.locate();
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
      : new LocalSandboxDriver({ variables, allowDegraded: parsed.landlockCompatibility === 'best_effort' });
  if (opts.driver === 'nemoclaw') {
    // TODO(nemocog): run the whole agent through NemoClawDriver (tested on its own against the fake CLI).
    throw Object.assign(new Error('The NemoClaw driver can be used from the NemoClaw recovery tests, but not yet for a full supervised run.'), {
      fix: 'Choose the "local" sandbox driver (nemocognition.sandbox.driver) for now.',
    });
  }
  await driver.checkAvailable();
  const hub = await SupervisorHub.start(ctx.nc, ctx.runId, ctx.scrubber, ctx.onChannelRejected);
  const runDir = join(ctx.nc, 'sandboxes', ctx.runId);

  const policyFor = (workdir: string, stateDir: string): SandboxPolicy => ({
    name: parsed.policy.name,
    readOnly: [...parsed.policy.readOnly, ...agent.readOnlyPaths, hub.socketDir],
    readWrite: [...parsed.policy.readWrite.map((p) => p.replace('${state}', stateDir)), stateDir],
    egress: [...parsed.policy.egress, { host: '127.0.0.1', port: ctx.gatewayPort }],
  });

  const agentLog = new ScrubbedLines((t) => ctx.scrubber.scrub(t), (line) => ctx.log?.(line));
  return {
    driver,
    agent,
    channel: hub,
    async prepareSandbox(label, snapshotId) {
      const dir = join(runDir, label);
      const workdir = join(dir, 'work');
      const stateDir = join(dir, 'state');
      mkdirSync(workdir, { recursive: true });
      mkdirSync(stateDir, { recursive: true, mode: 0o700 });
      await ctx.engine.materialise(snapshotId, workdir);
      return {
        spec: { name: sandboxName(ctx.runId, label), workdir, policy: policyFor(workdir, stateDir) },
        stateDir,
        displayName: `${driver.kind}:${label}`,
        allowed: allowedByPolicy(parsed.policy, { runtimeDir: agent.runtimeDir, internal: [...agent.readOnlyPaths, hub.socketDir, stateDir] }),
      };
    },
    toolPolicy(s) {
      return {
        name: s.spec.policy.name,
        readWrite: [s.spec.workdir, ...s.spec.policy.readWrite],
        readOnly: s.spec.policy.readOnly,
        egress: s.spec.policy.egress,
        // With a kernel-enforced sandbox the kernel refuses writes outside the
        // policy; the supervisor only pre-empts what the kernel cannot see.
        enforceFilesystem: driver.kind === 'none',
      };
    },
    log: (text) => agentLog.push(text),
    async close() {
      agentLog.flush();
      await hub.close();
    },
  };
}
