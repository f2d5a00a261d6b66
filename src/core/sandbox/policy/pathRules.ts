/**
 * What a path in a policy may look like: absolute, or a known `${variable}`
 * as its whole first part; no `..`; no control characters. Accepted paths
 * come back normalised (`//x//y/` is `/x/y`, `//` is `/`), so the sandbox
 * never receives an empty or ambiguous path.
 */
import { posix } from 'node:path';
import { isKnownVariable } from './variables';
import { shown } from './yamlReader';

export const MAX_POLICY_PATH_CHARS = 4096;

export type PathCheck = { ok: true; path: string } | { ok: false; message: string };

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const KNOWN = '${workspace}, ${state}, ${tmp}, ${home}, ${runtime}';

export function checkPolicyPath(value: string): PathCheck {
  if (value.length > MAX_POLICY_PATH_CHARS) return { ok: false, message: `the path is ${value.length} characters long; paths are at most ${MAX_POLICY_PATH_CHARS}` };
  if (CONTROL.test(value)) return { ok: false, message: `'${shown(value)}' contains a control character` };
  let head = '';
  let rest = value;
  if (value.startsWith('$')) {
    const m = /^\$\{([^}/]*)\}/.exec(value);
    if (!m) {
      return { ok: false, message: `'${shown(value)}' starts with '$' but not with a whole variable such as \${workspace} (known: ${KNOWN})` };
    }
    if (!isKnownVariable(m[1]!)) return { ok: false, message: `unknown variable \${${shown(m[1]!)}}; known: ${KNOWN}` };
    head = m[0];
    rest = value.slice(m[0].length);
    if (rest !== '' && !rest.startsWith('/')) {
      return { ok: false, message: `'${shown(value)}': a variable is a whole folder, so write '${head}/${shown(rest)}' (a '/' after it) or only '${head}'` };
    }
  } else if (!value.startsWith('/')) {
    return { ok: false, message: `'${shown(value)}' is not an absolute path (start it with / or a variable such as \${workspace})` };
  }
  if (rest.includes('$')) return { ok: false, message: `'${shown(value)}' has '$' after its start; a variable can only be the first part of a path` };
  if (rest.split('/').includes('..')) return { ok: false, message: `'${shown(value)}' contains '..'; write the path it leads to instead` };
  let norm = rest === '' ? '' : posix.normalize(rest);
  if (norm.length > 1 && norm.endsWith('/')) norm = norm.slice(0, -1);
  if (head && norm === '/') norm = '';
  return { ok: true, path: head + norm };
}
