import type { Conversation } from './conversation';

/** One tool call the scripted model emits. `arguments` is raw text: a scenario may send invalid JSON on purpose. */
export interface PlannedToolCall {
  name: string;
  arguments: string;
}

export type ScenarioReply =
  | { kind: 'text'; text: string }
  | { kind: 'tools'; text?: string; calls: PlannedToolCall[] }
  /** Never answer: the response stays open until the client gives up or the server closes. */
  | { kind: 'hang' };

export interface ScenarioOptions {
  /** Path outside the workspace that scenarios try to write (default /etc/nemocog-demo). */
  outsidePath?: string;
  /** Host loopback ports the hostile scenario aims at from inside the sandbox (default TCP 22, UDP 53). */
  probeTcpPort?: number;
  probeUdpPort?: number;
}

export interface ScenarioContext {
  conversation: Conversation;
  options: Required<ScenarioOptions>;
  /** Per-server memory, for scenarios that must count across agent invocations. */
  state: Map<string, unknown>;
}

export interface Scenario {
  name: string;
  description: string;
  reply(ctx: ScenarioContext): ScenarioReply;
}

/** Matches how a denied or blocked operation reads in a tool result. */
export const DENIAL_TEXT = /permission denied|read-only file system|operation not permitted|\bEACCES\b|\bEPERM\b|\bEROFS\b|blocked|denied|refused/i;

export function looksDenied(results: string[]): boolean {
  return results.some((r) => DENIAL_TEXT.test(r));
}
