/**
 * The answer of a remote snapshot store is untrusted: objects are stored only
 * when they are the bytes of the hash that was asked for, in the kind asked
 * for; nothing unasked-for is stored; a malformed stream stops the fetch.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { ObjectReceiver } from '../../../src/core/replica/objectFetch';
import { ObjectStore } from '../../../src/core/snapshots/objects';
import { hashTreeBytes, serializeTree } from '../../../src/core/snapshots/tree';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const obj = (kind: 'b' | 't', raw: Buffer, codec: '0' | 'z' = '0') => Buffer.concat([Buffer.from(`NC${kind}${codec}`, 'latin1'), codec === 'z' ? deflateSync(raw) : raw]);
const frame = (hash: string, data: Buffer | null) =>
  data === null ? Buffer.from(`${hash.slice(0, 2)}/${hash.slice(2)} -\n`) : Buffer.concat([Buffer.from(`${hash.slice(0, 2)}/${hash.slice(2)} ${data.length}\n`), data]);

describe('fetching snapshot objects from an untrusted peer', () => {
  let dir: string;
  let store: ObjectStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nc-fetch-'));
    store = new ObjectStore(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores sound blobs and trees (raw or compressed), in pieces of any size', () => {
    const blob = Buffer.from('export const greet = (n: string) => `hi ${n}`;\n'.repeat(200));
    const tree = serializeTree([{ name: 'a.ts', type: 'file', mode: 0o644, size: blob.length, hash: sha(blob) }]);
    const rx = new ObjectReceiver([{ hash: sha(blob), kind: 'b' }, { hash: hashTreeBytes(tree), kind: 't' }], store);
    const stream = Buffer.concat([Buffer.from('Welcome banner from a login shell\n'), frame(sha(blob), obj('b', blob, 'z')), frame(hashTreeBytes(tree), obj('t', tree))]);
    for (let i = 0; i < stream.length; i += 7) rx.push(stream.subarray(i, i + 7));
    const r = rx.finish();
    assert.deepEqual(r.rejected, []);
    assert.deepEqual(r.stored.sort(), [sha(blob), hashTreeBytes(tree)].sort());
    assert.deepEqual(store.read(sha(blob), 'b'), blob);
    assert.deepEqual(store.read(hashTreeBytes(tree), 't'), tree);
  });

  it('rejects content that does not match its name, the wrong kind, and a bad header', () => {
    const good = Buffer.from('good');
    const evil = Buffer.from('evil');
    const asTree = Buffer.from('[]');
    const rx = new ObjectReceiver(
      [{ hash: sha(good), kind: 'b' }, { hash: sha(asTree), kind: 'b' }, { hash: sha(Buffer.from('x')), kind: 'b' }],
      store,
    );
    rx.push(frame(sha(good), obj('b', evil)));
    rx.push(frame(sha(asTree), obj('t', asTree)));
    rx.push(frame(sha(Buffer.from('x')), Buffer.from('XXb0x')));
    const r = rx.finish();
    assert.deepEqual(r.stored, []);
    assert.deepEqual(r.rejected.map((x) => x.why), ['content does not match its hash', 'expected a blob, got kind "t"', 'bad header']);
    assert.equal(store.has(sha(good)), false);
  });

  it('ignores objects nobody asked for, and counts unanswered ones as missing', () => {
    const asked = Buffer.from('asked');
    const other = Buffer.from('not asked');
    const rx = new ObjectReceiver([{ hash: sha(asked), kind: 'b' }, { hash: sha(Buffer.from('absent')), kind: 'b' }, { hash: 'not-a-hash', kind: 'b' }], store);
    assert.equal(rx.pending, 2, 'a malformed hash is never requested');
    rx.push(frame(sha(other), obj('b', other)));
    rx.push(frame(sha(asked), obj('b', asked)));
    const r = rx.finish();
    assert.deepEqual(r.stored, [sha(asked)]);
    assert.deepEqual(r.missing, [sha(Buffer.from('absent'))]);
    assert.equal(store.has(sha(other)), false);
  });

  it('stops at a malformed frame once framing has started, and at an oversized object', () => {
    const a = Buffer.from('a');
    const rx = new ObjectReceiver([{ hash: sha(a), kind: 'b' }], store);
    rx.push(frame(sha(Buffer.from('zz')), null));
    rx.push(Buffer.from('../../etc/passwd 12\n'));
    assert.match(rx.error ?? '', /unexpected line/);
    const big = new ObjectReceiver([{ hash: sha(a), kind: 'b' }], store);
    big.push(Buffer.from(`${sha(a).slice(0, 2)}/${sha(a).slice(2)} 99999999999999\n`));
    assert.match(big.error ?? '', /over the/);
  });
});
