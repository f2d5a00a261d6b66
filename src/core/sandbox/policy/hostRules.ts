/**
 * Hosts in a policy's egress rules: a DNS name (labels of letters, digits,
 * '-' and '_', an optional leading '*.' wildcard), an IPv4 or IPv6 address,
 * or '*' (any host, from `allowed_ips`). Nothing else reaches the sandbox
 * configuration: no spaces, control characters, slashes or ports.
 */
import { isIP } from 'node:net';

const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** Why `host` is not acceptable, or null when it is. */
export function hostProblem(host: string): string | null {
  const shown = JSON.stringify(host.length > 80 ? `${host.slice(0, 80)}…` : host);
  if (host === '*' || isIP(host) !== 0) return null;
  if (host.length === 0 || host.length > 253) return `host ${shown} must be 1 to 253 characters`;
  const labels = host.split('.');
  if (labels[0] === '*') labels.shift();
  if (labels.length === 0 || !labels.every((l) => LABEL.test(l))) {
    return `host ${shown} is not a host name or IP address (letters, digits, '-' and '.' only, e.g. integrate.api.nvidia.com or 127.0.0.1)`;
  }
  return null;
}
