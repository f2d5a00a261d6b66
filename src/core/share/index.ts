/**
 * Shareable replay: a recorded run as one self-contained HTML file that
 * replays in any browser, for a teammate without the workspace.
 *
 *   const rec = await openRecordedRun(ws, { runId });
 *   const html = renderShareHtml(buildSharedReplay({ ...rec, snapshots: rec.snapshots ?? undefined, scrub }), loadShareBundle());
 *
 * What is inside: the Replay webview's own bundle (dist/webview/main.js + main.css + codicon.css,
 * unchanged), a static host (webview/static-host, built to dist/webview/static-host.*) that stands in
 * for the extension host and answers the app's typed protocol v2 (src/protocol/replay.ts) from the
 * data (reader.ts: ready → bootstrap with capabilities that allow diffs only, getRun,
 * getNodeDetail, getChanges, getCompare, getMemory; openDiff / openChanges / openCompare show a
 * diff dialog), and the data (format.ts): the run, its branches and nodes, every node's spans, and
 * the workspace at every snapshot the run refers to, as its difference from the baseline, with the
 * contents of the files that differ, deduplicated, up to a size budget (8 MB by default; past it
 * the contents are left out and the page says so at the top). Because the app is fed through its
 * own protocol and the same answers as the extension's (core/replay/changes.ts), the file keeps
 * working as the Replay UI changes: a new request type fails the static host's typecheck until it
 * answers it.
 *
 * Cost: one pass over the nodes and one snapshot diff (against the baseline) per snapshot of the
 * run: O(files the run changed) each; file contents read once.
 *
 * Safety: the page loads nothing (CSP default-src 'none', scripts and styles only by a fresh
 * nonce, base-uri and form-action 'none'); the data is a JSON block with every `<`, `>` and `&`
 * escaped, so no text can close its element; the app renders untrusted text as text; every string
 * (file contents included) goes through the scrubber; the workspace is named by its folder only.
 */
export { buildSharedReplay, SHARE_CAPABILITIES, SHARE_FORMAT, SHARE_VERSION, DEFAULT_MAX_CONTENT_BYTES, type SharedReplayData, type SharedFile, type SharedState, type ShareInput } from './data';
export { answerRequest, sharedSnapshotReader, sideText, stepDiff, compareDiff, type DiffRequest, type SideText } from './reader';
export { renderShareHtml, loadShareBundle, jsonForHtml, SHARE_DATA_ELEMENT_ID, type ShareBundle } from './html';
