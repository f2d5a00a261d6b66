/**
 * Matching tool results to the tool calls the gateway handed out. Agents may
 * rewrite tool-call ids before sending them back: OpenClaw strips everything
 * but letters and digits (`call_e2e_1` comes back as `calle2e1`), and some
 * providers' adapters shorten them. So a result is matched by exact id, then
 * by normalised id, then through the assistant message that carries the
 * rewritten id with the same tool name and arguments.
 */
import type { ToolCallInfo } from './types';

export function normalizeToolCallId(id: string): string {
  return id.replace(/[^A-Za-z0-9]/g, '');
}

/** True when two ids name the same tool call, allowing for the rewrites agents do. */
export function toolCallIdsMatch(a: string, b: string): boolean {
  if (a === b) return true;
  const na = normalizeToolCallId(a);
  const nb = normalizeToolCallId(b);
  if (!na || !nb) return false;
  if (na === nb) return true;
  const [short, long] = na.length <= nb.length ? [na, nb] : [nb, na];
  return short.length >= 6 && (long.startsWith(short) || long.endsWith(short));
}

export class PendingToolCalls {
  private readonly byId = new Map<string, ToolCallInfo>();

  add(t: ToolCallInfo): void {
    if (t.id) this.byId.set(t.id, t);
  }

  /** Forgets a call that never reached the agent (refused). */
  remove(id: string): void {
    this.byId.delete(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * Finds and removes the pending call a tool message answers.
   * @param assistantCalls the tool calls of the assistant messages in the same request, as the agent rewrote them.
   */
  take(agentId: string, assistantCalls: ToolCallInfo[]): ToolCallInfo | null {
    const exact = this.byId.get(agentId);
    if (exact) {
      this.byId.delete(agentId);
      return exact;
    }
    for (const [id, t] of this.byId) {
      if (toolCallIdsMatch(id, agentId)) {
        this.byId.delete(id);
        return t;
      }
    }
    const echoed = assistantCalls.find((c) => c.id === agentId);
    if (echoed) {
      for (const [id, t] of this.byId) {
        if (t.name === echoed.name && t.arguments === echoed.arguments) {
          this.byId.delete(id);
          return t;
        }
      }
    }
    return null;
  }
}
