/** `nemocog <command> --help` prints the command's usage; a wrong option says what is wrong and how to call it (no stack trace). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HelpRequested, parseCommandArgs } from '../../src/cli/args';
import { CliError } from '../../src/cli/errors';

const CLI = path.join(__dirname, '../../dist/cli.js');

describe('cli: help and argument errors', () => {
  it('parseCommandArgs turns --help into the usage and a wrong option into a CliError naming it', () => {
    assert.throws(() => parseCommandArgs(['--help'], { x: { type: 'string' } }, 'USAGE'), (e: unknown) => e instanceof HelpRequested && e.usage === 'USAGE');
    assert.throws(() => parseCommandArgs(['--nope'], { x: { type: 'string' } }, 'USAGE'), (e: unknown) => e instanceof CliError && /--nope/.test(e.message) && /USAGE/.test(e.fix));
    assert.equal(parseCommandArgs(['--x', '1'], { x: { type: 'string' } }, 'USAGE').values.x, '1');
  });

  for (const cmd of ['demo', 'run', 'fork', 'inspect', 'restore', 'install-runtime', 'storyboard', 'render', 'export-html']) {
    it(`nemocog ${cmd} --help prints its usage and exits 0`, function () {
      if (!fs.existsSync(CLI)) {
        if (process.env.CI === 'true') throw new Error('dist/cli.js is not built');
        return this.skip();
      }
      const r = spawnSync(process.execPath, [CLI, cmd, '--help'], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`Usage:\\n\\s+nemocog ${cmd}`));
      assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, 'no stack trace');
    });
  }

  it('nemocog demo --bogus says what is wrong, with the usage, and no stack trace', function () {
    if (!fs.existsSync(CLI)) return this.skip();
    const r = spawnSync(process.execPath, [CLI, 'demo', '--bogus'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Unknown option '--bogus'/);
    assert.match(r.stderr, /nemocog demo \[--headless/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});
