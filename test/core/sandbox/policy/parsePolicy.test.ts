/** Reading OpenShell-style and flat policy YAML, and the errors users see. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_POLICY_YAML,
  expandPolicy,
  loadPolicyFile,
  parsePolicy,
  PolicyError,
} from '../../../../src/core/sandbox/policy';
import { tempDir } from '../local/fixtures';

function issuesOf(text: string): PolicyError {
  try {
    parsePolicy(text, { source: 'p.yaml' });
  } catch (err) {
    assert.ok(err instanceof PolicyError, String(err));
    return err;
  }
  assert.fail('expected a PolicyError');
}

describe('sandbox policy YAML', () => {
  it('reads the OpenShell shape from its documentation', () => {
    const parsed = parsePolicy(
      `version: 1
filesystem_policy:
  read_only: [/usr, /lib, /etc]
  read_write: [/sandbox, /tmp]
landlock:
  compatibility: best_effort
process:
  run_as_user: sandbox
  run_as_group: sandbox
network_policies:
  my_api:
    name: my-api
    endpoints:
      - host: api.example.com
        port: 443
        protocol: rest
        enforcement: enforce
        access: full
      - host: uploads.example.com
        ports: [443, 8443]
    binaries:
      - path: /usr/bin/curl
`,
      { source: 'openshell.yaml' },
    );
    assert.equal(parsed.format, 'openshell');
    assert.deepEqual(parsed.policy.readOnly, ['/usr', '/lib', '/etc']);
    // filesystem_policy present: include_workdir defaults to false, as in OpenShell.
    assert.deepEqual(parsed.policy.readWrite, ['/sandbox', '/tmp']);
    assert.deepEqual(parsed.policy.egress, [
      { host: 'api.example.com', port: 443 },
      { host: 'uploads.example.com', port: 443 },
      { host: 'uploads.example.com', port: 8443 },
    ]);
    assert.equal(parsed.landlockCompatibility, 'best_effort');
    const warnings = parsed.warnings.join('\n');
    assert.match(warnings, /openshell\.yaml:8:3: process: not applied/);
    assert.match(warnings, /binaries: per-binary rules are not enforced/);
    assert.match(warnings, /L7 inspection/);
    assert.match(warnings, /include_workdir: is false/);
  });

  it('makes the workdir writable when filesystem_policy is absent or include_workdir is true', () => {
    assert.deepEqual(parsePolicy('version: 1\n').policy.readWrite, ['${workspace}']);
    assert.deepEqual(parsePolicy('version: 1\nfilesystem_policy:\n  include_workdir: true\n  read_write: [/x]\n').policy.readWrite, ['${workspace}', '/x']);
  });

  it('reads the flat NemoCognition shape', () => {
    const parsed = parsePolicy(
      `name: mine
read_only: [/usr, "\${runtime}/bin"]
read_write: ["\${workspace}", /var/cache/x/]
egress:
  - 127.0.0.1:8080
  - "[::1]:9090"
  - host: integrate.api.nvidia.com
    port: 443
  - 127.0.0.1:8080
landlock: best_effort
`,
      { variables: { runtime: '/opt/node24' } },
    );
    assert.equal(parsed.format, 'nemocognition');
    assert.equal(parsed.policy.name, 'mine');
    assert.deepEqual(parsed.policy.readOnly, ['/usr', '/opt/node24/bin']);
    assert.deepEqual(parsed.policy.readWrite, ['${workspace}', '/var/cache/x']);
    assert.deepEqual(parsed.policy.egress, [
      { host: '127.0.0.1', port: 8080 },
      { host: '::1', port: 9090 },
      { host: 'integrate.api.nvidia.com', port: 443 },
    ]);
  });

  it('reports every problem with its line and column', () => {
    const err = issuesOf(`version: 1
filesystem_policy:
  read_only: [usr, /a/../b, "\${foo}/x"]
  bogus: 1
network_policies:
  x:
    endpoints:
      - host: a.com
        port: 99999
      - host: b.com
`);
    const text = err.message;
    assert.match(text, /p\.yaml:3:15: filesystem_policy\.read_only\[0\]: 'usr' is not an absolute path/);
    assert.match(text, /p\.yaml:3:20: .*contains '\.\.'/);
    assert.match(text, /p\.yaml:3:29: .*unknown variable \$\{foo\}/);
    assert.match(text, /p\.yaml:4:3: filesystem_policy: unknown field 'bogus'/);
    assert.match(text, /p\.yaml:9:15: network_policies\.x\.endpoints\[0\]\.port: expected a whole number from 1 to 65535/);
    assert.match(text, /p\.yaml:10:9: .*needs a port/);
    assert.match(text, /delete the file to use the default policy/);
    assert.equal(err.issues.length, 6);
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    assert.match(issuesOf('read_only: [/usr\nread_write: []\n').message, /p\.yaml:\d+:\d+: /);
    assert.match(issuesOf('read_only: [/usr]\nread_only: [/x]\n').message, /p\.yaml:2:1: Map keys must be unique/);
    assert.match(issuesOf('').message, /empty/);
    assert.match(issuesOf('version: 2\n').message, /p\.yaml:1:10: version: only version: 1 exists/);
    assert.match(issuesOf('egress: [localhost]\n').message, /'localhost' is not host:port/);
    assert.match(issuesOf('- /usr\n').message, /expected a mapping/);
  });

  it('ships a default policy that parses, and expands the per-sandbox variables', () => {
    const parsed = parsePolicy(DEFAULT_POLICY_YAML, { variables: { runtime: '/opt/node24', state: '/s' } });
    assert.deepEqual(parsed.warnings, []);
    assert.equal(parsed.landlockCompatibility, 'hard_requirement');
    assert.ok(parsed.policy.readOnly.includes('/opt/node24'));
    const expanded = expandPolicy(parsed.policy, { workspace: '/w' });
    assert.deepEqual(expanded.readWrite, ['/w', '/s']);
    assert.throws(() => expandPolicy(parsePolicy(DEFAULT_POLICY_YAML).policy, { workspace: '/w' }), /uses \$\{runtime\}.*no value was given/);
  });

  it('loads .nemocognition/policy.yaml from a workspace, or the default', async () => {
    const ws = tempDir('policy-ws');
    try {
      const fallback = await loadPolicyFile(ws.path);
      assert.equal(fallback.path, null);
      assert.equal(fallback.policy.name, 'default');
      mkdirSync(join(ws.path, '.nemocognition'));
      writeFileSync(join(ws.path, '.nemocognition', 'policy.yaml'), 'read_only: [/usr]\negress: [127.0.0.1:1]\n');
      const own = await loadPolicyFile(ws.path);
      assert.equal(own.path, join(ws.path, '.nemocognition', 'policy.yaml'));
      assert.deepEqual(own.policy.egress, [{ host: '127.0.0.1', port: 1 }]);
    } finally {
      ws.cleanup();
    }
  });
});
