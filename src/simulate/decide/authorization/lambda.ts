/**
 * Authorization CUSTOM (a Lambda authorizer), in two phases: the resource policy's explicit Deny first
 * (the authorizer is not invoked), then the identity sources (401 when one is missing), the authorizer's
 * decision, and outcome table A with the resource policy.
 */
import { AuthorizerDecision, DecidedBy } from '../../request';
import { DecisionContext, StepResult, deniedMessage, policyLines, refuse } from '../context';
import { authorizerOf, checkIdentitySources, decisionOf } from './identity-sources';

const DENY_MESSAGE = 'User is not authorized to access this resource with an explicit deny';

export function lambdaAuthorization(ctx: DecisionContext): StepResult {
  if (ctx.evaluation?.verdict === 'deny') {
    return refuse(
      403,
      DecidedBy.RESOURCE_POLICY,
      deniedMessage(ctx.user, ctx.arn, true),
      ...policyLines(ctx.evaluation),
      'the Lambda authorizer is not invoked: the resource policy denies first',
    );
  }
  const sources = checkIdentitySources(ctx, authorizerOf(ctx));
  if (sources.missing) return refuse(401, DecidedBy.AUTHORIZATION, 'Unauthorized', ...sources.notes, sources.missing);
  const decision = decisionOf(ctx);
  if (decision === undefined) {
    return refuse(
      403,
      DecidedBy.AUTHORIZATION,
      DENY_MESSAGE,
      ...sources.notes,
      "the Lambda authorizer is invoked (it needs no identity source from the request), but the request does not say what it decides ('authorizer'): read as Deny, the conservative reading",
    );
  }
  if (decision === AuthorizerDecision.DENY) {
    return refuse(
      403,
      DecidedBy.AUTHORIZATION,
      DENY_MESSAGE,
      ...sources.notes,
      'the Lambda authorizer returned Deny (newer AWS wording appends "in an identity-based policy" [U])',
    );
  }
  return {
    reasons: [
      ...sources.notes,
      ...policyLines(ctx.evaluation),
      'the Lambda authorizer allows; combined with the resource policy by outcome table A',
    ],
  };
}
