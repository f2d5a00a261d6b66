/**
 * Paths whose reading or writing is security-relevant: credentials, keys,
 * system configuration, places that run code later (shell rc files, cron,
 * git hooks, CI workflows), devices.
 */
import path from 'node:path';

export interface Sensitivity {
  score: number;
  reason: string;
}

const HOME_CREDENTIALS = ['.ssh', '.aws', '.azure', '.kube', '.gnupg', '.config/gcloud', '.docker/config.json', '.netrc', '.npmrc', '.pypirc', '.git-credentials', '.config/gh', '.openclaw', '.nemoclaw'];
const RC_FILES = ['.bashrc', '.bash_profile', '.profile', '.zshrc', '.zprofile', '.bash_login', '.config/fish/config.fish'];

function under(abs: string, dir: string): boolean {
  return abs === dir || abs.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

function credentialFile(abs: string): string | null {
  const base = path.basename(abs);
  if (/^\.env(\..+)?$/.test(base) && base !== '.env.example' && base !== '.env.sample') return 'an environment file (.env) that usually holds secrets';
  if (/^id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/.test(base)) return 'an SSH key';
  if (/\.(pem|key|p12|pfx|keystore|jks)$/.test(base)) return 'a key or certificate file';
  if (/^(credentials|secrets?)(\.[a-z]+)?$/i.test(base)) return 'a credentials file';
  return null;
}

export function readSensitivity(abs: string, home: string): Sensitivity | null {
  for (const c of HOME_CREDENTIALS) if (under(abs, path.join(home, c))) return { score: 0.85, reason: `reads credentials (~/${c})` };
  if (/^\/etc\/(shadow|gshadow|sudoers)/.test(abs)) return { score: 0.95, reason: `reads ${abs} (password hashes / sudo rules)` };
  if (/^\/proc\/[^/]+\/environ$/.test(abs)) return { score: 0.8, reason: `reads ${abs} (process environment, may hold secrets)` };
  if (/^\/(var\/)?run\/docker\.sock$/.test(abs)) return { score: 0.9, reason: 'talks to the Docker socket (root on the host)' };
  const cred = credentialFile(abs);
  if (cred) return { score: 0.7, reason: `reads ${cred}: ${abs}` };
  if (abs === '/etc/passwd' || abs === '/etc/hosts') return { score: 0.2, reason: `reads system file ${abs}` };
  return null;
}

export function writeSensitivity(abs: string, home: string): Sensitivity | null {
  if (/^\/dev\/(sd|hd|vd|nvme|xvd|mmcblk|mem|kmem|port)/.test(abs)) return { score: 1, reason: `writes to a raw device ${abs}` };
  if (under(abs, path.join(home, '.ssh'))) return { score: 0.95, reason: 'changes SSH keys or authorized_keys' };
  for (const c of HOME_CREDENTIALS) if (under(abs, path.join(home, c))) return { score: 0.85, reason: `changes credentials (~/${c})` };
  for (const rc of RC_FILES) if (abs === path.join(home, rc)) return { score: 0.8, reason: `changes a shell start-up file (~/${rc}): code that runs in every later shell` };
  if (/^\/etc\/(cron|systemd)|^\/var\/spool\/cron|^\/lib\/systemd|^\/usr\/lib\/systemd/.test(abs)) return { score: 0.9, reason: `installs something that runs later (${abs})` };
  if (/^\/etc(\/|$)/.test(abs)) return { score: 0.9, reason: `changes system configuration (${abs})` };
  if (/^\/(usr|bin|sbin|lib|lib32|lib64|boot|opt)(\/|$)/.test(abs)) return { score: 0.8, reason: `changes system files (${abs})` };
  if (/\/\.git\/hooks(\/|$)/.test(abs)) return { score: 0.6, reason: 'changes git hooks (code git runs later)' };
  if (/\/\.github\/workflows(\/|$)/.test(abs)) return { score: 0.4, reason: 'changes CI workflows' };
  const cred = credentialFile(abs);
  if (cred) return { score: 0.5, reason: `writes ${cred}: ${abs}` };
  return null;
}
