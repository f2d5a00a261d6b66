/**
 * Issue 12 with scrub-first-then-clip: recording one tool call's texts stays
 * within the time budget whatever their length (the recorder scrubs only the
 * head it keeps, plus a lookahead longer than any secret), with the same
 * result as scrubbing the whole text.
 */
import { strict as assert } from 'node:assert';
import type { StoreEvent } from '../../../src/core/model/events';
import { clipScrubbedText, MAX_TEXT, Recorder } from '../../../src/core/recorder/recorder';
import { Scrubber, SCRUB_LOOKAHEAD } from '../../../src/core/redact/scrubber';
import { cpuMs } from '../../support/cpuTime';

class MemorySink {
  events: StoreEvent[] = [];
  async append(e: StoreEvent): Promise<number> {
    this.events.push(e);
    return this.events.length;
  }
}

const SECRET = 'gw-secret-4f1c9a7e2b5d8c3f6a9e1b4d7c0f3a6e';

describe('issue 12: recording a hostile tool call', () => {
  it('an 8 MiB call of credential look-alikes is recorded (three texts and a label) in bounded time (was ~2 s)', async function () {
    this.timeout(60_000);
    const scrubber = new Scrubber({ secrets: [{ value: SECRET, kind: 'gateway-secret' }] });
    const r = new Recorder(new MemorySink(), scrubber);
    await r.startRun({ task: 't', workspace: '/w', baselineSnapshotId: null, driver: 'local', meta: {} });
    const b = await r.openBranch({ label: 'main', agentId: 'main', sandbox: '/s', parentNodeId: null });
    const huge = '+password=hunter2 api_key: x\n'.repeat(Math.floor((8 * 1024 * 1024) / 29));
    const { ms } = cpuMs(() => {
      r.scrubHead(huge, 1024);
      for (let i = 0; i < 3; i++) r.clipScrubbed(huge, MAX_TEXT);
    });
    assert.ok(ms < 500, `${ms.toFixed(0)} ms of CPU`);
    const node = await r.appendNode(b.id, { kind: 'tool_call', name: huge, attributes: { 'tool.parameters': huge, 'input.value': huge } });
    assert.ok(!JSON.stringify(node).includes('hunter2'));
    assert.match(String(node.attributes['tool.parameters']), /\[\d+ more characters not recorded\]$/);
  });

  it('gives what scrubbing the whole text and clipping gives, secrets across the cut included', () => {
    const scrubber = new Scrubber({ secrets: [{ value: SECRET, kind: 'gateway-secret' }] });
    const r = new Recorder(new MemorySink(), scrubber);
    const whole = (t: string, max: number) => clipScrubbedText(scrubber.scrub(t), max);
    const filler = (n: number) => 'x '.repeat(Math.ceil(n / 2)).slice(0, n);
    const max = 1000;
    for (const at of [0, max - 30, max - 5, max, max + 10, max + SCRUB_LOOKAHEAD - 100]) {
      for (const secret of [SECRET, 'nvapi-CANARYcanary0123456789abcdefXYZ', 'password=hunter22', 'https://u:p4ssw0rd@h']) {
        const text = filler(at) + secret + filler(3 * SCRUB_LOOKAHEAD);
        const bounded = r.clipScrubbed(text, max);
        const reference = whole(text, max);
        // The kept head is the same; the count of what was left out is exact up to the markers' lengths.
        assert.equal(bounded.split('\n… [')[0], reference.split('\n… [')[0], `${secret} at ${at}`);
        for (const part of [SECRET.slice(10, 30), 'hunter22', 'p4ssw0rd', 'CANARYcanary']) assert.ok(!bounded.includes(part), `${part} leaked at ${at}`);
      }
    }
    // Short texts are scrubbed whole, as before.
    assert.equal(r.clipScrubbed(`a ${SECRET} b`, max), `a [REDACTED:gateway-secret] b`);
  });
});
