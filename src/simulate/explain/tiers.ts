/** The usage plans of a template, with their limits and keys, as `explain` shows them. */
import { planStageName } from '../findings/plan-reach';
import { PlanStageModel, TemplateModel, ThrottleModel } from '../model';
import { TierReport } from './report';

function throttleText(t?: ThrottleModel): string | undefined {
  return t ? `${t.rateLimit}/s burst ${t.burstLimit}` : undefined;
}

function stageText(model: TemplateModel, s: PlanStageModel): string {
  const throttles = Object.entries(s.methodThrottles);
  const suffix = throttles.length ? ` (${throttles.map(([k, t]) => `${k} ${throttleText(t)}`).join(', ')})` : '';
  return `${s.apiLogicalId}/${planStageName(model, s)}${suffix}`;
}

/** One entry per usage plan. */
export function tierReports(model: TemplateModel): TierReport[] {
  return model.plans.map((p) => ({
    plan: p.logicalId,
    name: p.name,
    stages: p.apiStages.map((s) => stageText(model, s)),
    throttle: throttleText(p.throttle),
    quota: p.quota
      ? `${p.quota.limit} per ${p.quota.period}${p.quota.offset ? ` (offset ${p.quota.offset})` : ''}`
      : undefined,
    keys: model.keys
      .filter((k) => k.planIds.includes(p.logicalId))
      .map((k) => k.logicalId + (k.enabled ? '' : ' (disabled)')),
  }));
}
