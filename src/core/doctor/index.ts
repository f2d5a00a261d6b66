/**
 * `nemocog doctor` and "NemoCognition: Check Setup": checks everything a run
 * needs and says how to fix each failure.
 *
 *   const report = await runDoctor({ driver: 'local', model: { baseUrl, model, apiKey }, keyFoundIn: 'NEMOCOG_API_KEY' });
 *   console.log(formatReport(report)); process.exit(report.ok ? 0 : 1);
 *
 * Checks, each a row (pass / warn / fail / skip) with what was found and what to do:
 * - the agent runtime (the pinned OpenClaw actually starts) and its Node;
 * - the sandbox layers the kernel offers (Landlock ABI, bubblewrap, user and
 *   network namespaces), judged by the local driver's own detection;
 * - the model endpoint: reachable with the key, the model listed, streaming,
 *   tool calls, the reasoning parameter (modelCheck.ts);
 * - the API key present (SecretStorage or NEMOCOG_API_KEY), never shown;
 * - the Phoenix endpoint, when set; the remote host or NemoClaw sandbox, when
 *   the run goes there (SSH reachable, NemoCognition's CLI present).
 * `ok` is false exactly when a row failed: a run would fail. A warning (no
 * Phoenix, a missing optional layer) does not stop a run.
 * No `vscode` import: the VS Code command passes settings and key presence in.
 */
export { runDoctor, type DoctorOptions } from './doctor';
export { formatReport } from './format';
export type { CheckResult, CheckStatus, DoctorReport } from './types';
