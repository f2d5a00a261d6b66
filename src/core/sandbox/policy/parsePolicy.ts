/**
 * Reads a sandbox policy YAML into the driver's SandboxPolicy. Two shapes are
 * accepted: OpenShell's own policy schema (version: 1, filesystem_policy,
 * landlock, process, network_policies), so one file serves both the local
 * driver and a NemoClaw/OpenShell sandbox, and a flat NemoCognition shape
 * (read_only, read_write, egress) for hand-written policies.
 */
import { LineCounter, parseDocument, type Node } from 'yaml';
import type { SandboxPolicy } from '../driver';
import { PolicyError } from './policyError';
import { isKnownVariable, substitute, variablesIn, type PolicyVariables } from './variables';
import { YamlReader, type Located } from './yamlReader';
import { readOpenShellShape } from './openShellShape';

export type LandlockCompatibility = 'best_effort' | 'hard_requirement';

export interface ParsedPolicy {
  policy: SandboxPolicy;
  format: 'openshell' | 'nemocognition';
  /**
   * hard_requirement (our default, stricter than OpenShell's): refuse to run
   * when the kernel cannot enforce TCP port rules. best_effort: run degraded,
   * with a warning.
   */
  landlockCompatibility: LandlockCompatibility;
  /** Parts of the policy the local driver does not enforce, with their line. */
  warnings: string[];
}

export interface ParseOptions {
  /** File name for messages. */
  source?: string;
  /** Policy name recorded on spans (defaults to `source`). */
  name?: string;
  /** Placeholders to substitute now; the others stay for the driver (see variables.ts). */
  variables?: PolicyVariables;
}

/** Raw, still-unvalidated content of either shape, before paths are checked. */
export interface PolicyDraft {
  name?: string;
  readOnly: Located<string>[];
  readWrite: Located<string>[];
  egress: Array<{ host: string; port: number }>;
  landlockCompatibility?: LandlockCompatibility;
}

const MAX_POLICY_BYTES = 4 * 1024 * 1024;

export function parsePolicy(text: string, opts: ParseOptions = {}): ParsedPolicy {
  const source = opts.source ?? 'policy.yaml';
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) {
    throw new PolicyError(source, [{ line: 0, col: 0, path: '', message: 'the file is larger than 4 MiB' }]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PolicyError(
      source,
      doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return { line, col, path: '', message: e.message.split('\n')[0]! };
      }),
    );
  }
  const reader = new YamlReader(lines, source);
  const root = doc.contents as Node | null;
  if (root === null || root === undefined) {
    throw new PolicyError(source, [{ line: 0, col: 0, path: '', message: 'the file is empty; start from the default policy' }]);
  }
  const top = reader.map(root, '');
  let draft: PolicyDraft | undefined;
  let format: ParsedPolicy['format'] = 'openshell';
  if (top?.has('version')) {
    draft = readOpenShellShape(reader, root);
  } else if (top) {
    format = 'nemocognition';
    draft = readSimpleShape(reader, root);
  }
  const vars = opts.variables ?? {};
  const checkPath = (p: Located<string>) => {
    for (const name of variablesIn(p.value)) {
      if (!isKnownVariable(name)) {
        reader.issues.push({ ...p, message: `unknown variable \${${name}}; known: \${workspace}, \${state}, \${tmp}, \${home}, \${runtime}` });
        return undefined;
      }
    }
    if (!p.value.startsWith('/') && !p.value.startsWith('${')) {
      reader.issues.push({ ...p, message: `'${p.value}' is not an absolute path (start it with / or a variable such as \${workspace})` });
      return undefined;
    }
    if (p.value.split('/').includes('..')) {
      reader.issues.push({ ...p, message: `'${p.value}' contains '..'; write the path it leads to instead` });
      return undefined;
    }
    return substitute(p.value.length > 1 ? p.value.replace(/\/+$/, '') : p.value, vars);
  };
  const readOnly = (draft?.readOnly ?? []).map(checkPath);
  const readWrite = (draft?.readWrite ?? []).map(checkPath);
  if (reader.issues.length > 0 || !draft) throw new PolicyError(source, reader.issues);
  const seen = new Set<string>();
  const egress = draft.egress.filter((e) => {
    const key = `${e.host}:${e.port}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return {
    policy: {
      name: opts.name ?? draft.name ?? source,
      readOnly: unique(readOnly as string[]),
      readWrite: unique(readWrite as string[]),
      egress,
    },
    format,
    landlockCompatibility: draft.landlockCompatibility ?? 'hard_requirement',
    warnings: reader.warnings,
  };
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

const SIMPLE_KEYS = ['name', 'read_only', 'read_write', 'egress', 'landlock'] as const;

function readSimpleShape(r: YamlReader, root: Node): PolicyDraft {
  const top = r.map(root, '', SIMPLE_KEYS) ?? new Map<string, Node | null>();
  const egress: PolicyDraft['egress'] = [];
  r.seq(top.get('egress'), 'egress').forEach((item, i) => {
    const path = `egress[${i}]`;
    const asText = (item as { value?: unknown }).value;
    if (typeof asText === 'string') {
      const m = /^(\[[^\]]+\]|[^:\s]+):(\d+)$/.exec(asText);
      const port = m ? Number(m[2]) : NaN;
      if (!m || port < 1 || port > 65535) {
        r.fail(item, path, `'${asText}' is not host:port (e.g. 127.0.0.1:8080 or integrate.api.nvidia.com:443)`);
        return;
      }
      egress.push({ host: m[1]!.replace(/^\[|\]$/g, ''), port });
      return;
    }
    const fields = r.map(item, path, ['host', 'port']);
    const host = r.str(fields?.get('host'), `${path}.host`);
    const port = r.int(fields?.get('port'), `${path}.port`, 1, 65535);
    if (fields && (!host || !port)) {
      if (!fields.has('host') || !fields.has('port')) r.fail(item, path, 'an egress entry needs both host and port');
      return;
    }
    if (host && port) egress.push({ host: host.value, port: port.value });
  });
  return {
    name: r.str(top.get('name'), 'name')?.value,
    readOnly: r.strList(top.get('read_only'), 'read_only'),
    readWrite: r.strList(top.get('read_write'), 'read_write'),
    egress,
    landlockCompatibility: r.oneOf(top.get('landlock'), 'landlock', ['best_effort', 'hard_requirement']) as LandlockCompatibility | undefined,
  };
}
