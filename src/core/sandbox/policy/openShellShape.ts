/**
 * OpenShell's policy schema (docs.nvidia.com/openshell, "Policy Schema
 * Reference"; proto/sandbox.proto in NVIDIA/OpenShell). Only what the local
 * driver can enforce is kept; the rest is accepted, so the same file works in
 * an OpenShell sandbox, and reported as a warning.
 */
import { isScalar, type Node } from 'yaml';
import type { LandlockCompatibility, PolicyDraft } from './parsePolicy';
import type { YamlReader } from './yamlReader';

const TOP_KEYS = ['version', 'filesystem_policy', 'landlock', 'process', 'network_policies', 'network_middlewares'] as const;
const FS_KEYS = ['include_workdir', 'read_only', 'read_write'] as const;
const RULE_KEYS = ['name', 'endpoints', 'binaries'] as const;
/** NetworkEndpoint's fields; those past `ports` are L7 settings enforced only by OpenShell's proxy. */
const ENDPOINT_KEYS = [
  'host', 'port', 'ports', 'allowed_ips',
  'protocol', 'tls', 'enforcement', 'access', 'rules', 'deny_rules', 'allow_encoded_slash', 'persisted_queries',
  'graphql_persisted_queries', 'graphql_max_body_bytes', 'path', 'websocket_credential_rewrite',
  'request_body_credential_rewrite', 'credential_signing', 'signing_service', 'signing_region',
  'json_rpc_max_body_bytes', 'mcp', 'allow_uninspected_credentials',
] as const;
const L4_KEYS = new Set(['host', 'port', 'ports', 'allowed_ips']);

export function readOpenShellShape(r: YamlReader, root: Node): PolicyDraft {
  const top = r.map(root, '', TOP_KEYS) ?? new Map<string, Node | null>();
  const versionNode = top.get('version');
  if (!isScalar(versionNode) || versionNode.value !== 1) r.fail(versionNode ?? root, 'version', 'only version: 1 exists');

  // OpenShell: with no filesystem_policy the workdir is writable; once the section exists, include_workdir defaults to false.
  const fs = r.map(top.get('filesystem_policy'), 'filesystem_policy', FS_KEYS);
  const includeWorkdir = fs ? (r.bool(fs.get('include_workdir'), 'filesystem_policy.include_workdir') ?? false) : true;
  const readOnly = r.strList(fs?.get('read_only'), 'filesystem_policy.read_only');
  const readWrite = r.strList(fs?.get('read_write'), 'filesystem_policy.read_write');
  if (includeWorkdir) readWrite.unshift({ value: '${workspace}', line: 0, col: 0, path: 'filesystem_policy.include_workdir' });
  else if (fs) {
    r.warn(top.get('filesystem_policy'), 'filesystem_policy.include_workdir', 'is false, but the local driver always lets the agent write its own sandbox folder');
  }

  const landlock = r.map(top.get('landlock'), 'landlock', ['compatibility']);
  const compatibility = r.oneOf(landlock?.get('compatibility'), 'landlock.compatibility', ['best_effort', 'hard_requirement']);

  const proc = r.map(top.get('process'), 'process', ['run_as_user', 'run_as_group']);
  if (proc && proc.size > 0) r.warn(top.get('process'), 'process', 'not applied by the local driver: the agent runs as the current user (with its capabilities dropped)');
  if (top.has('network_middlewares')) r.warn(top.get('network_middlewares'), 'network_middlewares', 'not applied by the local driver (it has no proxy)');

  const egress: PolicyDraft['egress'] = [];
  const rules = r.map(top.get('network_policies'), 'network_policies');
  let warnedL7 = false;
  for (const [key, ruleNode] of rules ?? []) {
    const base = `network_policies.${key}`;
    const rule = r.map(ruleNode, base, RULE_KEYS);
    if (!rule) continue;
    r.str(rule.get('name'), `${base}.name`);
    const binaries = r.seq(rule.get('binaries'), `${base}.binaries`);
    binaries.forEach((b, i) => r.str(r.map(b, `${base}.binaries[${i}]`, ['path', 'harness'])?.get('path'), `${base}.binaries[${i}].path`));
    if (binaries.length > 0) {
      r.warn(rule.get('binaries'), `${base}.binaries`, 'per-binary rules are not enforced by the local driver: every process in the sandbox may reach these endpoints');
    }
    r.seq(rule.get('endpoints'), `${base}.endpoints`).forEach((epNode, i) => {
      const path = `${base}.endpoints[${i}]`;
      const ep = r.map(epNode, path, ENDPOINT_KEYS);
      if (!ep) return;
      const host = r.host(ep.get('host'), `${path}.host`)?.value ?? (ep.has('allowed_ips') ? '*' : undefined);
      if (!host && !ep.has('host')) r.fail(epNode, path, 'an endpoint needs a host (or allowed_ips)');
      const ports = ep.has('ports')
        ? r.seq(ep.get('ports'), `${path}.ports`).map((p, j) => r.int(p, `${path}.ports[${j}]`, 1, 65535)?.value)
        : [r.int(ep.get('port'), `${path}.port`, 1, 65535)?.value];
      if (!ep.has('port') && !ep.has('ports')) r.fail(epNode, path, 'an endpoint needs a port (or ports: [..])');
      if (!warnedL7 && [...ep.keys()].some((k) => !L4_KEYS.has(k))) {
        warnedL7 = true;
        r.warn(epNode, path, 'protocol/access/rules/tls (L7 inspection) are enforced only inside OpenShell; the local driver allows or denies whole TCP ports');
      }
      for (const port of ports) if (host && port) egress.push({ host, port });
    });
  }
  return { readOnly, readWrite, egress, landlockCompatibility: compatibility as LandlockCompatibility | undefined };
}
