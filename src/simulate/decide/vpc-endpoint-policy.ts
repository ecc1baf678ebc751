/**
 * Step 2: the VPC endpoint policy, when the endpoint is in the template. It is evaluated before the API
 * and must allow the call; its identity is the SigV4 caller if any (docs/SEMANTICS.md "Request pipeline").
 */
import { evaluatePolicy } from '../policy-eval';
import { DecidedBy } from '../request';
import { conditionContext } from './condition-keys';
import { DecisionContext, PASS, StepResult, callerName, deniedMessage, policyEnv, refuse } from './context';

export function vpcEndpointPolicy(ctx: DecisionContext): StepResult {
  if (!ctx.viaVpce) return PASS;
  const vpce = ctx.vpcEndpoint;
  const notes = sourceVpcNotes(ctx);
  if (!vpce) {
    return {
      reasons: [
        ...notes,
        `VPC endpoint ${ctx.request.vpcEndpointId} is not in the template: its endpoint policy is not simulated (assumed to allow)`,
      ],
    };
  }
  if (!vpce.policy) return { reasons: notes };
  const caller = ctx.request.caller;
  const user = callerName(ctx);
  const tail =
    'the VPC endpoint policy is evaluated before the API and must allow the call (the exact error text is unverified [U])';
  if (vpce.policy.fatal.length > 0) {
    const why = vpce.policy.fatal.map((f) => `VPC endpoint policy of ${vpce.logicalId} invalid: ${f}`);
    return refuse(403, DecidedBy.RESOURCE_POLICY, deniedMessage(user, ctx.arn, false), ...notes, ...why, tail);
  }
  const ev = evaluatePolicy(
    vpce.policy,
    {
      principal: caller ? { account: caller.account, arn: caller.arn } : undefined,
      action: 'execute-api:Invoke',
      resource: ctx.arn,
      context: conditionContext({ ...ctx, sigv4: caller, partition: ctx.model.partition }),
    },
    policyEnv(ctx),
  );
  if (ev.verdict !== 'allow') {
    const why = ev.reasons.map((r) => `VPC endpoint policy of ${vpce.logicalId}: ${r}`);
    return refuse(
      403,
      DecidedBy.RESOURCE_POLICY,
      deniedMessage(user, ctx.arn, ev.verdict === 'deny'),
      ...notes,
      ...why,
      tail,
    );
  }
  return { reasons: [...notes, `VPC endpoint policy of ${vpce.logicalId} allows (${ev.allows.join(', ')})`] };
}

/** How `aws:SourceVpc` was settled when the template defines the endpoint. */
function sourceVpcNotes(ctx: DecisionContext): string[] {
  const own = ctx.vpcEndpoint?.vpcId;
  if (!ctx.vpcEndpoint || own === undefined) return [];
  const given = ctx.request.vpcId;
  if (given === undefined) {
    return [`aws:SourceVpc is ${own}: the VPC of endpoint ${ctx.vpcEndpoint.logicalId} in the template`];
  }
  if (given !== own) {
    return [
      `vpcId ${given} ignored: a request through endpoint ${ctx.vpcEndpoint.logicalId} comes from its VPC ${own} (aws:SourceVpc)`,
    ];
  }
  return [];
}
