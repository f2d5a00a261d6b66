/**
 * Issue 13, hole 4: "network filtering is by port only" — any host on the
 * gateway's port was reachable and UDP was not filtered at all, and a refused
 * connection showed only in the tool's output. On the real kernel: the agent
 * reaches the gateway (through the relay in its own network namespace) and
 * nothing else, and every refused attempt is reported by the sandbox itself
 * with its address, port and protocol.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { NetworkRefusal, SandboxEvent } from '../../src/core/sandbox/driver';
import { enforcedFacts } from '../../src/core/sandbox/local/attestation';
import { LocalSandboxDriver } from '../../src/core/sandbox/local/driver';
import { cleanupLauncher, driverFor, policy, spec, tcpServer, tempDir } from '../core/sandbox/local/fixtures';


function listen(server: Server, where: string | number): Promise<number> {
  return new Promise((resolve) => {
    if (typeof where === 'string') server.listen(where, () => resolve(0));
    else server.listen(where, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

/** A script for the sandbox: tries each target and prints one line per attempt. */
function probeScript(gatewayPort: number, otherPort: number, udpPort: number): string {
  return `
const net = require('net'), dgram = require('dgram');
const out = (k, v) => console.log(k + ' ' + v);
const tcp = (k, host, port) => new Promise((r) => net.connect(port, host)
  .on('data', (d) => { out(k, 'data:' + String(d).trim()); r(); })
  .on('error', (e) => { out(k, e.code); r(); }));
(async () => {
  await tcp('gateway', '127.0.0.1', ${gatewayPort});
  await tcp('other-port', '127.0.0.1', ${otherPort});
  await tcp('other-host', '10.255.255.1', ${gatewayPort});
  await new Promise((r) => { const u = dgram.createSocket('udp4'); u.send('leak', ${udpPort}, '127.0.0.1', (e) => { out('udp', e ? e.code : 'sent'); u.close(); r(); }); });
})();`;
}

for (const mode of ['landlock+bwrap', 'landlock only'] as const) {
  describe(`hole 4: network filtered by port only — now the gateway and nothing else (${mode})`, function () {
    this.timeout(60_000);
    let dir: ReturnType<typeof tempDir>;
    let driver: LocalSandboxDriver;
    const servers: Server[] = [];

    before(function () {
      dir = tempDir('net');
      driver = driverFor(this, mode, join(dir.path, 'state'));
    });
    after(() => {
      for (const s of servers) s.close();
      dir?.cleanup();
      cleanupLauncher();
    });

    it('reaches the gateway; another loopback port, another host and UDP are refused, each reported with address, port and protocol', async () => {
      const socketPath = join(dir.path, 'gateway.sock');
      const gatewayTcp = createServer((s) => s.end('gateway\n'));
      const gatewayUnix = createServer((s) => s.end('gateway\n'));
      servers.push(gatewayTcp, gatewayUnix);
      // The relay listens inside the namespace; without one, the gateway is the host's own port.
      const gatewayPort = await listen(gatewayTcp, 0);
      await listen(gatewayUnix, socketPath);
      const other = await tcpServer();
      const udp = createSocket('udp4');
      const received: string[] = [];
      udp.on('message', (m) => received.push(String(m)));
      await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
      const udpPort = udp.address().port;
      const events: SandboxEvent[] = [];
      try {
        const work = tempDir('net-work');
        try {
          const s = { ...spec(work.path, policy()), gateway: { port: gatewayPort, unixSocket: socketPath } };
          const r = await driver.exec(s, ['node', '-e', probeScript(gatewayPort, other.port, udpPort)], { onSandboxEvent: (e) => events.push(e) });
          assert.equal(r.exitCode, 0, r.stderr);
          const lines = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split(' ')));
          assert.equal(lines.gateway, 'data:gateway', r.stdout);
          assert.equal(lines['other-port'], 'EACCES');
          assert.equal(lines['other-host'], 'EACCES');
          assert.equal(lines.udp, 'EACCES');
          await new Promise((res) => setTimeout(res, 200));
          assert.deepEqual(received, [], 'a UDP packet left the sandbox');

          const refusals = events.filter((e): e is NetworkRefusal => e.type === 'net');
          const seen = refusals.map((e) => `${e.proto} ${e.address}:${e.port}`).sort();
          assert.deepEqual(seen, [`tcp 10.255.255.1:${gatewayPort}`, `tcp 127.0.0.1:${other.port}`, `udp 127.0.0.1:${udpPort}`].sort());
          for (const e of refusals) {
            assert.equal(e.verdict, 'deny');
            assert.ok(e.reason.length > 3 && e.time > 0 && e.pid > 0, JSON.stringify(e));
          }

          // The attestation comes from inside the sandbox and says what was really applied.
          assert.ok(r.enforced, 'the launcher attested what it applied');
          const facts = enforcedFacts(r.enforced);
          assert.ok(facts.layers.includes('net-monitor'));
          if (mode === 'landlock+bwrap') {
            assert.deepEqual(facts.namespaces.filter((n) => ['mnt', 'pid', 'ipc', 'net'].includes(n)), ['ipc', 'mnt', 'net', 'pid']);
            assert.deepEqual(r.enforced.interfaces, ['lo']);
            assert.equal(r.enforced.relay, `127.0.0.1:${gatewayPort}`);
            assert.match(facts.networkRule, /own network namespace/);
          } else {
            assert.deepEqual(facts.namespaces, []);
            assert.deepEqual(r.enforced.landlock.connectPorts, [gatewayPort]);
          }
        } finally {
          work.cleanup();
        }
      } finally {
        udp.close();
        await other.close();
      }
    });
  });
}
