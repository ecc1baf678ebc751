/** Step 10: the account's throttle in the region (its place after the other buckets is unverified [U]). */
import { DecisionContext, StepResult } from './context';
import { accountThrottle as accountLimit } from './state';
import { tooManyRequests } from './usage-plan-throttle';

export function accountThrottle(ctx: DecisionContext): StepResult {
  const region = ctx.model.region;
  const t = accountLimit(region);
  if (!ctx.state.take(`account:${region}`, t, ctx.request.at)) {
    return tooManyRequests(`account throttle in ${region} (rate ${t.rateLimit}/s, burst ${t.burstLimit}) is exhausted`);
  }
  return {};
}
