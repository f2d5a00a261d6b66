/**
 * The Phoenix mirror against the real Arize Phoenix (arize-phoenix 20.26.1 in
 * .cache/phoenix) and the real OpenClaw in the Landlock sandbox: spans are
 * read back through Phoenix's REST API. `npm run test:phoenix` runs this file
 * alone; it is part of `npm test`.
 */
import { strict as assert } from 'node:assert';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { OpenInferenceSpanKind, SemanticConventions as SC } from '@arizeai/openinference-semantic-conventions';
import { traceIdForRun } from '../../src/core/model/ids';
import { PhoenixMirror, PhoenixError, phoenixSessionUrl, phoenixTraceUrl, type MirrorStatus } from '../../src/core/mirror';
import { encodedForms } from '../../src/core/redact';
import type { RunSummary } from '../../src/core/run/api';
import { Store } from '../../src/core/store/store';
import { storeDirFor } from '../../src/core/store/paths';
import { missingPart, requireAgentRuntime, requireBinary, requireLandlock } from '../support/realParts';
import { PhoenixServer, phoenixInstall, type PhoenixSpan } from '../support/phoenix';
import { MirrorProcess as ExtensionMirrorProcess } from '../../src/vscode/mirror/mirrorProcess';
import { CLI, countIds, expectedFromStore, MirrorProcess, ROOT, runDemo, waitFor, type Expected } from './support';

const PROJECT = 'nemocognition';
/** Used as the model's API key for the real runs: it must appear nowhere in what Phoenix returns. */
const CANARY_KEY = 'nvapi-PHOENIX-CANARY-7b2e91c4d0a35f68e1b9c2d4';
const SCREENSHOTS = join(ROOT, 'test-results', 'phoenix');

function traceSpans(spans: PhoenixSpan[], runId: string): PhoenixSpan[] {
  const t = traceIdForRun(runId);
  return spans.filter((s) => s.context.trace_id === t);
}

/** Phoenix holds exactly the expected span ids, each once (and nothing else in those traces). */
function assertExactlyOnce(spans: PhoenixSpan[], expected: Expected, runIds = expected.runs): void {
  const mine = spans.filter((s) => runIds.map(traceIdForRun).includes(s.context.trace_id));
  const counts = countIds(mine.map((s) => s.context.span_id));
  const dup = [...counts].filter(([, n]) => n > 1);
  assert.deepEqual(dup, [], 'a span id Phoenix holds more than once');
  const want = [...expected.spans.values()].filter((s) => runIds.includes(String(s.attributes[SC.SESSION_ID]))).map((s) => s.spanId);
  const missing = want.filter((id) => !counts.has(id));
  assert.deepEqual(missing, [], `spans missing from Phoenix (${missing.length} of ${want.length})`);
  const extra = [...counts.keys()].filter((id) => !want.includes(id));
  assert.deepEqual(extra, [], 'spans in Phoenix that the store does not have');
}

