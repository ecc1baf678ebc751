/**
 * Step 4: the resource policy is read and evaluated; what its verdict means depends on the method's
 * authorization type (the next step). A policy API Gateway would reject admits nothing: missing on a
 * PRIVATE API, invalid, or over the 8,192-character quota (docs/SEMANTICS.md "Policy evaluation", "Quotas").
 */
import { evaluatePolicy } from '../policy-eval';
import { POLICY_LENGTH_LIMIT, arnPrefixOf, policyLength, rawPolicy } from '../policy-shape';
import { DecidedBy } from '../request';
import { conditionContext } from './condition-keys';
import { DecisionContext, StepResult, deniedMessage, policyEnv, refuse } from './context';

export function resourcePolicy(ctx: DecisionContext): StepResult {
  const api = ctx.api;
  const rejected = rejection(ctx);
  if (rejected) return refuse(403, DecidedBy.RESOURCE_POLICY, deniedMessage(ctx.user, ctx.arn, false), ...rejected);
  if (!api.policy) return {};
  const evaluation = evaluatePolicy(
    api.policy,
    {
      principal: ctx.sigv4 ? { account: ctx.sigv4.account, arn: ctx.sigv4.arn } : undefined,
      action: 'execute-api:Invoke',
      resource: ctx.arn,
      context: conditionContext({ ...ctx, partition: ctx.model.partition }),
    },
    policyEnv(ctx),
  );
  const reasons: string[] = [];
  for (const st of api.policy.statements) {
    for (const p of st.problems) reasons.push(`resource policy: ${p}`);
  }
  return { reasons, facts: { evaluation } };
}

/** The model is immutable: an API's policy length is counted once, not on every request. */
const LENGTHS = new WeakMap<object, number | undefined>();

function lengthOf(ctx: DecisionContext): number | undefined {
  if (!LENGTHS.has(ctx.api)) {
    LENGTHS.set(ctx.api, policyLength(rawPolicy(ctx.model, ctx.api), arnPrefixOf(ctx.model, ctx.api)));
  }
  return LENGTHS.get(ctx.api);
}

/** Why API Gateway would refuse this policy (so that no request is admitted), if it would. */
function rejection(ctx: DecisionContext): string[] | undefined {
  const api = ctx.api;
  if (ctx.isPrivate && !api.policy) {
    return [
      `PRIVATE API ${api.logicalId} has no resource policy: API Gateway refuses to deploy it and every call fails`,
    ];
  }
  if (!api.policy) return undefined;
  if (api.policy.fatal.length > 0) {
    return [
      ...api.policy.fatal.map((f) => `resource policy invalid: ${f}`),
      'an invalid resource policy is rejected by API Gateway (the deployment fails), so no request is admitted (conservative reading)',
    ];
  }
  const length = lengthOf(ctx);
  if (length !== undefined && length > POLICY_LENGTH_LIMIT) {
    return [
      `the resource policy is ${length} characters (minified, execute-api:/ expanded), over API Gateway's quota of ${POLICY_LENGTH_LIMIT}: API Gateway rejects it, so no request is admitted (conservative reading for an API already deployed [I])`,
    ];
  }
  return undefined;
}
