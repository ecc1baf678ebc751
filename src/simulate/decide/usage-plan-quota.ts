/**
 * Step 8: the usage plan's quota per key, in UTC windows of DAY, WEEK or MONTH (429 Limit Exceeded).
 * Offset and week start are unverified [U] (docs/SEMANTICS.md "Quotas"). The step also keeps the
 * per-key, per-day usage the simulated ledger reports (`PipelineState.usage`): a request counts once it
 * passes the plan's throttle and quota (docs/SEMANTICS.md "Metering" 18).
 */
import { DecidedBy } from '../request';
import { DecisionContext, StepResult, refuse } from './context';
import { quotaWindow } from './state';

export function usagePlanQuota(ctx: DecisionContext): StepResult {
  const { plan, key } = ctx;
  if (!plan || !key) return {};
  const entry = ctx.state.usageEntry(plan.logicalId, key.logicalId, ctx.request.at);
  entry.touches++;
  if (!plan.quota) {
    entry.used++;
    return {};
  }
  const q = plan.quota;
  const qk = `quota:${plan.logicalId}:${key.logicalId}`;
  const w = quotaWindow(q.period, ctx.request.at);
  let c = ctx.state.quotas.get(qk);
  if (!c) {
    c = { window: w, used: 0, first: true };
    ctx.state.quotas.set(qk, c);
  } else if (c.window !== w) {
    c.window = w;
    c.used = 0;
    c.first = false;
  }
  const reasons: string[] = [];
  let limit = q.limit;
  if (q.offset && c.first) {
    limit = Math.max(0, q.limit - q.offset);
    reasons.push(
      `quota offset ${q.offset}: its meaning is unverified [U]; read as requests subtracted from the limit in the first period (conservative)`,
    );
  }
  if (q.period === 'WEEK') reasons.push('WEEK quota windows are assumed to start on Sunday 00:00 UTC [U]');
  if (c.used >= limit) {
    entry.remaining = 0;
    return refuse(
      429,
      DecidedBy.QUOTA,
      'Limit Exceeded',
      ...reasons,
      `usage plan ${plan.logicalId} quota ${limit} per ${q.period} is used up for key ${key.logicalId}`,
    );
  }
  c.used++;
  entry.used++;
  entry.remaining = limit - c.used;
  return { reasons };
}
