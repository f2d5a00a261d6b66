/** How the CLI shows a run as it goes and when it ends. */
import type { RunListener, RunSummary } from '../core/run/api';

const t0 = Date.now();
const stamp = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s`;

export function consoleListener(): RunListener {
  return {
    narration: (text) => console.log(`${stamp()}  ${text}`),
    phase: (phase, message) => console.log(`${stamp()}  [${phase}] ${message}`),
    warning: (text) => console.error(process.stderr.isTTY ? `${stamp()}  \u001b[1;33m⚠ ${text}\u001b[0m` : `${stamp()}  ⚠ ${text}`),
  };
}

export function printSummary(s: RunSummary): void {
  console.log('');
  console.log(`Run ${s.run.id}: ${s.run.status}`);
  for (const b of s.branches) {
    console.log(`  branch ${b.label.padEnd(12)} ${b.status.padEnd(10)} ${b.parentNodeId ? `(forked from ${b.parentNodeId})` : '(from the workspace baseline)'}`);
    if (b.sealReason) console.log(`    ${b.sealReason}`);
  }
  console.log(`  branches: ${s.branches.length}  tool calls: ${s.toolCalls}  snapshots: ${s.snapshots}  denials: ${s.denials}  recoveries: ${s.recoveries}`);
  for (const e of s.enforcement ?? []) {
    console.log(`  ${e.branch}: supervision ${e.supervision === 'plugin' ? 'by the plugin' : 'GATEWAY-ONLY (the plugin did not load)'}; sandbox ${e.attested ? 'attested' : 'NOT attested'}: ${e.label}`);
    if (e.layers.length) console.log(`    layers: ${e.layers.join(', ')}`);
    if (e.networkRule) console.log(`    network: ${e.networkRule}`);
  }
  if (s.problem) console.log(`\n  Problem: ${s.problem.message}\n  What to do: ${s.problem.fix}`);
}
