/**
 * Reads a sandbox policy YAML into the driver's SandboxPolicy. Two shapes are
 * accepted: OpenShell's own policy schema (version: 1, filesystem_policy,
 * landlock, process, network_policies), so one file serves both the local
 * driver and a NemoClaw/OpenShell sandbox, and a flat NemoCognition shape
 * (read_only, read_write, egress) for hand-written policies.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import type { SandboxPolicy } from '../driver';
import { PolicyError } from './policyError';
import { checkPolicyPath } from './pathRules';
import { substitute, type PolicyVariables } from './variables';
import { checkYamlLimits } from './yamlLimits';
import { shown, YamlReader, type Located } from './yamlReader';
import { readOpenShellShape } from './openShellShape';
import { hostProblem } from './hostRules';

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

/**
 * Throws PolicyError, and only PolicyError, for anything wrong with `text`:
 * hostile input included (see yamlLimits.ts for why size and nesting are
 * checked before composing).
 */
export function parsePolicy(text: string, opts: ParseOptions = {}): ParsedPolicy {
  const source = opts.source ?? 'policy.yaml';
  const lines = new LineCounter();
  const limit = checkYamlLimits(text);
  if (limit) {
    const at = limit.offset > 0 ? lineCol(text, limit.offset) : { line: 0, col: 0 };
    throw new PolicyError(source, [{ ...at, path: '', message: limit.message }]);
  }
  // uniqueKeys is checked by YamlReader.map in linear time (yaml's own check is quadratic in the keys of a map).
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
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
  const openShell = isMap(root) && root.items.some((pair) => isScalar(pair.key) && pair.key.value === 'version');
  const format: ParsedPolicy['format'] = openShell ? 'openshell' : 'nemocognition';
  const draft: PolicyDraft = openShell ? readOpenShellShape(reader, root) : readSimpleShape(reader, root);
  const vars = opts.variables ?? {};
  const checkPath = (p: Located<string>) => {
    const checked = checkPolicyPath(p.value);
    if (!checked.ok) {
      reader.issues.push({ ...p, message: checked.message });
      return undefined;
    }
    return substitute(checked.path, vars);
  };
  const readOnly = (draft?.readOnly ?? []).map(checkPath);
  const readWrite = (draft?.readWrite ?? []).map(checkPath);
  if (reader.issues.length > 0) throw new PolicyError(source, reader.issues);
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

function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
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
      const m = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(asText);
      const port = m ? Number(m[2]) : NaN;
      if (!m || port < 1 || port > 65535) {
        r.fail(item, path, `'${shown(asText)}' is not host:port (e.g. 127.0.0.1:8080 or integrate.api.nvidia.com:443)`);
        return;
      }
      const host = m[1]!.replace(/^\[|\]$/g, '');
      const bad = hostProblem(host);
      if (bad) {
        r.fail(item, path, bad);
        return;
      }
      egress.push({ host, port });
      return;
    }
    const fields = r.map(item, path, ['host', 'port']);
    const host = r.host(fields?.get('host'), `${path}.host`);
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
