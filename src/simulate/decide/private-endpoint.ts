/**
 * Step 1: the endpoint. A PRIVATE API is reachable only through an interface VPC endpoint
 * (docs/SEMANTICS.md "Private APIs"): a request from outside every endpoint gets 403, whatever the policy.
 */
import { DecidedBy } from '../request';
import { DecisionContext, PASS, StepResult, refuse } from './context';

export function privateEndpoint(ctx: DecisionContext): StepResult {
  if (ctx.domain) return domainEndpoint(ctx);
  if (ctx.isPrivate && !ctx.request.vpcEndpointId) {
    return refuse(
      403,
      DecidedBy.RESOURCE_POLICY,
      'Forbidden',
      `API ${ctx.api.logicalId} is PRIVATE: it is reachable only through an interface VPC endpoint, and this request comes from outside every VPC endpoint (no aws:SourceVpce), so it is refused whatever the resource policy says (the exact message is inferred [I])`,
    );
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

/**
 * A private custom domain is reachable only through an interface VPC endpoint (docs/SEMANTICS.md "Private
 * custom domain names" 7); whether the endpoint may use it is the next step's.
 */
function domainEndpoint(ctx: DecisionContext): StepResult {
  if (ctx.request.vpcEndpointId) return PASS;
  return refuse(
    403,
    DecidedBy.RESOURCE_POLICY,
    'Forbidden',
    `${ctx.domain!.domainName} is a private custom domain name: it is reachable only through an interface VPC endpoint with an access association, and this request comes from outside every VPC endpoint (the exact message is inferred [I])`,
  );
}
