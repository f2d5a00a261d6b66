/**
 * npm run fuzz found that redactions shorten a text, so the `max` characters a clip keeps could reach into
 * scrubHead's lookahead, where a credential cut by the window's end is not matched: the first letter of a
 * thirteenth JWT was kept. The head now stops where the input before the lookahead ends.
 */
import { strict as assert } from 'node:assert';
import { Scrubber } from '../../../src/core/redact/scrubber';

describe('issue 12: scrubHead never keeps a fragment of a credential cut by its window', () => {
  it('thirteen JWTs, clipped at 181 with a 300-character lookahead', () => {
    const text = 'eyJaaaaaaaaaa.eyJaaaaaaaaaa.eyJBearer '.repeat(13);
    const s = new Scrubber();
    const whole = s.scrub(text);
    const head = s.scrubHead(text, 181, 300);
    const kept = head.text.slice(0, 181);
    assert.equal(kept, whole.slice(0, kept.length), 'the head is a prefix of the whole text scrubbed');
    assert.ok(!/eyJ/.test(kept), `no JWT fragment kept: ${kept}`);
  });

  it('a long text of small credentials keeps a head as long as asked when nothing shrinks it', () => {
    const text = 'plain words, nothing secret here. '.repeat(10_000);
    const head = new Scrubber().scrubHead(text, 1000, 300);
    assert.ok(head.text.length >= 1000);
    assert.equal(head.text.slice(0, 1000), text.slice(0, 1000));
  });
});
