import * as assert from 'node:assert/strict';
import { classifySshStderr } from '../../../../src/core/sandbox/ssh/errors';

// Messages as OpenSSH 9.x prints them.
const CASES: Array<[string, string | undefined]> = [
  ['ssh: connect to host 127.0.0.1 port 2: Connection refused', 'refused'],
  ['kex_exchange_identification: Connection closed by remote host\r\nConnection closed by 127.0.0.1 port 22', 'refused'],
  ['root@127.0.0.1: Permission denied (publickey).', 'auth'],
  ['ssh: Could not resolve hostname nope.invalid: Name or service not known', 'host-unknown'],
  ['No ED25519 host key is known for example.com and you have requested strict checking.\r\nHost key verification failed.', 'host-key'],
  ['ssh: connect to host 10.255.255.1 port 22: Connection timed out', 'unreachable'],
  ['Warning: remote port forwarding failed for listen port 80', 'forward-failed'],
  ['Connection to 127.0.0.1 closed by remote host.', 'dropped'],
  ['client_loop: send disconnect: Broken pipe', 'dropped'],
  ['some output of the remote command', undefined],
  ['', undefined],
];

describe('classifySshStderr', () => {
  for (const [stderr, kind] of CASES) {
    it(`${JSON.stringify(stderr.slice(0, 50))} -> ${kind ?? 'not an ssh failure'}`, () => {
      const e = classifySshStderr(stderr, { host: 'devbox', configFile: '/cfg' });
      assert.equal(e?.kind, kind);
      if (e) {
        assert.ok(e.fix.length > 20, 'every error says what to do');
        assert.match(e.message, /devbox/);
      }
    });
  }
});
