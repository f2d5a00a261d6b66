import { parseArgs } from 'node:util';
import { startDemoModel, type DemoModel } from '../../core/demo';
import { formatReport, runDoctor } from '../../core/doctor';
import type { DriverKind } from '../../core/run/api';
import { CliError } from '../errors';
import { NIM_DEFAULTS } from '../modelOption';

/**
 * `nemocog doctor`: checks everything a run needs (agent runtime, sandbox
 * layers, model endpoint, key, Phoenix, remote host or NemoClaw sandbox),
 * prints a table with a fix for each failure, and exits non-zero when a run
 * would fail. `--model-url demo` checks against the embedded demo model.
 */
export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'model-url': { type: 'string', default: NIM_DEFAULTS.baseUrl },
      model: { type: 'string' },
      reasoning: { type: 'string', default: 'adaptive' },
      driver: { type: 'string', default: 'local' },
      remote: { type: 'string' },
      'ssh-config': { type: 'string' },
      'remote-cli': { type: 'string', default: 'nemocog' },
      sandbox: { type: 'string' },
      'sandbox-cli': { type: 'string', default: 'nemocog' },
      'nemoclaw-path': { type: 'string' },
      'openshell-path': { type: 'string' },
      phoenix: { type: 'string' },
      'runtime-dir': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const driver = values.driver as DriverKind;
  if (!['local', 'nemoclaw', 'none'].includes(driver)) throw new CliError(`Unknown driver "${driver}".`, 'Use --driver local, nemoclaw or none.');
  const demo: DemoModel | undefined = values['model-url'] === 'demo' ? await startDemoModel({ scenario: 'deny-and-recover' }) : undefined;
  try {
    const apiKey = demo ? undefined : process.env.NEMOCOG_API_KEY || undefined;
    const report = await runDoctor({
      driver,
      model: {
        baseUrl: demo?.baseUrl ?? values['model-url']!,
        model: demo?.model ?? values.model ?? NIM_DEFAULTS.model,
        apiKey,
        reasoning: values.reasoning === 'off' ? 'off' : 'adaptive',
      },
      ...(demo ? { keyRequired: false } : {}),
      keyFoundIn: apiKey ? 'NEMOCOG_API_KEY' : undefined,
      runtimeDir: values['runtime-dir'],
      phoenixEndpoint: values.phoenix,
      phoenixApiKey: process.env.NEMOCOG_PHOENIX_API_KEY || undefined,
      ...(values.remote ? { remote: { host: values.remote, configFile: values['ssh-config'], cli: values['remote-cli']!.split(' ').filter(Boolean) } } : {}),
      ...(driver === 'nemoclaw'
        ? { nemoclaw: { sandbox: values.sandbox ?? '', nemoclawPath: values['nemoclaw-path'], openshellPath: values['openshell-path'], sandboxCli: values['sandbox-cli']!.split(' ').filter(Boolean) } }
        : {}),
    });
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else {
      if (demo) console.log(`Checking against the embedded demo model (${demo.baseUrl}).\n`);
      console.log(formatReport(report));
    }
    return report.ok ? 0 : 1;
  } finally {
    await demo?.close();
  }
}
