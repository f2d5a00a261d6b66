/**
 * The in-host suite (test/vscode/suite): NemoCognition inside the real VS Code
 * extension host of code-server, loaded from this checkout's dist/, driving
 * its real services with the real `vscode` API. Each case that ran inside
 * the host becomes a case here, so it counts in `npm test`'s totals and its
 * failure fails `npm test`. A runner check first shows that a case failing
 * inside the host does fail here.
 *
 *   npm run build && npx mocha test/vscode/inHost.test.ts     # ~2 min (one real demo run inside)
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Mocha from 'mocha';
import { seedDemoWorkspace } from '../../src/cli/demoWorkspace';
import { codeServerInstall, missingPrerequisite, REPO_ROOT, startCodeServer, type CodeServerInstall, type RunningCodeServer } from '../../src/cli/codeServer';
import { requireAgentRuntimeInstalled } from '../support/agent-runtime';
import { missingPart } from '../support/realParts';
import type { InHostCase, InHostReport } from './suite/runSuites';
import { bundleInHostEntry, runInHost } from './support/inHostRunner';

/** A host case as an outer case: it passes only if it passed inside the host. */
export function hostCaseOutcome(c: InHostCase): void {
  if (c.state === 'failed') throw new Error(`failed inside the extension host: ${c.error ?? '(no message)'}`);
}

function summarise(r: InHostReport): string {
  return r.cases.map((c) => `${c.state.padEnd(7)} ${c.title}`).join('\n');
}

describe('in-host suite: NemoCognition in the VS Code extension host (code-server)', function () {
  this.timeout(120_000);
  let inst: CodeServerInstall;
  let cs: RunningCodeServer | undefined;
  let tmp: string;
  const suiteDirs: string[] = [];

  before(async function () {
    this.timeout(15 * 60_000);
    inst = codeServerInstall();
    const why = missingPrerequisite(inst);
    if (why) missingPart(this, `code-server and Chromium for the in-host suite (${why})`);
    if (!fs.existsSync(path.join(REPO_ROOT, 'dist/extension.js'))) missingPart(this, 'dist/extension.js (run `npm run build`, which `npm test` does first)');
    const runtime = requireAgentRuntimeInstalled(this);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nemocog-inhost-'));
    const workspace = path.join(tmp, 'demo-project');
    seedDemoWorkspace(workspace);
    cs = await startCodeServer(inst, {
      workspace,
      extensionTests: true,
      settings: { 'nemocognition.model.preset': 'demo', 'nemocognition.agent.runtimeDir': runtime.dir },
    });

    const dir = await bundleInHostEntry(path.join(__dirname, 'suite/index.ts'), 'suite');
    suiteDirs.push(dir);
    const { report, seconds } = await runInHost(cs, inst.chromium, workspace, dir, 10 * 60_000);
    console.log(`      in-host suite: ${report.cases.length} case(s), ${report.failures} failure(s) in ${seconds.toFixed(0)} s\n${summarise(report).replace(/^/gm, '        ')}`);
    if (report.fatal) throw new Error(report.fatal);
    assert.ok(report.cases.length > 0, 'the in-host suite ran cases');
    // Every host case becomes a case of this suite (added before mocha reads the suite's tests).
    const suite = this.test!.parent!;
    for (const c of report.cases) {
      const t = new Mocha.Test(`[in host] ${c.title}`, () => hostCaseOutcome(c));
      if (c.state === 'pending') t.pending = true;
      suite.addTest(t);
    }
  });

  after(async function () {
    this.timeout(30_000);
    await cs?.stop().catch(() => undefined);
    for (const d of suiteDirs) fs.rmSync(d, { recursive: true, force: true });
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('runner check: a case that fails inside the extension host fails here, with its message', async function () {
    this.timeout(5 * 60_000);
    const workspace = path.join(tmp, 'fixture-ws');
    fs.mkdirSync(workspace);
    const dir = await bundleInHostEntry(path.join(__dirname, 'suite/fixtures/failing.ts'), 'failing-fixture');
    suiteDirs.push(dir);
    const { report } = await runInHost(cs!, inst.chromium, workspace, dir, 4 * 60_000);
    assert.equal(report.fatal, undefined, report.fatal);
    assert.deepEqual(report.cases.map((c) => [c.title, c.state]), [
      ['fixture suite run inside the extension host passes', 'passed'],
      ['fixture suite run inside the extension host fails on purpose', 'failed'],
    ]);
    assert.equal(report.failures, 1);
    hostCaseOutcome(report.cases[0]!);
    assert.throws(() => hostCaseOutcome(report.cases[1]!), /failed inside the extension host: .*'inside the host'/s);
  });
});
