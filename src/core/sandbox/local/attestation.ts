/**
 * The launcher's attestation (one JSON line written just before it starts the
 * command, see EnforcedSandbox): checked against what the driver planned, and
 * turned into the facts a run records on its AGENT span and shows in its
 * summary. These facts come from inside the sandbox, so they prove the
 * sandbox was on, not merely requested.
 */
import { readlinkSync } from 'node:fs';
import type { EnforcedSandbox } from '../driver';
import type { SandboxLayout } from './commandLine';

function hostNamespace(ns: string): string | undefined {
  try {
    return readlinkSync(`/proc/self/ns/${ns}`);
  } catch {
    return undefined;
  }
}

/** Namespaces the sandbox does not share with this (host) process. */
export function ownNamespaces(e: EnforcedSandbox): string[] {
  return Object.entries(e.namespaces)
    .filter(([ns, id]) => id && hostNamespace(ns) !== undefined && hostNamespace(ns) !== id)
    .map(([ns]) => ns)
    .sort();
}

/** What differs between the plan and what the launcher says it applied; empty when they agree. */
export function attestationProblems(layout: SandboxLayout, e: EnforcedSandbox): string[] {
  const problems: string[] = [];
  if (e.landlock.abi !== layout.landlockAbi || !e.landlock.fs) problems.push(`Landlock ABI ${e.landlock.abi} applied, ${layout.landlockAbi} planned`);
  if (layout.landlockAbi >= 4 && !layout.allowDegraded) {
    if (!e.landlock.tcp) problems.push('no Landlock TCP rules');
    const want = [...new Set(layout.connectPorts)].sort((a, b) => a - b).join(',');
    const got = [...e.landlock.connectPorts].sort((a, b) => a - b).join(',');
    if (want !== got) problems.push(`TCP ports ${got || 'none'} allowed, ${want || 'none'} planned`);
  }
  if (!e.capsDropped) problems.push('capabilities kept');
  if (layout.net?.monitor && !e.netMonitor) problems.push('no network monitor');
  const own = ownNamespaces(e);
  if (layout.bwrap) for (const ns of ['mnt', 'pid', 'ipc']) if (!own.includes(ns)) problems.push(`the ${ns} namespace is the host's`);
  if (layout.net?.isolate) {
    if (!own.includes('net')) problems.push("the network namespace is the host's");
    if (e.interfaces.some((i) => i !== 'lo')) problems.push(`network interfaces ${e.interfaces.join(', ')} are visible`);
    if (layout.net.gateway && e.relay !== `127.0.0.1:${layout.net.gateway.port}`) problems.push('no relay to the gateway');
  }
  for (const h of e.hidden) if (h.state !== 'hidden' && h.state !== 'absent') problems.push(`${h.path} is ${h.state}`);
  return problems;
}

export interface EnforcedFacts {
  /** e.g. ["landlock-fs", "landlock-net-tcp", "landlock-scope-signal", "caps-dropped", "ns-mnt", "ns-net", "net-monitor"]. */
  layers: string[];
  landlockAbi: number;
  namespaces: string[];
  hiddenPaths: string[];
  /** One line: what the network allowed, as enforced. */
  networkRule: string;
}

export function enforcedFacts(e: EnforcedSandbox): EnforcedFacts {
  const namespaces = ownNamespaces(e);
  const layers = ['landlock-fs'];
  if (e.landlock.tcp) layers.push('landlock-net-tcp');
  for (const s of e.landlock.scoped) layers.push(`landlock-scope-${s}`);
  if (e.capsDropped) layers.push('caps-dropped');
  if (e.noNewPrivs) layers.push('no-new-privs');
  for (const ns of namespaces) layers.push(`ns-${ns}`);
  if (e.netMonitor) layers.push('net-monitor');
  const hiddenPaths = e.hidden.filter((h) => h.state === 'hidden').map((h) => h.path);
  if (hiddenPaths.length) layers.push('hidden-sockets');
  const ports = e.landlock.connectPorts.join(', ') || 'none';
  const networkRule = namespaces.includes('net') && e.interfaces.every((i) => i === 'lo')
    ? `TCP to ${e.relay ?? 'nothing'} only (own network namespace, interfaces: ${e.interfaces.join(', ') || 'none'}${e.relay ? ', relay to the gateway' : ''})${e.netMonitor ? '; every other attempt refused and reported' : ''}`
    : `host network; TCP connect to port(s) ${ports} only${e.netMonitor ? '; other addresses and UDP refused and reported' : ''}`;
  return { layers, landlockAbi: e.landlock.abi, namespaces, hiddenPaths, networkRule };
}
