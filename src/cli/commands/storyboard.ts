import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildStoryboard, openRecordedRun } from '../../core/storyboard';
import { parseCommandArgs } from '../args';
import { exportScrubber, NEMOCOG_VERSION, workspaceArg } from '../exportArgs';

export const STORYBOARD_USAGE = `  nemocog storyboard <workspace> [--run <id>] [--out file.json]
  The run's Storyboard JSON (the newest run unless --run; stdout without --out).`;

/** `nemocog storyboard <workspace> [--run <id>] [--out file.json]`: the run's Storyboard JSON (stdout without --out). */
export async function storyboardCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { run: { type: 'string' }, out: { type: 'string' } }, STORYBOARD_USAGE, true);
  const workspace = workspaceArg(positionals, 'storyboard');
  const rec = await openRecordedRun(workspace, { runId: values.run });
  const scrubber = exportScrubber();
  let json: string;
  try {
    const sb = buildStoryboard({ ...rec, snapshots: rec.snapshots ?? undefined, scrub: (t) => scrubber.scrub(t), generatorVersion: NEMOCOG_VERSION });
    json = `${JSON.stringify(sb, null, 2)}\n`;
    if (values.out) {
      writeFileSync(resolve(values.out), json);
      console.error(`Storyboard of run ${sb.run.id}: ${sb.scenes.length} scenes (${sb.summary.climaxes} climaxes) → ${resolve(values.out)}`);
    } else process.stdout.write(json);
  } finally {
    await rec.close();
  }
  return 0;
}
