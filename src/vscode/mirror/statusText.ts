/**
 * What the Phoenix status-bar item says (pure; tested without VS Code).
 * Reasons come from the network and a server: they are shown as text, never
 * as markdown or HTML.
 */
import { describeStatus, type MirrorStatus } from '../../core/mirror/status';

export type MirrorView =
  | { kind: 'off' }
  | { kind: 'starting'; endpoint: string }
  | { kind: 'busy'; endpoint: string }
  | { kind: 'crashed'; endpoint: string; reason: string }
  | { kind: 'status'; status: MirrorStatus };

export interface StatusText {
  /** Status-bar text with a codicon. */
  text: string;
  /** Plain-text tooltip lines. */
  tooltip: string[];
  severity: 'none' | 'warning' | 'error';
}

export function statusText(v: MirrorView): StatusText {
  switch (v.kind) {
    case 'off':
      return { text: '$(circle-slash) Phoenix: off', tooltip: ['The Phoenix mirror is off. Runs are recorded in the workspace store only.', 'Click to turn it on or set it up.'], severity: 'none' };
    case 'starting':
      return { text: '$(sync~spin) Phoenix: starting', tooltip: [`Starting the mirror to ${v.endpoint}…`], severity: 'none' };
    case 'busy':
      return {
        text: '$(cloud-upload) Phoenix: mirrored elsewhere',
        tooltip: [`Another NemoCognition window or \`nemocog mirror\` is mirroring this workspace to ${v.endpoint}.`, 'This window takes over when it stops.'],
        severity: 'none',
      };
    case 'crashed':
      return { text: '$(error) Phoenix: failing', tooltip: [`The mirror process stopped: ${v.reason}`, 'It is restarted automatically; click to retry now.'], severity: 'error' };
    case 'status': {
      const s = v.status;
      const where = `${s.endpoint} (project ${s.project})`;
      const delivered = `${s.delivered} span${s.delivered === 1 ? '' : 's'} delivered${s.open ? `; ${s.open} open (sent when they end)` : ''}.`;
      if (s.state === 'live') return { text: '$(cloud-upload) Phoenix: live', tooltip: [`Live: every ended span of this workspace is in Phoenix at ${where}.`, delivered], severity: 'none' };
      if (s.state === 'catching-up') {
        return { text: `$(sync~spin) Phoenix: behind by ${s.behind}`, tooltip: [`Sending to ${where}: ${describeStatus(s)}.`, delivered], severity: 'none' };
      }
      const retry = s.retryAt ? ` Next attempt at ${new Date(s.retryAt).toLocaleTimeString()}.` : '';
      return {
        text: `$(error) Phoenix: failing${s.behind ? ` (${s.behind} waiting)` : ''}`,
        tooltip: [`${s.reason ?? 'Phoenix failed'}.`, `${s.fix ?? ''}${retry}`, `${s.behind === 1 ? '1 span waits' : `${s.behind} spans wait`} in the local store; nothing is lost.`, 'Click for: retry now, open in Phoenix, settings.'],
        severity: s.transient === false ? 'error' : 'warning',
      };
    }
  }
}
