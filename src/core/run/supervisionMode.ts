/**
 * Which supervision point a branch runs under, decided once per agent start
 * and recorded on its AGENT span:
 *  - 'plugin': the supervisor plugin said hello from the current agent
 *    process (with the per-branch secret) and its module's hash is the
 *    bundled plugin's. Its before_tool_call snapshots and decides.
 *  - 'gateway-only': no such hello arrived before the first tool calls did
 *    (the plugin is missing, unloadable, or was tampered with). The gateway
 *    holds every tool call, snapshots and decides itself, and refuses when it
 *    cannot (see modelCalls.ts). Warned about visibly.
 * No tool call is released before the mode is known: the first announcement
 * waits (bounded) for the hello.
 */

export type SupervisionModeName = 'plugin' | 'gateway-only';

export interface PluginHello {
  pid: number;
  sha256?: string;
  at: number;
}

/** How long the first tool calls wait for the plugin's hello (it is sent when OpenClaw loads the plugin, before any model call). */
export const HELLO_WAIT_MS = 10_000;

export class BranchSupervision {
  private decided: SupervisionModeName | null = null;
  private pending: Promise<SupervisionModeName> | null = null;
  private helloSeen: PluginHello | null = null;
  private rejectedHello: string | null = null;
  private wake: (() => void) | null = null;
  /** Why the branch is gateway-only (for the warning and the span). */
  reason = '';
  /** Tool call ids the gateway supervised and allowed in gateway-only mode (a late plugin may still ask about them). */
  readonly gatewayAllowed = new Set<string>();

  constructor(
    private readonly expectedSha256: string | null,
    private readonly waitMs = HELLO_WAIT_MS,
  ) {}

  get mode(): SupervisionModeName | null {
    return this.decided;
  }

  get hello(): PluginHello | null {
    return this.helloSeen;
  }

  /** A hello on this branch's channel. One whose hash differs from the bundled plugin's does not count. */
  onHello(h: PluginHello): void {
    if (this.expectedSha256 && h.sha256 !== this.expectedSha256) {
      this.rejectedHello = `the plugin that said hello is not the bundled one (sha256 ${h.sha256 ?? 'missing'}, expected ${this.expectedSha256})`;
      return;
    }
    this.helloSeen ??= h;
    this.wake?.();
  }

  /** The mode at the end of a turn: as decided, or (no tool call ever asked) what the hello says. */
  finalMode(): SupervisionModeName {
    const mode = this.decided ?? (this.helloSeen ? 'plugin' : 'gateway-only');
    if (mode === 'gateway-only' && !this.reason) this.reason = this.rejectedHello ?? 'the supervisor plugin never said hello from the agent process (not loaded, or failed to load)';
    return mode;
  }

  /** The mode, deciding it on first use: waits up to waitMs for the hello. Sticky afterwards. */
  decide(): Promise<SupervisionModeName> {
    if (this.decided) return Promise.resolve(this.decided);
    this.pending ??= (async () => {
      if (!this.helloSeen) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.waitMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
      this.decided = this.helloSeen ? 'plugin' : 'gateway-only';
      if (this.decided === 'gateway-only') {
        this.reason = this.rejectedHello ?? `the supervisor plugin did not say hello from the agent process within ${Math.round(this.waitMs / 1000)} s of its first tool calls (not loaded, or failed to load)`;
      }
      return this.decided;
    })();
    return this.pending;
  }
}
