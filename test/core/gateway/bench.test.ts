import assert from 'node:assert/strict';
import { measureGatewayOverhead } from '../../../src/core/gateway/bench';

describe('gateway/bench', function () {
  this.timeout(20000);
  it('measures time to first token directly and through the gateway', async () => {
    const r = await measureGatewayOverhead({ iterations: 10, firstTokenDelayMs: 20, warmup: 1 });
    assert.equal(r.iterations, 10);
    assert.ok(r.direct_ttft_ms_p50 >= 20, `direct ${r.direct_ttft_ms_p50}`);
    assert.ok(r.gateway_ttft_ms_p50 >= 20, `gateway ${r.gateway_ttft_ms_p50}`);
    // Loose bound: the gateway forwards chunks as they arrive, so it adds a few ms, not a buffering delay.
    assert.ok(r.added_ms_p50 < 15, `gateway added ${r.added_ms_p50} ms`);
    assert.ok(r.ratio > 0.9 && r.ratio < 2, `ratio ${r.ratio}`);
  });
});
