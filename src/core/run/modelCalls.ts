/**
 * Model calls seen by the gateway become LLM nodes on whichever branch is
 * running; requests the gateway refused become GUARDRAIL nodes. With no
 * supervisor plugin connected, the gateway's tool-call hook is the fallback
 * supervision point (snapshot before the agent sees the tool calls).
 */
import { toOpenInferenceAttributes } from '../gateway';
import type { ModelCallRecord, RejectedRequest, ToolCallsAnnounced, ToolResult } from '../gateway/types';
import type { Recorder } from '../recorder/recorder';
import type { TurnFailure } from './agentPort';
import { turnFailure } from './failures';
import type { ToolSupervisor } from './toolSupervision';

/** Failed model calls in a row after which the turn is stopped: the agent's own retries would only add minutes. */
export const MODEL_FAILURE_LIMIT = 3;

export interface ActiveBranch {
  branchId: string;
  supervisor: ToolSupervisor;
  /** True once the OpenClaw plugin has connected: it, not the gateway, supervises tool calls. */
  pluginConnected: () => boolean;
  /** Told once, when the model endpoint has failed MODEL_FAILURE_LIMIT calls in a row. */
  modelDown?(failure: TurnFailure): void;
}

/** What the gateway saw of the model during one turn. */
export interface ModelHealth {
  calls: number;
  failures: number;
  failedInARow: number;
  lastError: string | null;
}

export class ModelCallRouter {
  active: ActiveBranch | null = null;
  calls = 0;
  private health: ModelHealth = freshHealth();
  private readonly viaGateway = new Map<string, string>(); // toolCallId -> toolName

  constructor(
    private readonly recorder: Recorder,
    private readonly narrate: (text: string) => void,
    private readonly endpoint: { baseUrl: string; model: string },
  ) {}

  startTurn(active: ActiveBranch): void {
    this.active = active;
    this.health = freshHealth();
  }

  endTurn(): ModelHealth {
    this.active = null;
    return this.health;
  }

  /** The model's failure when every call of the turn failed (or enough in a row to stop it); null otherwise. */
  modelFailure(h: ModelHealth): TurnFailure | null {
    if (h.calls === 0 || (h.failures < h.calls && h.failedInARow < MODEL_FAILURE_LIMIT)) return null;
    const { baseUrl, model } = this.endpoint;
    return turnFailure('model', `The model endpoint ${baseUrl} (model "${model}") failed ${h.failedInARow} call(s) in a row: ${h.lastError ?? 'no answer'}`);
  }

  async onModelCall(rec: ModelCallRecord): Promise<void> {
    const a = this.active;
    if (!a) return;
    this.calls++;
    this.track(a, rec);
    const toolCalls = rec.response.message?.toolCalls ?? [];
    const name = `${rec.response.model ?? rec.request.upstreamModel ?? rec.request.model ?? 'model'} call${toolCalls.length ? ` → ${toolCalls.map((t) => t.name).join(', ')}` : ''}`;
    await this.recorder.appendNode(a.branchId, {
      kind: 'model_call',
      name,
      startTime: rec.startTime,
      endTime: rec.endTime,
      status: rec.status === 'ok' ? 'ok' : 'error',
      attributes: toOpenInferenceAttributes(rec),
    });
    const text = rec.response.message?.content?.trim();
    if (text) this.narrate(`Agent: ${text}`); // narration is scrubbed, then clipped
    if (rec.status === 'error') this.narrate(`Model call failed: ${rec.error ?? 'unknown error'}`);
  }

  private track(a: ActiveBranch, rec: ModelCallRecord): void {
    const h = this.health;
    h.calls++;
    if (rec.status === 'ok') {
      h.failedInARow = 0;
      return;
    }
    h.failures++;
    h.failedInARow++;
    h.lastError = rec.error;
    if (h.failedInARow === MODEL_FAILURE_LIMIT) a.modelDown?.(this.modelFailure(h)!);
  }

  /** A request refused for lack of the run's secret: on the gateway, or on the supervisor channel. */
  async onRejected(info: RejectedRequest, rule: 'gateway.auth' | 'supervisor.auth' = 'gateway.auth'): Promise<void> {
    const a = this.active;
    if (!a) return;
    const source = rule === 'gateway.auth' ? 'gateway' : 'supervisor';
    await this.recorder.appendNode(a.branchId, {
      kind: 'policy_decision',
      name: `deny ${info.method} ${info.path} (${source})`,
      status: 'error',
      attributes: {
        'nemocognition.policy.decision': 'deny',
        'nemocognition.policy.source': source,
        'nemocognition.policy.rule': rule,
        'nemocognition.policy.detail': info.reason,
        'net.peer.name': info.remote,
      },
    });
  }

  async onToolCallsAnnounced(info: ToolCallsAnnounced): Promise<void> {
    const a = this.active;
    if (!a || a.pluginConnected()) return;
    for (const t of info.tools) {
      let params: unknown = t.arguments;
      try {
        params = JSON.parse(t.arguments);
      } catch {
        // malformed arguments stay a string: model output is untrusted
      }
      this.viaGateway.set(t.id, t.name);
      await a.supervisor.before({ toolName: t.name, params, toolCallId: t.id });
    }
  }

  async onToolResults(results: ToolResult[]): Promise<void> {
    const a = this.active;
    if (!a || a.pluginConnected()) return;
    for (const r of results) {
      const toolName = this.viaGateway.get(r.toolCallId);
      if (!toolName) continue;
      this.viaGateway.delete(r.toolCallId);
      await a.supervisor.after({ toolName, toolCallId: r.toolCallId, result: r.content });
    }
  }
}

function freshHealth(): ModelHealth {
  return { calls: 0, failures: 0, failedInARow: 0, lastError: null };
}
