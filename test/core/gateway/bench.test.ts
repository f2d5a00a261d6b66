import assert from 'node:assert/strict';
import { measureGatewayOverhead } from '../../../src/core/gateway/bench';

describe('gateway/bench', function () {
  this.timeout(20000);
  it('measures time to first token directly and through the gateway', async () => {
    const r = await measureGatewayOverhead({ iterations: 10, firstTokenDelayMs: 20, warmup: 1 });
    assert.equal(r.iterations, 10);
    assert.ok(r.direct_ttft_ms_p50 >= 20, `direct ${r.direct_ttft_ms_p50}`);
    assert.ok(r.gateway_ttft_ms_p50 >= 20, `gateway ${r.gateway_ttft_ms_p50}`);
    // Sanity bounds only (10x what an idle machine measures): the figure itself is `npm run bench`'s
    // (gateway section). A buffering gateway would wait for the whole stream and blow through these.
    assert.ok(r.added_ms_p50 < 150, `gateway added ${r.added_ms_p50} ms`);
    assert.ok(r.ratio > 0.9 && r.ratio < 10, `ratio ${r.ratio}`);
  });
});
