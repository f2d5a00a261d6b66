/** Issue 4: per-tool-call supervision overhead (snapshot + sandboxed spawn) vs a plain spawn. */
// TODO(nemocog): measure the local sandbox driver's exec(['true']) once it lands.
export async function runSupervisionSection(log: (l: string) => void, _workDir: string): Promise<Record<string, unknown>> {
  const reason = 'the local sandbox driver is not there yet';
  log(`supervision: skipped (${reason})`);
  return { skipped: reason };
}
