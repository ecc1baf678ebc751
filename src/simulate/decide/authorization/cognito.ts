/**
 * Authorization COGNITO_USER_POOLS: the token first (401 when missing or invalid), then the resource
 * policy, which needs an explicit Allow unless `cognitoRequiresExplicitAllow` is off (AWS's pages
 * disagree: docs/SEMANTICS.md "Policy evaluation" [U]).
 */
import { AuthorizerDecision, DecidedBy } from '../../request';
import { DecisionContext, StepResult, deniedMessage, policyLines, refuse } from '../context';
import { decisionOf } from './identity-sources';

export function cognitoAuthorization(ctx: DecisionContext): StepResult {
  const decision = decisionOf(ctx);
  if (decision === undefined) {
    return refuse(401, DecidedBy.AUTHORIZATION, 'Unauthorized', 'no Cognito token (identity source missing): 401');
  }
  if (decision === AuthorizerDecision.DENY) {
    return refuse(
      401,
      DecidedBy.AUTHORIZATION,
      'Unauthorized',
      'the Cognito token is not valid for this user pool: 401',
    );
  }
  const ev = ctx.evaluation;
  if (!ev) return { reasons: ['Cognito authenticated the caller; no resource policy'] };
  if (ev.verdict === 'deny') {
    return refuse(403, DecidedBy.RESOURCE_POLICY, deniedMessage(ctx.user, ctx.arn, true), ...policyLines(ev));
  }
  if (ev.verdict === 'neither' && ctx.options.cognitoRequiresExplicitAllow) {
    return refuse(
      403,
      DecidedBy.RESOURCE_POLICY,
      deniedMessage(ctx.user, ctx.arn, false),
      ...policyLines(ev),
      'Cognito: an explicit Allow in the resource policy is required — AWS docs contradict each other here [U]; the conservative reading is used (option cognitoRequiresExplicitAllow)',
    );
  }
  if (ev.verdict === 'neither') {
    return {
      reasons: [
        ...policyLines(ev),
        'Cognito: a silent resource policy admits the caller (table A reading, cognitoRequiresExplicitAllow=false) [U]',
      ],
    };
  }
  return { reasons: policyLines(ev) };
}
