import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { zlibStored } from '../../../src/core/snapshots/objects';

/** Small tree deltas are kept in zlib streams with stored (uncompressed) blocks: any inflate reads them. */
describe('snapshots: zlib streams with stored blocks', () => {
  it('inflate gives back the bytes, at every block boundary', () => {
    for (const n of [0, 1, 100, 1023, 65534, 65535, 65536, 131071, 131070 + 5, 200_000]) {
      const x = randomBytes(n);
      assert.ok(inflateSync(zlibStored(x)).equals(x), `${n} bytes`);
    }
  });

  it('a damaged stream is refused by inflate (its Adler-32 is checked)', () => {
    const z = zlibStored(Buffer.from('{"set":[],"del":["a"]}'));
    z[z.length - 1] ^= 1;
    assert.throws(() => inflateSync(z));
  });
});
