/**
 * A branch supervised for real, without an agent: a real snapshot engine on a
 * temp sandbox folder, the real Recorder and Scrubber writing into memory, and
 * the real ToolSupervisor. Tests feed it tool calls (before/after) the way the
 * OpenClaw plugin would and read back the recorded events.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreEvent } from '../../src/core/model/events';
import type { Node } from '../../src/core/model/types';
import type { ToolPolicy } from '../../src/core/policy/types';
import { Recorder } from '../../src/core/recorder/recorder';
import { Scrubber } from '../../src/core/redact';
import { ToolSupervisor } from '../../src/core/run/toolSupervision';
import { SnapshotEngine } from '../../src/core/snapshots/engine';

export class MemorySink {
  events: StoreEvent[] = [];
  async append(e: StoreEvent): Promise<number> {
    this.events.push(e);
    return this.events.length;
  }
}

export interface BranchHarness {
  dir: string;
  workdir: string;
  stateDir: string;
  sink: MemorySink;
  recorder: Recorder;
  scrubber: Scrubber;
  supervisor: ToolSupervisor;
  branchId: string;
  /** Runs one tool call through before/after with the given result text. */
  call(toolName: string, params: unknown, resultText: string, id?: string): Promise<Node>;
  nodes(kind?: Node['kind']): Node[];
  close(): Promise<void>;
}

const SYSTEM_READ_ONLY = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/etc', '/proc'];

export async function branchHarness(opts: { secrets?: Array<{ value: string; kind?: string }>; policy?: Partial<ToolPolicy> } = {}): Promise<BranchHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'nc-branch-'));
  const workdir = join(dir, 'work');
  const stateDir = join(dir, 'state');
  mkdirSync(workdir, { recursive: true });
  mkdirSync(stateDir, { recursive: true });
  const engine = await SnapshotEngine.open(join(dir, 'snapshots'), { changeSource: 'full-scan' });
  const start = await engine.take(workdir, { reason: 'start' });
  const sink = new MemorySink();
  const scrubber = new Scrubber({ secrets: opts.secrets ?? [] });
  const recorder = new Recorder(sink, scrubber);
  await recorder.startRun({ task: 'test', workspace: workdir, baselineSnapshotId: start.id, driver: 'local', meta: {} });
  const branch = await recorder.openBranch({ label: 'main', agentId: 'main', sandbox: 'local:main', parentNodeId: null });
  const policy: ToolPolicy = {
    name: 'test',
    readWrite: [workdir, stateDir],
    readOnly: SYSTEM_READ_ONLY,
    egress: [{ host: '127.0.0.1', port: 40123 }],
    enforceFilesystem: false,
    ...opts.policy,
  };
  const supervisor = new ToolSupervisor(
    { recorder, engine, listener: {}, branchId: branch.id, workdir, policy: { name: 'test', readOnly: SYSTEM_READ_ONLY, readWrite: [stateDir], egress: policy.egress ?? [] }, startSnapshotId: start.id, narrate: () => undefined },
    policy,
  );
  let n = 0;
  const h: BranchHarness = {
    dir,
    workdir,
    stateDir,
    sink,
    recorder,
    scrubber,
    supervisor,
    branchId: branch.id,
    async call(toolName, params, resultText, id = `call_${++n}`) {
      const d = await supervisor.before({ toolName, params, toolCallId: id });
      if (d.allow) await supervisor.after({ toolName, toolCallId: id, params, result: { content: [{ type: 'text', text: resultText }] }, error: null, durationMs: 1 });
      return recorder.nodesOf(branch.id).filter((x) => x.kind === 'tool_call').pop()!;
    },
    nodes: (kind) => recorder.nodesOf(branch.id).filter((x) => !kind || x.kind === kind),
    async close() {
      engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}
