/**
 * One way every `nemocog` command reads its arguments: `--help`/`-h` prints
 * the command's usage and exits 0, and a wrong option is a CliError naming the
 * usage (never a Node stack trace).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Thrown for --help: main() prints the usage and exits 0. */
export class HelpRequested extends Error {
  constructor(readonly usage: string) {
    super('help');
    this.name = 'HelpRequested';
  }
}

export function parseCommandArgs<O extends Options>(argv: string[], options: O, usage: string, allowPositionals = false) {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(usage);
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS')) {
      throw new CliError((err.message ?? 'Invalid arguments.').split('\n')[0]!.replace(/\. To specify.*$/, '.'), `Usage:\n${usage}`);
    }
    throw e;
  }
}
