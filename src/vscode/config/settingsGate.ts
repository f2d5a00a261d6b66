/**
 * Applies settingsTrust.ts in VS Code: the effective settings (workspace values
 * of machine settings ignored, confirmable ones only once confirmed), the
 * confirmation modal naming each value, the warning when a workspace tried to
 * set a machine setting, and the approval of a policy that widens the default.
 * Confirmations and approvals live in the extension's workspaceState (the
 * user's profile), never in a file the repository could ship.
 */
import * as vscode from 'vscode';
import { describeWidening, type PolicyWidening } from '../../core/sandbox/policy/widening';
import { SETTINGS_SECTION, type NcSettings } from './settings';
import { describeOverrides, overrideFingerprint, resolveSettings, type ResolvedSettings } from './settingsTrust';

const CONFIRMED_KEY = 'nemocognition.confirmedWorkspaceSettings';
const APPROVED_POLICIES_KEY = 'nemocognition.approvedPolicies';

export class SettingsGate {
  private warned = new Set<string>();

  constructor(
    private readonly workspaceState: vscode.Memento,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  private resolve(): ResolvedSettings {
    const cfg = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    return resolveSettings((k) => cfg.inspect(k), new Set(this.workspaceState.get<string[]>(CONFIRMED_KEY, [])));
  }

  /** The settings in force. */
  settings(): NcSettings {
    const r = this.resolve();
    this.warnIgnored(r);
    return r.settings;
  }

  private warnIgnored(r: ResolvedSettings): void {
    const fresh = r.ignored.filter((o) => !this.warned.has(overrideFingerprint(o)));
    if (!fresh.length) return;
    for (const o of fresh) this.warned.add(overrideFingerprint(o));
    const names = fresh.map((o) => `nemocognition.${o.key}`).join(', ');
    this.output.warn(`This workspace's settings try to set ${names}; ignored: these settings are read from user settings only.\n${describeOverrides(fresh)}`);
    void vscode.window.showWarningMessage(
      `This workspace tries to set ${names}. NemoCognition ignores it: these settings can redirect your API key or weaken the sandbox, so only your user settings count.`,
      'Show Output',
    ).then((c) => c === 'Show Output' && this.output.show(true));
  }

  /**
   * Before a run: a modal naming every workspace value of a confirmable setting not confirmed yet.
   * Resolves false when the user cancels (no run); true to go on (with the values the user chose).
   */
  async confirmPending(): Promise<boolean> {
    const { pending } = this.resolve();
    if (!pending.length) return true;
    const use = 'Use Workspace Values';
    const mine = 'Use My Settings';
    const choice = await vscode.window.showWarningMessage(
      `This workspace's settings change how NemoCognition supervises the agent (${pending.length}). Use them for runs in this workspace?`,
      {
        modal: true,
        detail: `${describeOverrides(pending)}\n\nA cloned repository can ship these in .vscode/settings.json. Until you choose "${use}", your own values apply.`,
      },
      use,
      mine,
    );
    if (choice === use) {
      const confirmed = new Set(this.workspaceState.get<string[]>(CONFIRMED_KEY, []));
      for (const o of pending) confirmed.add(overrideFingerprint(o));
      await this.workspaceState.update(CONFIRMED_KEY, [...confirmed]);
      this.output.info(`Workspace settings confirmed: ${pending.map(overrideFingerprint).join(', ')}`);
    }
    return choice === use || choice === mine;
  }

  /** Asked by the core when a policy allows more than the default; remembers an approval of that exact text. */
  async approvePolicy(w: PolicyWidening): Promise<boolean> {
    const approved = new Set(this.workspaceState.get<string[]>(APPROVED_POLICIES_KEY, []));
    if (approved.has(w.sha256)) return true;
    const run = 'Run With This Policy';
    const choice = await vscode.window.showWarningMessage(
      `The sandbox policy ${w.source} allows more than NemoCognition's default. Run the agent with it?`,
      { modal: true, detail: `It widens the sandbox like this:\n${describeWidening(w).map((l) => `  • ${l}`).join('\n')}\n\nA repository can ship its own policy; approve it only if you trust what it allows. Any change to the file asks again.` },
      run,
    );
    if (choice !== run) return false;
    approved.add(w.sha256);
    await this.workspaceState.update(APPROVED_POLICIES_KEY, [...approved]);
    this.output.info(`Policy ${w.source} (sha256 ${w.sha256.slice(0, 12)}…) approved: ${describeWidening(w).join('; ')}`);
    return true;
  }
}
