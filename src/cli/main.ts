/**
 * `nemocog`: NemoCognition's command line, over the same core as the extension.
 *   nemocog run --task "..." --workspace <dir> [--driver local|nemoclaw|none] [--model-url U --model M]
 *   nemocog demo [--headless] [--workspace <dir>] [--scenario deny-and-recover|pair|...]
 *   nemocog inspect [--json] <workspace>
 *   nemocog restore <workspace> --node <nodeId> | --branch <id> | --snapshot <id> | --undo  [--dry-run]
 *   nemocog show <workspace> --node <nodeId> [--path <file>]
 *   nemocog doctor [--model-url demo]
 *   nemocog fork <workspace> --node <nodeId> --task <text> [--model-url demo]
 *   nemocog storyboard <workspace> [--run <id>] [--out file.json]
 *   nemocog render <workspace> [--run <id>] --out run.mp4 [--size 1280x720] [--fps 30]
 *   nemocog export-html <workspace> [--run <id>] --out run.html
 *   nemocog mirror <workspace> [--endpoint URL] [--project NAME] [--follow] [--json] [--check]
 */
import { runCommand } from './commands/run';
import { demoCommand } from './commands/demo';
import { inspectCommand } from './commands/inspect';
import { restoreCommand } from './commands/restore';
import { showCommand } from './commands/show';
import { doctorCommand } from './commands/doctor';
import { mirrorCommand } from './commands/mirror';
import { objectsCommand } from './commands/objects';
import { installRuntimeCommand } from './commands/installRuntime';
import { forkCommand } from './commands/fork';
import { HelpRequested } from './args';
import { storyboardCommand } from './commands/storyboard';
import { renderCommand } from './commands/render';
import { exportHtmlCommand } from './commands/exportHtml';
import { CliError } from './errors';

const HELP = `nemocog: run coding agents under supervision, then inspect, replay, fork and restore what they did.

Usage:
  nemocog run --task <text> --workspace <dir> [--driver local|nemoclaw|none] [--model-url <url>|demo --model <id>]
              [--allow-landlock-only]    run with Landlock alone if bubblewrap is missing (weaker; loudly labelled)
              [--driver none --unsandboxed]  NO sandbox at all: needs --unsandboxed to confirm
              [--remote <ssh-alias> --remote-workspace <dir> --remote-cli <cmd>]
              [--driver nemoclaw --sandbox <name> --sandbox-cli <cmd> --nemoclaw-path <p> --openshell-path <p>]
  nemocog demo [--headless | --open] [--workspace <dir>] [--scenario <name>]
  nemocog inspect [--json] <workspace>
  nemocog fork <workspace> --node <nodeId> --task <instruction> [--model-url <url>|demo]
  nemocog restore <workspace> (--node <nodeId> | --branch <branchId> | --snapshot <snapshotId> | --undo)
                  [--dry-run] [--allow-outside-symlinks] [--json]
  nemocog show <workspace> --node <nodeId> [--path <file>]
  nemocog install-runtime [--dir <folder>]
  nemocog doctor [--model-url <url>|demo --model <id>] [--driver ...] [--remote <alias>] [--sandbox <name>] [--phoenix <url>] [--json]
  nemocog storyboard <workspace> [--run <id>] [--out file.json]
  nemocog render <workspace> [--run <id>] --out run.mp4 [--size 1280x720] [--fps 30]
  nemocog render --storyboard file.json --out run.mp4 [--size WxH] [--fps N]
  nemocog export-html <workspace> [--run <id>] --out run.html [--max-file-mb 8]
  nemocog mirror <workspace> [--endpoint <url>] [--project <name>] [--follow] [--json] [--check]
      delivers every recorded run to Arize Phoenix, exactly once (earlier runs too), with progress;
      --follow stays live; --check only checks the endpoint. Key: NEMOCOG_PHOENIX_API_KEY.

\`nemocog <command> --help\` describes one command. \`--model-url demo\` is the offline demo model.
The model key is read from NEMOCOG_API_KEY (never from arguments, never recorded).`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  run: runCommand,
  demo: demoCommand,
  inspect: inspectCommand,
  restore: restoreCommand,
  show: showCommand,
  'install-runtime': installRuntimeCommand,
  doctor: doctorCommand,
  fork: forkCommand,
  storyboard: storyboardCommand,
  render: renderCommand,
  'export-html': exportHtmlCommand,
  mirror: mirrorCommand,
  // Run over SSH by a machine replicating a remote run (replica/objectFetch.ts); not for people.
  objects: objectsCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP);
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) throw new CliError(`Unknown command "${name}".`, 'Run `nemocog --help` for the list of commands.');
  return cmd(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof HelpRequested) {
      console.log(`Usage:\n${err.usage}`);
      process.exit(0);
    }
    if (err instanceof CliError) {
      console.error(`nemocog: ${err.message}\n  → ${err.fix}`);
      process.exit(err.exitCode);
    }
    const e = err as { what?: string; message?: string; fix?: string };
    if (e && typeof e.fix === 'string') {
      console.error(`nemocog: ${e.what ?? e.message}\n  → ${e.fix}`);
      process.exit(3);
    }
    console.error(`nemocog: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
