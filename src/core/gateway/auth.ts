import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newGatewaySecret(): string {
  return `ncgw-${randomBytes(24).toString('base64url')}`;
}

/**
 * Checks `Authorization: Bearer <secret>` in constant time. Both sides are
 * hashed first, so the comparison takes the same time whatever the length of
 * what was sent.
 */
export function checkBearer(req: IncomingMessage, secret: string): { ok: true } | { ok: false; reason: string } {
  const header = req.headers.authorization;
  if (!header) return { ok: false, reason: 'missing Authorization header' };
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!m) return { ok: false, reason: 'Authorization header is not a Bearer token' };
  const a = createHash('sha256').update(m[1]).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b) ? { ok: true } : { ok: false, reason: 'wrong gateway secret' };
}