describe('Phoenix mirror on a real Phoenix and a real OpenClaw run', function () {
  this.timeout(1_500_000);
  let phoenix: PhoenixServer;
  let scratch: string;

  before(async function () {
    requireAgentRuntime(this);
    await requireLandlock(this);
    if (!phoenixInstall().installed) missingPart(this, 'Arize Phoenix (node .ci/install-phoenix.mjs installs arize-phoenix into .cache/phoenix)');
    scratch = mkdtempSync(join(tmpdir(), 'nc-phoenix-test-'));
    phoenix = await PhoenixServer.start({ workDir: join(scratch, 'phoenix-a') });
  });

  after(async () => {
    await phoenix?.dispose();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  describe('a run mirrored live while it is recorded', () => {
    let ws: string;
    let summary: RunSummary;
    let expected: Expected;
    let spans: PhoenixSpan[];
    const lags: number[] = [];
    const statuses: MirrorStatus[] = [];
    let runWallMs = 0;

    before(async () => {
      ws = join(scratch, 'live');
      const mirror = PhoenixMirror.open({
        storeDir: storeDirFor(ws),
        target: { endpoint: phoenix.url, project: PROJECT },
        secrets: [{ value: CANARY_KEY, kind: 'model-api-key' }],
        pollMs: 200,
        onStatus: (s) => statuses.push(s),
        onDelivered: (ds, at) => lags.push(...ds.map((d) => at - d.endedTs)),
      });
      const stop = new AbortController();
      const following = mirror.follow(stop.signal);
      try {
        const t0 = Date.now();
        summary = await runDemo(ws, CANARY_KEY);
        runWallMs = Date.now() - t0;
        expected = await expectedFromStore(ws);
        await waitFor('the mirror to confirm every span of the run', () => mirror.cursor >= expected.lastSeq && mirror.status().state === 'live', 120_000);
      } finally {
        stop.abort();
        await following;
        await mirror.close();
      }
      spans = traceSpans(await phoenix.spans(PROJECT), summary.run.id);
      const sorted = [...lags].sort((a, b) => a - b);
      console.log(`      run ${Math.round(runWallMs / 1000)} s; ${spans.length} spans in Phoenix; recorder-to-Phoenix lag p50 ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms`);
    });

    it('the run itself is the demo scenario: a kernel denial, then a completed recovery', () => {
      assert.equal(summary.run.status, 'completed', JSON.stringify(summary.problem));
      assert.deepEqual(summary.branches.map((b) => `${b.label}:${b.status}`), ['main:failed', 'recovery-1:completed']);
      assert.equal(summary.denials, 1);
      assert.ok(statuses.some((s) => s.state === 'catching-up' && s.behind > 0), 'the status said "behind" while spans were in flight');
    });

    it('holds one span per node plus the run and branch spans, each once, with the kinds and parents of the store', () => {
      assert.equal(spans.length, expected.nodes.length + expected.branches + 1, 'span count = nodes + branches + run');
      assertExactlyOnce(spans, expected);
      for (const s of spans) {
        const want = expected.spans.get(s.context.span_id)!;
        assert.equal(s.span_kind, want.kind, `kind of ${s.name}`);
        assert.equal(s.parent_id, want.parentSpanId, `parent of ${s.name}`);
        assert.equal(s.name, want.name);
      }
      const roots = spans.filter((s) => s.parent_id === null);
      assert.deepEqual(roots.map((s) => s.span_kind), ['AGENT'], 'one root: the run');
    });

    it('groups the run by session.id: Phoenix\'s session of the run holds its one trace', async () => {
      for (const s of spans) assert.equal(s.attributes[SC.SESSION_ID], summary.run.id, `session.id of ${s.name}`);
      const session = await phoenix.json<{ data: { session_id: string; traces: Array<{ trace_id: string }>; token_count_total: number } }>(`/v1/sessions/${encodeURIComponent(summary.run.id)}`);
      assert.equal(session.data.session_id, summary.run.id);
      assert.deepEqual(session.data.traces.map((t) => t.trace_id), [traceIdForRun(summary.run.id)]);
      assert.ok(session.data.token_count_total > 0, 'Phoenix adds up the LLM spans\' token counts for the session');
    });

    it('carries model, provider and token counts on LLM spans, and tool names and parameters on TOOL spans', () => {
      const llm = spans.filter((s) => s.span_kind === OpenInferenceSpanKind.LLM);
      assert.equal(llm.length, expected.nodes.filter((n) => n.kind === 'model_call').length);
      for (const s of llm) {
        assert.ok(s.attributes[SC.LLM_MODEL_NAME], `llm.model_name on ${s.name}`);
        assert.equal(s.attributes[SC.LLM_PROVIDER], 'local', 'the demo model runs on 127.0.0.1');
        assert.ok(s.attributes[`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_ROLE}`], 'input messages flattened as OpenInference specifies');
        assert.equal(s.attributes[SC.INPUT_MIME_TYPE], 'application/json');
      }
      const counted = llm.filter((s) => typeof s.attributes[SC.LLM_TOKEN_COUNT_TOTAL] === 'number');
      assert.ok(counted.length > 0, 'token counts present');
      for (const s of counted) {
        const node = expected.nodes.find((n) => expected.spans.get(s.context.span_id)?.attributes['nemocognition.node.id'] === n.id)!;
        assert.equal(s.attributes[SC.LLM_TOKEN_COUNT_TOTAL], node.attributes[SC.LLM_TOKEN_COUNT_TOTAL]);
        assert.equal(s.attributes[SC.LLM_TOKEN_COUNT_PROMPT], node.attributes[SC.LLM_TOKEN_COUNT_PROMPT]);
      }
      const tools = spans.filter((s) => s.span_kind === OpenInferenceSpanKind.TOOL);
      assert.equal(tools.length, summary.toolCalls);
      for (const s of tools) {
        assert.match(String(s.attributes[SC.TOOL_NAME]), /^(write|exec|edit|read)$/, `tool.name of ${s.name}`);
        // Phoenix stores tool.parameters (a JSON string) as an object; its REST listing flattens it.
        assert.ok(Object.keys(s.attributes).some((k) => k === SC.TOOL_PARAMETERS || k.startsWith(`${SC.TOOL_PARAMETERS}.`)), `tool.parameters of ${s.name}`);
        assert.ok(s.attributes[SC.OUTPUT_VALUE] !== undefined, 'the tool\'s result (the span was sent once it had ended)');
      }
      // An agent turn's totals are not LLM token counts (Phoenix would count them twice).
      for (const s of spans.filter((x) => x.span_kind === 'AGENT')) assert.equal(s.attributes[SC.LLM_TOKEN_COUNT_TOTAL], undefined, s.name);
    });

    it('shows the kernel denial as a GUARDRAIL span under its tool call, and the recovery under the node it forks from', () => {
      const guard = spans.filter((s) => s.span_kind === OpenInferenceSpanKind.GUARDRAIL);
      assert.equal(guard.length, 1);
      const g = guard[0]!;
      assert.equal(g.status_code, 'ERROR');
      assert.equal(g.attributes['nemocognition.policy.decision'], 'deny');
      assert.equal(g.attributes['nemocognition.policy.source'], 'kernel');
      assert.match(String(g.attributes[SC.OUTPUT_VALUE]), /Permission denied/);
      const parent = spans.find((s) => s.context.span_id === g.parent_id)!;
      assert.equal(parent.span_kind, 'TOOL');
      assert.match(parent.name, /\/etc\/nemocog-demo/);
      const recovery = spans.find((s) => s.name === 'branch recovery-1')!;
      const fork = summary.branches[1]!.parentNodeId!;
      assert.equal(recovery.parent_id, expected.spans.get([...expected.spans.values()].find((x) => x.attributes['nemocognition.node.id'] === fork)!.spanId)!.spanId);
      const main = spans.find((s) => s.name === 'branch main')!;
      assert.equal(main.status_code, 'ERROR');
      assert.ok(main.status_message.length > 0, 'the failed branch says why');
    });

    it('never shows the model key (a canary) in anything Phoenix returns', async () => {
      const forms = encodedForms(CANARY_KEY);
      const texts = [
        await phoenix.text(`/v1/projects/${PROJECT}/spans?limit=1000`),
        await phoenix.text(`/v1/projects/${PROJECT}/traces?include_spans=true&limit=100`),
        await phoenix.text(`/v1/sessions/${encodeURIComponent(summary.run.id)}`),
        await phoenix.text('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ projects { edges { node { name spans(first: 1000) { edges { node { name spanKind attributes statusMessage input { value } output { value } } } } } } } }' }),
        }),
      ];
      assert.ok(texts[3]!.includes('recovery-1') && !texts[3]!.includes('"errors"'), `the GraphQL query answered: ${texts[3]!.slice(0, 300)}`);
      for (const t of texts) for (const f of forms) assert.ok(!t.includes(f), `the canary (as "${f}") is in what Phoenix returned`);
    });

    it('opens in Phoenix\'s own UI through the deep link (screenshot under test-results/phoenix)', async function () {
      requireBinary(this, 'chromium', 'to look at Phoenix\'s UI');
      mkdirSync(SCREENSHOTS, { recursive: true });
      const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
      try {
        const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
        await page.goto(phoenixTraceUrl(phoenix.url, summary.run.id), { waitUntil: 'domcontentloaded' });
        await page.getByText('branch recovery-1').first().waitFor({ state: 'visible', timeout: 60_000 });
        await page.screenshot({ path: join(SCREENSHOTS, 'run-trace.png') });
        // The denial: select the GUARDRAIL span in the trace tree; its details say what the kernel refused.
        await page.getByText(/^deny exec/).first().click({ timeout: 30_000 });
        await page.getByText(/Permission denied/).first().waitFor({ state: 'visible', timeout: 30_000 });
        await page.waitForTimeout(1000);
        await page.screenshot({ path: join(SCREENSHOTS, 'run-denial.png') });
        await page.goto(phoenixSessionUrl(phoenix.url, summary.run.id), { waitUntil: 'domcontentloaded' });
        await page.getByText(/Add a greeting module/).first().waitFor({ state: 'visible', timeout: 60_000 });
        await page.waitForTimeout(1000);
        await page.screenshot({ path: join(SCREENSHOTS, 'run-session.png') });
      } finally {
        await browser.close();
      }
    });
  });

  describe('Phoenix down during a run', () => {
    it('the run completes with its replay whole; when Phoenix is back the mirror catches up, each span once', async () => {
      const ws = join(scratch, 'down');
      const before = (await phoenix.spans(PROJECT)).length;
      await phoenix.stop();
      // The mirror exactly as the extension runs it (src/vscode/mirror/mirrorProcess.ts): a child process, secrets on stdin.
      const seen: MirrorStatus[] = [];
      const logs: string[] = [];
      let exited: number | null | undefined;
      const child = ExtensionMirrorProcess.start(
        { cliPath: CLI, execPath: process.execPath, workspace: ws, storeDir: storeDirFor(ws), endpoint: phoenix.url, project: PROJECT, secrets: [CANARY_KEY] },
        { status: (st) => seen.push(st), log: (level, m) => logs.push(`${level}: ${m}`), exit: (code, _sig, stderr) => ((exited = code), logs.push(`exit ${code}: ${stderr}`)) },
      );
      const describe = () => `statuses: ${JSON.stringify(seen.slice(-5))}\nlogs: ${logs.slice(-10).join('\n')}`;
      try {
        const t0 = Date.now();
        const summary = await runDemo(ws, CANARY_KEY);
        console.log(`      run with Phoenix down: ${Math.round((Date.now() - t0) / 1000)} s`);
        assert.equal(summary.run.status, 'completed', JSON.stringify(summary.problem));
        const expected = await expectedFromStore(ws);
        const store = await Store.open(storeDirFor(ws), { readOnly: true });
        try {
          assert.equal(store.getRun(summary.run.id)!.status, 'completed', 'the local replay is whole');
          assert.equal(store.branchesOf(summary.run.id).length, 2);
          assert.ok(store.nodesOfRun(summary.run.id).some((n) => n.kind === 'policy_decision'));
        } finally {
          await store.close();
        }
        const failing = await waitFor(
          'the mirror to report Phoenix as failing with every span of the run waiting',
          () => {
            const s = seen[seen.length - 1];
            return s && s.state === 'failing' && s.behind === expected.spans.size ? s : undefined;
          },
          120_000,
        ).catch((err: Error) => assert.fail(`${err.message}\n${describe()}`));
        assert.match(failing.reason!, /not running|connection refused/i);
        assert.match(failing.fix!, /Start Phoenix|endpoint/);

        await phoenix.launch();
        child.retryNow(); // "Retry Phoenix Mirror Now"
        await waitFor('the mirror to be live again', () => seen[seen.length - 1]?.state === 'live' && seen[seen.length - 1]!.behind === 0, 120_000).catch((err: Error) =>
          assert.fail(`${err.message}\n${describe()}`),
        );
        const all = await phoenix.spans(PROJECT);
        assertExactlyOnce(all, expected);
        assert.equal(all.length, before + expected.spans.size, 'the earlier run is untouched and nothing else arrived');
      } finally {
        await child.stop();
        if (!phoenix.running) await phoenix.launch(); // the next tests use it
      }
      assert.equal(exited, 0, `closing its stdin stops it cleanly\n${describe()}`);
    });
  });

  describe('crashes in the middle of delivery', () => {
    it('Phoenix SIGKILLed mid-batch and the mirror SIGKILLed mid-catch-up: after restart, exactly once and nothing missing', async () => {
      // A fresh Phoenix, and both runs recorded above (about 60 spans) to backfill into it.
      const ws = join(scratch, 'backfill');
      cpSync(join(scratch, 'live', '.nemocognition', 'store'), join(ws, '.nemocognition', 'store'), { recursive: true });
      const expected = await expectedFromStore(ws);
      const px = await PhoenixServer.start({ workDir: join(scratch, 'phoenix-b') });
      try {
        // 1. The mirroring process (the CLI) is SIGKILLed during catch-up, after some batches were confirmed.
        const child = MirrorProcess.start(ws, ['--endpoint', px.url, '--project', PROJECT, '--batch-spans', '3', '--window-records', '6'], null);
        await waitFor('some spans confirmed and more to go', () => child.lines.some((l) => l.type === 'delivered') && (child.last?.behind ?? 0) > 0, 120_000, 20).catch((err: Error) =>
          assert.fail(`${err.message}\n${child.describe()}`),
        );
        await child.kill9();
        const afterKill = (await px.spans(PROJECT)).length;
        assert.ok(afterKill > 0 && afterKill < expected.spans.size, `the kill came in the middle (${afterKill} of ${expected.spans.size} in Phoenix)`);

        // 2. Restarted (in this process): Phoenix is SIGKILLed right after it accepted a batch, before storing it.
        let sentBeforeKill: string[] = [];
        const mirror = PhoenixMirror.open({
          storeDir: storeDirFor(ws),
          target: { endpoint: px.url, project: PROJECT },
          batchSpans: 5,
          confirmTimeoutMs: 5_000,
          requestTimeoutMs: 3_000,
          onSent: (ids) => {
            if (sentBeforeKill.length === 0 && px.running) {
              sentBeforeKill = ids;
              void px.kill();
            }
          },
        });
        try {
          const err = await mirror.catchUp().then(
            () => null,
            (e: unknown) => e,
          );
          assert.ok(err instanceof PhoenixError && err.transient, `the pass fails while Phoenix is dead: ${String(err)}`);
          assert.ok(sentBeforeKill.length > 0, 'a batch was in flight when Phoenix died');
          assert.equal(mirror.status().state, 'failing');
          await px.launch();
          const lost = sentBeforeKill;
          const present = new Set((await px.spans(PROJECT)).map((s) => s.context.span_id));
          console.log(`      of the batch Phoenix accepted before its SIGKILL, ${lost.filter((id) => !present.has(id)).length} of ${lost.length} spans were lost by Phoenix`);
          await waitFor(
            'the restarted mirror to catch up',
            async () => {
              try {
                await mirror.catchUp();
                return true;
              } catch (e) {
                if (e instanceof PhoenixError) return false;
                throw e;
              }
            },
            180_000,
            1_000,
          );
          assert.equal(mirror.status().behind, 0);
        } finally {
          await mirror.close();
        }
        assertExactlyOnce(await px.spans(PROJECT), expected);
      } finally {
        await px.dispose();
      }
    });
  });

  describe('a Phoenix with authentication on', () => {
    it('without the key says so and what to do; with it (an Authorization header) delivers, and the key is in no span', async () => {
      const adminKey = `phx-admin-${Date.now().toString(36)}-0123456789abcdef`;
      const px = await PhoenixServer.start({
        workDir: join(scratch, 'phoenix-auth'),
        env: { PHOENIX_ENABLE_AUTH: 'true', PHOENIX_SECRET: `jwt-secret-${'0a1b2c3d'.repeat(5)}`, PHOENIX_ADMIN_SECRET: adminKey },
      });
      try {
        const ws = join(scratch, 'auth');
        const store = await Store.open(storeDirFor(ws));
        try {
          await store.append({ type: 'run.started', run: { id: 'run_auth', task: 'a run for an authenticated Phoenix', workspace: ws, baselineSnapshotId: null, startedAt: Date.now(), driver: 'local', meta: {} } });
          await store.append({ type: 'run.ended', runId: 'run_auth', status: 'completed', at: Date.now() });
        } finally {
          await store.close();
        }
        const without = PhoenixMirror.open({ storeDir: storeDirFor(ws), target: { endpoint: px.url, project: PROJECT } });
        try {
          const err = await without.catchUp().then(() => null, (e: unknown) => e);
          assert.ok(err instanceof PhoenixError && !err.transient, String(err));
          assert.match(err.message, /refused access \(401\)/);
          assert.match(err.fix, /Set Phoenix API Key/);
        } finally {
          await without.close();
        }
        const withKey = PhoenixMirror.open({ storeDir: storeDirFor(ws), target: { endpoint: px.url, project: PROJECT, apiKey: adminKey } });
        try {
          await withKey.catchUp();
        } finally {
          await withKey.close();
        }
        const res = await fetch(`${px.url}/v1/projects/${PROJECT}/spans?limit=100`, { headers: { authorization: `Bearer ${adminKey}` } });
        const text = await res.text();
        assert.equal(res.status, 200, text);
        assert.equal((JSON.parse(text) as { data: unknown[] }).data.length, 1, 'the run span arrived');
        assert.ok(!text.includes(adminKey), 'the key is in no span');
      } finally {
        await px.dispose();
      }
    });
  });

  describe('scrubbing, as the store does', () => {
    it('removes registered keys (in their encoded forms) and credential shapes from spans written without the recorder', async () => {
      const ws = join(scratch, 'scrub');
      const key = 'zq7-canary-K4mP9xR2vT8wY3nB6';
      const github = `ghp_${'A1b2C3d4E5'.repeat(4)}`;
      const store = await Store.open(storeDirFor(ws));
      const runId = 'run_scrubtest';
      try {
        await store.append({ type: 'run.started', run: { id: runId, task: `deploy with ${key}`, workspace: ws, baselineSnapshotId: null, startedAt: Date.now(), driver: 'local', meta: {} } });
        await store.append({ type: 'branch.opened', branchId: 'br_scrub', runId, parentNodeId: null, parentBranchId: null, agentId: 'main', label: 'main', sandbox: 'local:main', at: Date.now() });
        await store.append({
          type: 'node.appended',
          nodeId: 'nd_scrub1',
          runId,
          branchId: 'br_scrub',
          kind: 'tool_call',
          name: `exec: curl -H "Authorization: Bearer ${key}"`,
          parentNodeId: null,
          startTime: Date.now(),
          endTime: Date.now(),
          status: 'ok',
          snapshotId: null,
          attributes: {
            'tool.name': 'exec',
            'input.value': `curl https://x.example/?k=${encodeURIComponent(key)} ${Buffer.from(`user:${key}`).toString('base64')}`,
            'output.value': `token ${github}`,
            'nemocognition.list': [key, 'fine'],
          },
        });
        await store.append({ type: 'branch.sealed', branchId: 'br_scrub', status: 'completed', reason: `done (${key})`, at: Date.now() });
        await store.append({ type: 'run.ended', runId, status: 'completed', at: Date.now() });
      } finally {
        await store.close();
      }
      const mirror = PhoenixMirror.open({ storeDir: storeDirFor(ws), target: { endpoint: phoenix.url, project: 'scrub' }, secrets: [{ value: key, kind: 'model-api-key' }] });
      try {
        await mirror.catchUp();
      } finally {
        await mirror.close();
      }
      const got = await phoenix.spans('scrub');
      assert.equal(got.length, 3);
      const text = JSON.stringify(got);
      for (const f of [...encodedForms(key), github]) assert.ok(!text.includes(f), `"${f}" reached Phoenix`);
      assert.match(text, /\[REDACTED:model-api-key\]/);
      assert.match(text, /\[REDACTED:github-token\]/);
    });
  });
});
