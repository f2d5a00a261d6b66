/**
 * The Phoenix UI the Replay view links spans to (pure): the endpoint setting,
 * when it is an http(s) URL and the mirror is on (with it off, Phoenix does not
 * hold the run's spans, so "Open in Phoenix" would lead nowhere).
 */
import { isPhoenixEndpoint } from '../../protocol/replay';
import type { NcSettings } from '../config/settings';

export function phoenixEndpointOf(s: Pick<NcSettings, 'phoenixEndpoint' | 'phoenixEnabled'>): string | null {
  if (!s.phoenixEnabled) return null;
  const e = s.phoenixEndpoint.trim().replace(/\/+$/, '');
  return e && isPhoenixEndpoint(e) ? e : null;
}
