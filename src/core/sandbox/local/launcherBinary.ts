/**
 * Finds the nc-landlock launcher: an explicit path, the bundled
 * dist/native/nc-landlock, or a copy compiled from the C source into a cache
 * folder when a C compiler is present (development and tests).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { SandboxUnavailableError } from '../driver';

export interface LauncherLookup {
  /** Use exactly this binary; it must exist and be executable. */
  path?: string;
  /** The C source to compile when no binary is found (defaults to the one beside this file). */
  sourcePath?: string;
  /** Where compiled copies are kept (defaults to ~/.cache/nemocognition). */
  cacheDir?: string;
  /** Compile from source even when a bundled binary exists (tests exercise the current source). */
  preferSource?: boolean;
  /** C compiler to use (defaults to `cc`). */
  cc?: string;
}

const here = typeof __dirname === 'string' ? __dirname : process.cwd();

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function bundledCandidates(): string[] {
  return [
    join(here, 'native', 'nc-landlock'), // dist/cli.js, dist/extension.js -> dist/native
    resolve(here, '../../../../dist/native/nc-landlock'), // src/core/sandbox/local -> repo root
    resolve(process.cwd(), 'dist/native/nc-landlock'),
  ];
}

function sourceCandidates(): string[] {
  return [join(here, 'native', 'nc-landlock.c'), resolve(here, '../src/core/sandbox/local/native/nc-landlock.c')];
}

function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : tmpdir());
  return join(base, 'nemocognition');
}

/** The C files of the launcher: `source` and the other .c files beside it (netguard.c). */
export function launcherSources(source: string): string[] {
  const dir = dirname(source);
  const others = readdirSync(dir).filter((f) => f.endsWith('.c') && f !== basename(source)).sort();
  return [source, ...others.map((f) => join(dir, f))];
}

/** Compiles `source` into `cacheDir`, keyed by the sources' hash so an edit triggers a rebuild. */
export function compileLauncher(source: string, cacheDir: string, cc = 'cc'): string {
  const sources = launcherSources(source);
  const dir = dirname(source);
  const headers = readdirSync(dir).filter((f) => f.endsWith('.h')).sort().map((f) => join(dir, f));
  const h = createHash('sha256');
  for (const f of [...sources, ...headers]) h.update(f.slice(dir.length)).update(readFileSync(f));
  const hash = h.digest('hex').slice(0, 16);
  const out = join(cacheDir, `nc-landlock-${hash}`);
  if (isExecutable(out)) return out;
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    execFileSync(cc, ['-O2', '-Wall', '-o', tmp, ...sources], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') {
      throw new SandboxUnavailableError(
        `The sandbox launcher nc-landlock is not built and no C compiler ('${cc}') was found to build it.`,
        'Run `npm run build` on a machine with a C compiler, or install one: sudo apt-get install gcc.',
      );
    }
    throw new SandboxUnavailableError(
      `Compiling the sandbox launcher ${source} failed: ${e.stderr?.toString().trim() || e.message}`,
      'Check that the C compiler works (`cc --version`) and that kernel headers are not required (the source is self-contained).',
    );
  }
  renameSync(tmp, out); // atomic: a concurrent caller sees either nothing or a complete binary
  return out;
}

/**
 * nc-tool-shell, the launcher under the name that makes it the tools' shell
 * (see toolSandbox.ts): a symlink beside the launcher, created when missing.
 * `nc-landlock` gets `nc-tool-shell`, `nc-landlock-<hash>` gets `nc-tool-shell-<hash>`.
 */
export function toolShellFor(launcher: string): string {
  const name = basename(launcher).replace(/^nc-landlock/, 'nc-tool-shell');
  const link = join(dirname(launcher), name === basename(launcher) ? 'nc-tool-shell' : name);
  try {
    if (readlinkSync(link) === basename(launcher)) return link;
    rmSync(link, { force: true });
  } catch {
    // missing, or not a link: (re)create it
  }
  try {
    const tmp = `${link}.${process.pid}.tmp`;
    rmSync(tmp, { force: true });
    symlinkSync(basename(launcher), tmp);
    renameSync(tmp, link);
  } catch (err) {
    throw new SandboxUnavailableError(
      `The tools' sandbox shell ${link} could not be created (${(err as Error).message}).`,
      `Create it by hand: ln -s ${basename(launcher)} ${link}, or rebuild with \`npm run build\`.`,
    );
  }
  return link;
}

/** Returns the absolute path of a usable nc-landlock binary, or throws SandboxUnavailableError saying how to get one. */
export function resolveLauncher(lookup: LauncherLookup = {}): string {
  if (lookup.path) {
    if (isExecutable(lookup.path)) return lookup.path;
    throw new SandboxUnavailableError(
      `The sandbox launcher ${lookup.path} does not exist or is not executable.`,
      'Point the setting at dist/native/nc-landlock from `npm run build`, or leave it empty to use the bundled one.',
    );
  }
  const envPath = process.env.NEMOCOG_NC_LANDLOCK;
  if (envPath) return resolveLauncher({ ...lookup, path: envPath });
  if (!lookup.preferSource) {
    const found = bundledCandidates().find(isExecutable);
    if (found) return found;
  }
  const source = lookup.sourcePath ?? sourceCandidates().find((p) => existsSync(p));
  if (!source || !existsSync(source)) {
    throw new SandboxUnavailableError(
      'The sandbox launcher nc-landlock is missing from this installation (no dist/native/nc-landlock and no source to build it).',
      'Reinstall the extension, or build it from the repository with `npm run build`.',
    );
  }
  return compileLauncher(source, lookup.cacheDir ?? defaultCacheDir(), lookup.cc);
}
