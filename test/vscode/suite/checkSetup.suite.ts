/**
 * "NemoCognition: Check Setup" in the real extension host: with the outer
 * test's settings (demo preset, the runtime folder) every check a run needs
 * passes.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DoctorReport } from '../../../src/core/doctor';
import { nemoCognition } from './api';

describe('Check Setup (nemocognition.checkSetup)', function () {
  this.timeout(120_000);

  it('runs every check against the demo setup and passes', async () => {
    const { services } = await nemoCognition();
    assert.equal(services.settings().modelPreset, 'demo');
    const report = (await vscode.commands.executeCommand('nemocognition.checkSetup')) as DoctorReport | undefined;
    assert.ok(report, 'the command resolved with its report');
    const failed = report.checks.filter((c) => c.status === 'fail');
    assert.deepEqual(failed, [], 'nothing fails');
    assert.equal(report.ok, true);
    for (const id of ['agent.runtime', 'agent.node', 'sandbox.landlock', 'model.reachable', 'model.listed', 'model.streaming', 'model.tools']) {
      assert.equal(report.checks.find((c) => c.id === id)?.status, 'pass', `${id} passes`);
    }
  });
});
