/** The Phoenix UI the Replay view links spans to (pure): the setting, when it is an http(s) URL. */
import { isPhoenixEndpoint } from '../../protocol/replay';
import type { NcSettings } from '../config/settings';

export function phoenixEndpointOf(s: Pick<NcSettings, 'phoenixEndpoint'>): string | null {
  const e = s.phoenixEndpoint.trim().replace(/\/+$/, '');
  return e && isPhoenixEndpoint(e) ? e : null;
}
