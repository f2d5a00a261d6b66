/** The Policy tab: the decision at the playhead (rule, source, path or port) and the tool call's five classification scores with their reasons. */
import type { Node } from '../../../../src/core/model/types';
import { policyOf } from '../../model/policyView';
import type { RunModel } from '../../model/runModel';

export function PolicyTab({ node, model, onSelect }: { node: Node; model: RunModel; onSelect(id: string): void }) {
  const decisionsOf = (callId: string) => (model.laneOf.get(node.branchId)?.nodes ?? []).filter((n) => n.kind === 'policy_decision' && n.parentNodeId === callId);
  const v = policyOf(node, model.byId, decisionsOf);
  if (!v.call && v.decisions.length === 0) {
    const next = model.jump(node.id, 1, 'denial', new Set());
    return (
      <div class="nc-pad">
        <p class="nc-muted">No policy decision or tool call at this step.</p>
        {next ? (
          <button type="button" class="nc-link" onClick={() => onSelect(next.id)}>
            Go to the next denial (step {next.seq + 1} of {model.laneOf.get(next.branchId)?.branch.label})
          </button>
        ) : null}
      </div>
    );
  }
  return (
    <section class="nc-policy" aria-label="Policy">
      {v.decisions.length === 0 ? <p class="nc-muted">No decision was recorded for this call: the policy let it run.</p> : null}
      {v.decisions.map((d) => (
        <div key={d.nodeId} class={`nc-decision nc-decision-${d.decision}`}>
          <div class="nc-decision-head">
            <span class={`codicon codicon-${d.decision === 'deny' ? 'circle-slash' : 'pass'}`} aria-hidden="true" />
            <b>{d.decision === 'deny' ? 'Denied' : d.decision === 'allow' ? 'Allowed' : d.decision}</b>
          </div>
          <dl class="nc-facts">
            <dt>Rule</dt>
            <dd class="nc-rule">{d.rule ?? 'not named'}</dd>
            <dt>Source</dt>
            <dd>{d.source ?? 'unknown'}</dd>
            {d.path ? (
              <>
                <dt>Path</dt>
                <dd class="nc-mono">{d.path}</dd>
              </>
            ) : null}
            {d.host || d.port !== null ? (
              <>
                <dt>Network</dt>
                <dd class="nc-mono">{`${d.host ?? ''}${d.port !== null ? `:${d.port}` : ''}`}</dd>
              </>
            ) : null}
            {d.detail ? (
              <>
                <dt>Detail</dt>
                <dd>
                  <pre class="nc-text">{d.detail}</pre>
                </dd>
              </>
            ) : null}
          </dl>
        </div>
      ))}
      {v.call ? (
        <>
          <h4>
            How the call was classified
            {v.call.id !== node.id ? (
              <>
                {' '}
                (
                <button type="button" class="nc-link" onClick={() => onSelect(v.call!.id)}>
                  step {v.call.seq + 1}
                </button>
                )
              </>
            ) : null}
          </h4>
          <p class="nc-muted">
            {v.kind ? `Kind: ${v.kind}. ` : ''}
            {v.risk !== null ? `Overall risk ${v.risk.toFixed(2)}.` : ''}
          </p>
          <ul class="nc-scores">
            {v.scores.map((s) => (
              <li key={s.key}>
                <div class="nc-score-head">
                  <span class="nc-score-label" id={`nc-score-${s.key}`}>
                    {s.label}
                  </span>
                  <span class="nc-score-value">{s.score === null ? 'not scored' : s.score.toFixed(2)}</span>
                </div>
                <div class="nc-meter" role="meter" aria-labelledby={`nc-score-${s.key}`} aria-valuemin={0} aria-valuemax={1} aria-valuenow={s.score ?? 0}>
                  <span style={{ width: `${Math.round((s.score ?? 0) * 100)}%` }} />
                </div>
                {s.reasons.length ? (
                  <ul class="nc-reasons">
                    {s.reasons.map((r, i) => (
                      <li key={i}>{r}</li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
          {v.otherReasons.length ? (
            <ul class="nc-reasons">
              {v.otherReasons.map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
