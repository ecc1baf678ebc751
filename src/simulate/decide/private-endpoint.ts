/**
 * Step 1: the endpoint. A PRIVATE API is reachable only through an interface VPC endpoint
 * (docs/SEMANTICS.md "Private APIs"): a request from outside every endpoint gets 403, whatever the policy.
 */
import { DecisionContext, PASS, StepResult } from './context';

export function privateEndpoint(ctx: DecisionContext): StepResult {
  if (ctx.isPrivate && !ctx.request.vpcEndpointId) {
    return {
      reasons: [
        'the request reaches a PRIVATE API from outside any VPC endpoint (no aws:SourceVpce); the resource policy decides',
      ],
    };
  }
  if (!ctx.isPrivate && ctx.request.vpcEndpointId) {
    return {
      reasons: [
        `vpcEndpointId ignored: API ${ctx.api.logicalId} is ${ctx.api.endpointType}, not PRIVATE, so the call carries aws:SourceIp, not aws:SourceVpce`,
      ],
    };
  }
  return PASS;
}
