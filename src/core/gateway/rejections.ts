/** A refused gateway request as a policy decision, for the GUARDRAIL span the supervisor records. */
import type { PolicyDecision } from '../policy/types';
import type { RejectedRequest } from './types';

export function rejectionDecision(r: RejectedRequest): PolicyDecision {
  return {
    decision: 'deny',
    source: 'gateway',
    rule: 'gateway.auth',
    detail: `refused ${r.method} ${r.path} from ${r.remote}: ${r.reason}`,
  };
}
