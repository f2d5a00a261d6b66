/** What "Check Setup" checks follows the settings; the key's presence is passed, the key only to the endpoint. */
import { strict as assert } from 'node:assert';
import { doctorOptionsFromSettings } from '../../src/vscode/config/doctorOptions';
import { DEFAULTS } from '../../src/vscode/config/settings';

describe('Check Setup options from the settings', () => {
  it('NIM preset: a key is required, found in SecretStorage when present', () => {
    const o = doctorOptionsFromSettings(DEFAULTS, { baseUrl: DEFAULTS.modelEndpoint, model: DEFAULTS.modelId, apiKey: 'k-123456789' }, true);
    assert.equal(o.keyRequired, true);
    assert.equal(o.keyFoundIn, 'SecretStorage');
    assert.equal(o.model.reasoning, 'adaptive');
    assert.equal(o.phoenixEndpoint, undefined, 'the mirror is off by default: Phoenix is not checked');
    const on = doctorOptionsFromSettings({ ...DEFAULTS, phoenixEnabled: true }, { baseUrl: 'x', model: 'y' }, false, undefined, 'px-key-123456');
    assert.equal(on.phoenixEndpoint, DEFAULTS.phoenixEndpoint);
    assert.equal(on.phoenixApiKey, 'px-key-123456');
    assert.equal(o.remote, undefined);
    assert.equal(o.nemoclaw, undefined);
    assert.equal(doctorOptionsFromSettings(DEFAULTS, { baseUrl: 'x', model: 'y' }, false).keyFoundIn, undefined);
  });

  it('demo preset: no key needed, the demo endpoint is checked without reasoning', () => {
    const o = doctorOptionsFromSettings({ ...DEFAULTS, modelPreset: 'demo' }, { baseUrl: 'http://127.0.0.1:1/v1', model: 'nemocog-demo' }, true);
    assert.equal(o.keyRequired, false);
    assert.equal(o.keyFoundIn, undefined);
    assert.equal(o.model.reasoning, 'off');
  });

  it('remote host and NemoClaw sandbox are checked when set', () => {
    const o = doctorOptionsFromSettings(
      { ...DEFAULTS, sandboxDriver: 'nemoclaw', nemoclawSandbox: 'my-assistant', nemoclawSandboxCli: 'node /sandbox/nc/dist/cli.js', nemoclawPath: '/opt/nemoclaw' },
      { baseUrl: 'x', model: 'y' },
      false,
    );
    assert.deepEqual(o.nemoclaw, { sandbox: 'my-assistant', sandboxCli: ['node', '/sandbox/nc/dist/cli.js'], nemoclawPath: '/opt/nemoclaw' });
    const r = doctorOptionsFromSettings({ ...DEFAULTS, remoteHost: 'build-box', remoteCli: 'nemocog' }, { baseUrl: 'x', model: 'y' }, false);
    assert.deepEqual(r.remote, { host: 'build-box', cli: ['nemocog'] });
  });
});
