/** Authorization NONE: the resource policy must explicitly allow (when there is one). */
import { DecidedBy } from '../../request';
import { DecisionContext, StepResult, deniedMessage, policyLines, refuse } from '../context';

export function noAuthorization(ctx: DecisionContext): StepResult {
  const ev = ctx.evaluation;
  if (!ev) return { reasons: ['no resource policy and no authorization: the method is open'] };
  if (ev.verdict === 'deny') {
    return refuse(403, DecidedBy.RESOURCE_POLICY, deniedMessage(ctx.user, ctx.arn, true), ...policyLines(ev));
  }
  if (ev.verdict === 'neither') {
    return refuse(
      403,
      DecidedBy.RESOURCE_POLICY,
      deniedMessage(ctx.user, ctx.arn, false),
      ...policyLines(ev),
      'authorization NONE needs an explicit Allow in the resource policy',
    );
  }
  return { reasons: policyLines(ev) };
}
