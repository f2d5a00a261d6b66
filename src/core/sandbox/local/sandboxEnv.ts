/**
 * The environment a sandboxed process starts with. It is built from a short
 * allow-list, never inherited whole: the host's environment carries secrets
 * (model API keys, tokens, SSH_AUTH_SOCK) that must not enter the sandbox.
 */

const PASSED_THROUGH = ['PATH', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TERM', 'USER', 'LOGNAME'];

const FALLBACK_PATH = '/usr/local/bin:/usr/bin:/bin';

export function sandboxEnv(
  explicit: Record<string, string> | undefined,
  defaults: { home: string; tmpdir: string },
  host: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PASSED_THROUGH) {
    const value = host[key];
    if (value !== undefined) env[key] = value;
  }
  env.PATH ??= FALLBACK_PATH;
  env.HOME = defaults.home;
  env.TMPDIR = defaults.tmpdir;
  return { ...env, ...explicit };
}
