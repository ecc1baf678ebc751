/**
 * Step 7: the usage plan's throttle per key, then its per-method throttle for this stage (both applied
 * when both are set: the stricter reading [U]). Token buckets per docs/SEMANTICS.md "Usage plans and metering".
 */
import { DecidedBy } from '../request';
import { DecisionContext, StepResult, methodOf, refuse } from './context';

export function tooManyRequests(why: string, notes: readonly string[] = []): StepResult {
  return refuse(429, DecidedBy.THROTTLE, 'Too Many Requests', ...notes, why);
}

export function usagePlanThrottle(ctx: DecisionContext): StepResult {
  const { plan, key } = ctx;
  if (!plan || !key) return {};
  const at = ctx.request.at;
  const reasons: string[] = [];
  if (plan.throttle) {
    reasons.push(...plan.throttle.notes);
    if (!ctx.state.take(`plan:${plan.logicalId}:${key.logicalId}`, plan.throttle, at)) {
      return tooManyRequests(
        `usage plan ${plan.logicalId} throttle (rate ${plan.throttle.rateLimit}/s, burst ${plan.throttle.burstLimit}) is exhausted for key ${key.logicalId}`,
        reasons,
      );
    }
  }
  const method = methodOf(ctx);
  const ps = plan.apiStages.find((s) => s.apiLogicalId === ctx.api.logicalId && s.stage === ctx.stage)!;
  const prefix = method.path === '/' ? '/' : method.path;
  const mkey = `${prefix}/${method.httpMethod}`;
  const mt =
    ps.methodThrottles[mkey] ?? (method.httpMethod === 'ANY' ? ps.methodThrottles[`${prefix}/${ctx.verb}`] : undefined);
  if (!mt) return { reasons };
  if (plan.throttle) {
    reasons.push(
      'plan throttle and per-method throttle both applied (whether one replaces the other is unverified [U]; the stricter reading is used)',
    );
  }
  if (!ctx.state.take(`planmethod:${plan.logicalId}:${key.logicalId}:${ctx.stage}:${mkey}`, mt, at)) {
    return tooManyRequests(
      `usage plan ${plan.logicalId} throttle for ${mkey} (rate ${mt.rateLimit}/s, burst ${mt.burstLimit}) is exhausted for key ${key.logicalId}`,
      reasons,
    );
  }
  return { reasons };
}
