import { strict as assert } from 'node:assert';
import { spanIdForNode, traceIdForRun } from '../../../src/core/model/ids';
import { branchSpanId } from '../../../src/core/model/spans';
import { PhoenixEndpointError, phoenixBaseUrl, phoenixBranchUrl, phoenixNodeUrl, phoenixSessionUrl, phoenixSpanUrl, phoenixTraceUrl } from '../../../src/core/mirror/links';

describe('mirror/links: Phoenix deep links', () => {
  it('builds the redirect routes from the store\'s ids', () => {
    const e = 'http://127.0.0.1:6006';
    assert.equal(phoenixSessionUrl(e, 'run_a b'), 'http://127.0.0.1:6006/redirects/sessions/run_a%20b');
    assert.equal(phoenixTraceUrl(e, 'run_1'), `http://127.0.0.1:6006/redirects/traces/${traceIdForRun('run_1')}`);
    assert.equal(phoenixNodeUrl(e, 'nd_1'), `http://127.0.0.1:6006/redirects/spans/${spanIdForNode('nd_1')}`);
    assert.equal(phoenixBranchUrl(e, 'br_1'), `http://127.0.0.1:6006/redirects/spans/${branchSpanId('br_1')}`);
  });

  it('normalises an endpoint: trailing slashes and a pasted /v1/traces go, a proxy path prefix stays', () => {
    assert.equal(phoenixBaseUrl(' http://h:6006/ '), 'http://h:6006');
    assert.equal(phoenixBaseUrl('https://h/phoenix/v1/traces'), 'https://h/phoenix');
    assert.equal(phoenixBaseUrl('http://h:6006/?x=1#y'), 'http://h:6006');
  });

  it('refuses what is not an http(s) URL, URLs with credentials, and ids that are not span ids', () => {
    for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', '127.0.0.1:6006', 'http://u:p@h:6006', '']) {
      assert.throws(() => phoenixBaseUrl(bad), PhoenixEndpointError, bad);
    }
    assert.throws(() => phoenixSpanUrl('http://h', '../../admin'), PhoenixEndpointError);
  });
});
