/**
 * `--model-url`: an OpenAI-compatible base URL, or `demo` for the scripted
 * demo model shipped with NemoCognition (offline, no key), wherever a command
 * asks for a model (`run`, `fork`), so that a recorded demo run can be
 * forked offline.
 */
import type { ModelEndpoint } from '../core/run/api';
import { CliError } from './errors';

export const NIM_DEFAULTS = { baseUrl: 'https://integrate.api.nvidia.com/v1', model: 'nvidia/nemotron-3-super-120b-a12b' };
export const DEMO_MODEL_URL = 'demo';

export interface OpenModel {
  endpoint: ModelEndpoint;
  close(): Promise<void>;
}

export async function openModel(o: { url: string; model?: string; apiKey?: string; reasoning?: string; scenario?: string }): Promise<OpenModel> {
  const reasoning = o.reasoning === 'off' ? ('off' as const) : ('adaptive' as const);
  if (o.url === DEMO_MODEL_URL) {
    const { startDemoModel, SCENARIOS } = await import('../core/demo');
    const scenario = o.scenario ?? 'deny-and-recover';
    if (!SCENARIOS[scenario]) throw new CliError(`Unknown demo scenario "${scenario}".`, `Use one of: ${Object.keys(SCENARIOS).join(', ')}.`);
    const m = await startDemoModel({ scenario });
    return { endpoint: { baseUrl: m.baseUrl, model: m.model, reasoning: 'off' }, close: () => m.close() };
  }
  if (!/^https?:\/\//i.test(o.url)) throw new CliError(`--model-url "${o.url}" is not an http(s) URL.`, 'Pass the base URL of an OpenAI-compatible API (before /chat/completions), or `demo` for the offline demo model.');
  return { endpoint: { baseUrl: o.url, model: o.model ?? NIM_DEFAULTS.model, apiKey: o.apiKey || undefined, reasoning }, close: async () => undefined };
}
