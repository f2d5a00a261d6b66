/**
 * Hole 1 of issue 13: `nemocognition.sandbox.remoteHost` (which a cloned
 * repository's .vscode/settings.json can set) reached `ssh` as a positional
 * argument with no `--`: `-oProxyCommand=...` ran a local command.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hostAliasProblem, InvalidHostError } from '../../src/core/sandbox/ssh/hostAlias';
import { SshTransport } from '../../src/core/sandbox/ssh/transport';
import { requireBinary } from '../support/realParts';

describe('hole 1: SSH option injection through the remote host setting', function () {
  this.timeout(60_000);
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-sshinj-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a hostile remote host such as -oProxyCommand=... never runs a local command with the real OpenSSH client', async function () {
    requireBinary(this, 'ssh', 'the OpenSSH client');
    const marker = path.join(tmp, 'pwned');
    const hostile = `-oProxyCommand=touch ${marker}`;
    let err: unknown;
    let transport: SshTransport | undefined;
    try {
      transport = new SshTransport({ host: hostile, connectTimeoutSec: 3 });
      await transport.exec(['true']);
    } catch (e) {
      err = e;
    } finally {
      await transport?.close().catch(() => undefined);
    }
    assert.equal(fs.existsSync(marker), false, 'ssh ran the ProxyCommand from the host setting');
    assert.ok(err instanceof InvalidHostError, `expected InvalidHostError, got ${String(err)}`);
    assert.match((err as InvalidHostError).message, /starts with "-"/);
    assert.match((err as InvalidHostError).fix, /~\/\.ssh\/config/);
  });

  it('puts -- before the host in every ssh command line', async () => {
    // A stand-in ssh that records its argv (fields end with RS, calls with US) and succeeds.
    const log = path.join(tmp, 'argv.log');
    const fake = path.join(tmp, 'ssh');
    fs.writeFileSync(fake, `#!/bin/sh\nfor a in "$@"; do printf '%s\\036' "$a" >> '${log}'; done\nprintf '\\037' >> '${log}'\nexit 0\n`, { mode: 0o755 });
    const t = new SshTransport({ host: 'dev-box.example_1', sshPath: fake });
    try {
      await t.connect();
      fs.writeFileSync(t.controlPath, ''); // as if the master were up
      await t.isConnected();
      await t.exec(['echo', 'hi']);
      await t.cancelForward(1); // unknown forward: no call
    } finally {
      await t.close();
    }
    const calls = fs.readFileSync(log, 'utf8').split('\u001f').slice(0, -1).map((l) => l.split('\u001e').slice(0, -1));
    assert.ok(calls.length >= 4, `expected several ssh calls, got ${calls.length}`);
    for (const argv of calls) {
      const i = argv.indexOf('dev-box.example_1');
      assert.ok(i > 0, `host missing in ${JSON.stringify(argv)}`);
      assert.equal(argv[i - 1], '--', `no -- before the host in ${JSON.stringify(argv)}`);
    }
  });

  it('accepts host aliases, user@host and addresses; refuses options, spaces and control characters', () => {
    for (const ok of ['devbox', 'dev-box.example.com', 'openshell-nc-demo', 'alice@build-01', '10.0.0.7', 'fe80::1%eth0', 'user_1@host_2']) {
      assert.equal(hostAliasProblem(ok), null, ok);
    }
    for (const bad of ['', '-oProxyCommand=id', '-p', 'host -oProxyCommand=id', 'a\nb', 'evil;id', 'x@-oProxyCommand=id', '@host', 'h$(id)', "h'q"]) {
      assert.notEqual(hostAliasProblem(bad), null, JSON.stringify(bad));
    }
  });
});
