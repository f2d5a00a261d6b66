/**
 * Hole 9 of issue 13: unscrubbed copies. Text was clipped before it was
 * scrubbed, so a fragment of a secret could survive at the cut; and the
 * sandboxes' OpenClaw state (transcripts, logs) stayed on disk after the run,
 * unscrubbed. The real-parts test plants a canary key and searches every byte
 * under .nemocognition/ (and the run's private tmp folders) for it.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemoWorkspace } from '../../src/cli/demoWorkspace';
import { DEMO_TASK } from '../../src/cli/commands/demo';
import { startDemoModel, type DemoModel } from '../../src/core/demo';
import { Scrubber } from '../../src/core/redact';
import { runTag, socketDirOf } from '../../src/core/run/leftovers';
import { ScrubbedLines } from '../../src/core/run/scrubbedLines';
import { runSupervised } from '../../src/core/run/supervisor';
import type { RunSummary } from '../../src/core/run/api';
import { sandboxTmpRoot } from '../../src/core/sandbox/local/privateTmp';
import { branchHarness } from '../support/branchHarness';
import { requireAgentRuntime, requireLandlock } from '../support/realParts';

const CANARY = 'nvapi-CANARY9b1e7c3a5d2f8e4b6c0a9d7e1f3b5c8a2d';

/** Every substring of `secret` at least `min` long that appears in `text`. */
function fragmentsIn(text: string, secret: string, min = 10): string[] {
  const found: string[] = [];
  for (let len = secret.length; len >= min; len--) {
    for (let i = 0; i + len <= secret.length; i++) if (text.includes(secret.slice(i, i + len))) found.push(secret.slice(i, i + len));
    if (found.length) return found;
  }
  return found;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('hole 9: unscrubbed copies', function () {
  this.timeout(600_000);

  it('scrubs first, then clips: a key cut at the 64 KiB limit of a tool output leaves no fragment', async () => {
    const h = await branchHarness({ secrets: [{ value: CANARY, kind: 'model-api-key' }] });
    try {
      // The cut falls 12 characters into the key: "nvapi-CANARY" alone matches no pattern and is not the registered key.
      const output = `${'x'.repeat(64 * 1024 - 12)}${CANARY} and more output`;
      await h.call('exec', { command: 'cat big.log' }, output);
      const bytes = JSON.stringify(h.sink.events);
      assert.deepEqual(fragmentsIn(bytes, CANARY), [], 'a fragment of the key was recorded');
      assert.match(bytes, /not recorded/, 'the output was clipped');
    } finally {
      await h.close();
    }
  });

  it('a tool call label shortened to 120 characters keeps no fragment of a token in the command', async () => {
    const h = await branchHarness({ secrets: [{ value: CANARY, kind: 'model-api-key' }] });
    try {
      const command = `curl -s https://integrate.api.nvidia.com/v1/models --retry 3 --max-time 30 -H "Authorization: Bearer ${CANARY}"`;
      assert.ok(command.indexOf(CANARY) < 119 && command.indexOf(CANARY) + CANARY.length > 119, 'the label cut falls inside the key');
      const tool = await h.call('exec', { command }, 'ok');
      assert.deepEqual(fragmentsIn(tool.name + JSON.stringify(h.sink.events), CANARY, 8), []);
    } finally {
      await h.close();
    }
  });

  it('a key split across two chunks of the agent\'s stderr is scrubbed as one line', () => {
    const s = new Scrubber({ secrets: [{ value: CANARY, kind: 'model-api-key' }] });
    const lines: string[] = [];
    const out = new ScrubbedLines((t) => s.scrub(t), (l) => lines.push(l));
    out.push(`warn: key=${CANARY.slice(0, 20)}`);
    out.push(`${CANARY.slice(20)} rejected\nnext line\npartial`);
    out.flush();
    assert.deepEqual(lines, ['warn: key=[REDACTED:model-api-key] rejected', 'next line', 'partial']);
  });

  describe('on real parts: a run with a canary key, in the task and as the model key', () => {
    let ws: string;
    let model: DemoModel;
    let summary: RunSummary;
    const scratch = mkdtempSync(join(tmpdir(), 'nc-hole9-'));

    before(async function () {
      requireAgentRuntime(this);
      await requireLandlock(this);
      ws = join(scratch, 'ws');
      seedDemoWorkspace(ws);
      model = await startDemoModel({ scenario: 'deny-and-recover', apiKey: CANARY });
      // A user pasting their key into the task is ordinary: the agent's transcripts then hold it.
      const task = `${DEMO_TASK}\n(For reference, my NIM key is ${CANARY}; do not print it.)`;
      summary = await runSupervised({ workspace: ws, task, driver: 'local', model: { baseUrl: model.baseUrl, model: model.model, apiKey: CANARY }, maxRecoveries: 2, timeoutMs: 240_000 });
    });
    after(async () => {
      await model?.close();
      rmSync(scratch, { recursive: true, force: true });
    });

    it('the agent really had the canary in its context (the test is live)', () => {
      assert.equal(summary.run.status, 'completed', JSON.stringify(summary.problem));
      assert.ok(model.requests.some((r) => r.body.includes(CANARY)), 'the task with the canary reached the model through the agent');
    });

    it('no byte under .nemocognition/ holds the canary, nor any fragment of it', () => {
      const files = filesUnder(join(ws, '.nemocognition'));
      assert.ok(files.length > 10);
      for (const f of files) {
        if (statSync(f).size > 50_000_000) continue;
        const bytes = readFileSync(f).toString('latin1');
        assert.deepEqual(fragmentsIn(bytes, CANARY, 12), [], `${f} holds the canary`);
      }
    });

    it("no branch keeps the agent's state, its sandbox copy, its socket folder or its private tmp after the run", () => {
      const nc = join(ws, '.nemocognition');
      assert.equal(existsSync(join(nc, 'sandboxes', summary.run.id)), false, 'sandboxes/<run> (work and OpenClaw state) removed');
      assert.equal(existsSync(socketDirOf(nc, summary.run.id)), false, 'the socket folder removed');
      const tag = `nc-${runTag(summary.run.id)}-`;
      const left = existsSync(sandboxTmpRoot()) ? readdirSync(sandboxTmpRoot()).filter((n) => n.startsWith(tag)) : [];
      assert.deepEqual(left, [], `private tmp folders left in ${sandboxTmpRoot()}`);
    });
  });
});
