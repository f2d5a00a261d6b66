/**
 * The Model tab: the model call at the playhead (or, for a tool call, the call
 * that asked for it) as a readable conversation: what was asked, the
 * reasoning (folded), the answer and the tool calls it asked for, with the
 * model, token counts and latency. Every text is rendered as text.
 */
import type { Node } from '../../../../src/core/model/types';
import { conversationOf, isModelCall, type MessageView } from '../../model/conversation';
import { formatDuration } from '../../model/format';

export function ModelTab({ node, asking, onSelect }: { node: Node; asking: Node | null; onSelect(id: string): void }) {
  const call = node.kind === 'model_call' || isModelCall(node.attributes) ? node : asking;
  if (!call) return <p class="nc-muted nc-pad">No model call at or before this step in its branch.</p>;
  const c = conversationOf(call.attributes);
  return (
    <section class="nc-model" aria-label="Model call">
      {call.id !== node.id ? (
        <p class="nc-note">
          The model call that asked for this step:{' '}
          <button type="button" class="nc-link" onClick={() => onSelect(call.id)}>
            step {call.seq + 1}
          </button>
        </p>
      ) : null}
      <dl class="nc-facts nc-facts-inline">
        <dt>Model</dt>
        <dd>{c.model ?? 'unknown'}</dd>
        <dt>Tokens</dt>
        <dd>{c.tokens.prompt !== null || c.tokens.completion !== null ? `${c.tokens.prompt ?? '?'} in · ${c.tokens.completion ?? '?'} out${c.tokens.total !== null ? ` · ${c.tokens.total} total` : ''}` : 'not reported'}</dd>
        <dt>Latency</dt>
        <dd>{c.latencyMs !== null ? `${formatDuration(c.latencyMs)}${c.ttftMs !== null ? ` (first token ${formatDuration(c.ttftMs)})` : ''}` : formatDuration(call.endTime === null ? null : call.endTime - call.startTime)}</dd>
        {c.finishReason ? (
          <>
            <dt>Finished</dt>
            <dd>{c.finishReason}</dd>
          </>
        ) : null}
      </dl>
      {c.reasoning ? (
        <details class="nc-reasoning">
          <summary>Reasoning ({c.reasoning.length.toLocaleString()} characters)</summary>
          <pre class="nc-text">{c.reasoning}</pre>
        </details>
      ) : null}
      <h4>Answer</h4>
      {c.output.length === 0 ? <p class="nc-muted">No answer recorded{call.endTime === null ? ' yet' : ''}.</p> : c.output.map((m, i) => <Message key={`o${i}`} m={m} />)}
      <h4>Asked ({c.input.length} message{c.input.length === 1 ? '' : 's'})</h4>
      <ol class="nc-messages">
        {c.input.map((m, i) => (
          <li key={`i${i}`}>
            <Message m={m} />
          </li>
        ))}
      </ol>
      {c.tools.length ? (
        <details>
          <summary>Tools offered ({c.tools.length})</summary>
          <p class="nc-text">{c.tools.join(', ')}</p>
        </details>
      ) : null}
      {c.unread ? <p class="nc-muted">{c.unread} more attribute{c.unread === 1 ? '' : 's'} in the Attributes tab.</p> : null}
    </section>
  );
}

const ROLE: Record<string, string> = { system: 'System', user: 'User', assistant: 'Assistant', tool: 'Tool result' };

function Message({ m }: { m: MessageView }) {
  const role = ROLE[m.role] ?? m.role;
  const body = (
    <>
      {m.text ? <pre class="nc-text">{m.text}</pre> : null}
      {m.toolCalls.map((t, i) => (
        <div key={i} class="nc-toolcall">
          <span class="codicon codicon-tools" aria-hidden="true" /> <b>{t.name}</b>
          {t.args ? <pre class="nc-text nc-code">{t.args}</pre> : null}
        </div>
      ))}
    </>
  );
  if (m.folded) {
    return (
      <details class={`nc-message nc-role-${m.role}`}>
        <summary>
          {role}
          {m.role === 'system' ? ' prompt' : ' (agent context)'} · {m.text.length.toLocaleString()} characters
        </summary>
        {body}
      </details>
    );
  }
  return (
    <div class={`nc-message nc-role-${m.role}`}>
      <div class="nc-role">
        {role}
        {m.toolCallId ? <span class="nc-muted"> · for {m.toolCallId}</span> : null}
      </div>
      {body}
    </div>
  );
}
