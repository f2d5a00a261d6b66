/** What "Check Setup" checks, from the settings (pure: no `vscode`, testable). */
import type { DoctorOptions } from '../../core/doctor';
import type { ModelEndpoint } from '../../core/run/api';
import type { NcSettings } from './settings';

/**
 * @param model the endpoint a run would use (the demo model's when the preset is `demo`)
 * @param keyPresent whether SecretStorage holds a key (the key itself is passed only in `model`)
 */
export function doctorOptionsFromSettings(s: NcSettings, model: ModelEndpoint, keyPresent: boolean, runtimeDir?: string, phoenixApiKey?: string): DoctorOptions {
  return {
    driver: s.sandboxDriver,
    model: { baseUrl: model.baseUrl, model: model.model, apiKey: model.apiKey, reasoning: s.modelPreset === 'demo' ? 'off' : s.reasoning },
    keyRequired: s.modelPreset === 'nim-nemotron' ? true : s.modelPreset === 'demo' ? false : undefined,
    keyFoundIn: keyPresent && s.modelPreset !== 'demo' ? 'SecretStorage' : undefined,
    ...(runtimeDir ? { runtimeDir } : {}),
    // Phoenix only when the mirror is on: otherwise nothing is sent there.
    ...(s.phoenixEnabled ? { phoenixEndpoint: s.phoenixEndpoint, ...(phoenixApiKey ? { phoenixApiKey } : {}) } : {}),
    ...(s.remoteHost ? { remote: { host: s.remoteHost, cli: s.remoteCli.split(/\s+/).filter(Boolean) } } : {}),
    ...(s.sandboxDriver === 'nemoclaw'
      ? {
          nemoclaw: {
            sandbox: s.nemoclawSandbox,
            sandboxCli: s.nemoclawSandboxCli.split(/\s+/).filter(Boolean),
            ...(s.nemoclawPath ? { nemoclawPath: s.nemoclawPath } : {}),
            ...(s.openshellPath ? { openshellPath: s.openshellPath } : {}),
          },
        }
      : {}),
  };
}
