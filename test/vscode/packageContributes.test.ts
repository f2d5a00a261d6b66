/**
 * package.json's contributions agree with the code: every command used in a
 * menu, keybinding or walkthrough exists; every command registered in
 * src/vscode is contributed and every contributed command is registered;
 * every setting the code reads is declared; activation stays narrow.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS } from '../../src/vscode/commands/ids';
import { DEFAULTS } from '../../src/vscode/config/settings';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.tsx?$/.test(e.name)) out.push(p);
  }
  return out;
}

describe('package.json contributions', () => {
  const contributed = new Set<string>(contributes.commands.map((c: { command: string }) => c.command));

  it('gives every command a title and the NemoCognition category', () => {
    for (const c of contributes.commands) {
      assert.ok(c.title, c.command);
      assert.equal(c.category, 'NemoCognition', c.command);
    }
  });

  it('references only existing commands from menus and walkthroughs', () => {
    for (const [menu, items] of Object.entries(contributes.menus as Record<string, Array<{ command: string }>>)) {
      for (const item of items) assert.ok(contributed.has(item.command), `${menu} -> ${item.command}`);
    }
    for (const w of contributes.walkthroughs) {
      for (const step of w.steps) {
        for (const m of String(step.description).matchAll(/\(command:([\w.]+)/g)) {
          const id = m[1]!;
          if (id.startsWith('nemocognition.')) assert.ok(contributed.has(id), `walkthrough ${step.id} -> ${id}`);
        }
        if (step.media?.markdown) assert.ok(fs.existsSync(path.join(root, step.media.markdown)), step.media.markdown);
      }
    }
  });

  it('registers exactly the contributed commands (grep of src/vscode)', () => {
    const registered = new Set<string>();
    const byConst = COMMANDS as Record<string, string>;
    for (const file of walk(path.join(root, 'src/vscode'))) {
      const src = fs.readFileSync(file, 'utf8');
      for (const m of src.matchAll(/registerCommand\(\s*(?:COMMANDS\.(\w+)|'([^']+)')/g)) {
        const id = m[1] ? byConst[m[1]] : m[2];
        assert.ok(id, `${file}: unknown COMMANDS.${m[1]}`);
        registered.add(id);
      }
    }
    assert.deepEqual([...registered].sort(), [...contributed].sort());
    assert.deepEqual(Object.values(COMMANDS).sort(), [...contributed].sort());
  });

  it('hides internal commands from the command palette', () => {
    const palette = contributes.menus.commandPalette as Array<{ command: string; when: string }>;
    assert.equal(palette.find((p) => p.command === COMMANDS.revealStep)?.when, 'false');
  });

  it('declares the replay view in its activity-bar container, with an existing icon', () => {
    const container = contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === 'nemocognition');
    assert.ok(container);
    assert.ok(fs.existsSync(path.join(root, container.icon)));
    const view = contributes.views.nemocognition.find((v: { id: string }) => v.id === 'nemocognition.replay');
    assert.equal(view?.type, 'webview');
    assert.ok(fs.existsSync(path.join(root, pkg.icon)));
  });

  it('declares every setting the code reads, with a description, and no key setting', () => {
    const props = contributes.configuration.properties as Record<string, { markdownDescription?: string; description?: string; default?: unknown }>;
    const src = fs.readFileSync(path.join(root, 'src/vscode/config/settings.ts'), 'utf8');
    const read = [...src.matchAll(/pick\(get, '([\w.]+)'/g)].map((m) => `nemocognition.${m[1]}`);
    assert.equal(read.length, Object.keys(DEFAULTS).length);
    for (const key of read) {
      assert.ok(props[key], `${key} is read but not declared`);
      assert.ok(props[key]!.markdownDescription || props[key]!.description, `${key} has no description`);
    }
    for (const key of Object.keys(props)) assert.ok(!/key|secret|token|password/i.test(key.replace('nemocognition.', '')), `${key}: secrets are never settings`);
    assert.equal(props['nemocognition.model.endpoint']!.default, DEFAULTS.modelEndpoint);
    assert.equal(props['nemocognition.model.id']!.default, DEFAULTS.modelId);
    assert.deepEqual(props['nemocognition.snapshots.ignore']!.default, DEFAULTS.snapshotIgnore);
    assert.match(JSON.stringify(props['nemocognition.sandbox.driver']), /UNSAFE/);
  });

  it('activates only on its commands, its view and an existing store', () => {
    for (const ev of pkg.activationEvents as string[]) {
      const ok =
        (ev.startsWith('onCommand:') && contributed.has(ev.slice('onCommand:'.length))) ||
        ev === 'onView:nemocognition.replay' ||
        ev === 'workspaceContains:.nemocognition/store';
      assert.ok(ok, `unexpected activation event ${ev}`);
    }
    assert.ok(!(pkg.activationEvents as string[]).includes('*'));
  });
});
