/** TCP ports for tests: a free one to listen on, and a closed one (nothing listens) to be refused by. */
import * as net from 'node:net';

/** A free TCP port on `host` (0.0.0.0 for a server that binds every interface). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A port nothing listens on (bound, then closed): connections to it are refused. */
export const closedPort = (): Promise<number> => freePort();
