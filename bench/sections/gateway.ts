/**
 * Issue 4: the model gateway's added latency to the first streamed token, vs
 * calling the same (synthetic, local) upstream directly. The measurement
 * itself lives beside the gateway (src/core/gateway/bench.ts).
 */
import { measureGatewayOverhead } from '../../src/core/gateway/bench';

export async function runGatewaySection(log: (l: string) => void, iterations = 50): Promise<Record<string, unknown>> {
  log('\n== gateway: time to first streamed token, direct vs through the gateway ==');
  try {
    const r = await measureGatewayOverhead({ iterations });
    log('');
    log(`| iterations | upstream first-token delay | direct TTFT p50 | gateway TTFT p50 | added p50 | ratio |`);
    log(`|---:|---:|---:|---:|---:|---:|`);
    log(`| ${r.iterations} | ${r.first_token_delay_ms} ms | ${r.direct_ttft_ms_p50.toFixed(2)} ms | ${r.gateway_ttft_ms_p50.toFixed(2)} ms | ${r.added_ms_p50.toFixed(2)} ms | ${r.ratio.toFixed(3)}x |`);
    return { ...r };
  } catch (e) {
    const error = (e as Error).message;
    log(`gateway: failed (${error})`);
    return { error };
  }
}
