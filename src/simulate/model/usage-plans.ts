/** Reads `AWS::ApiGateway::UsagePlan`: API stages with method throttles, plan throttle and quota. */
import { TemplateReader, num, throttleOf } from './reader';
import type { PlanStageModel, QuotaModel, TemplateModel, ThrottleModel } from './types';

export function readUsagePlans(reader: TemplateReader, model: TemplateModel): void {
  for (const [id, res] of reader.byType('AWS::ApiGateway::UsagePlan')) {
    const rawProps = res.Properties ?? {};
    const props = reader.resolver.resolve(rawProps);
    const notes: string[] = [];
    model.plans.push({
      logicalId: id,
      name: typeof props.UsagePlanName === 'string' ? props.UsagePlanName : id,
      apiStages: apiStagesOf(reader, id, rawProps, props, notes),
      throttle: throttleOf(props.Throttle, `plan ${id} throttle`),
      quota: quotaOf(props.Quota, notes),
      notes,
    });
  }
}

function apiStagesOf(reader: TemplateReader, id: string, rawProps: any, props: any, notes: string[]): PlanStageModel[] {
  const out: PlanStageModel[] = [];
  const rawStages = Array.isArray(rawProps.ApiStages) ? rawProps.ApiStages : [];
  rawStages.forEach((s: any, i: number) => {
    const apiLogical = reader.logicalOf(s?.ApiId);
    const stage = reader.resolver.resolve(s?.Stage);
    if (!apiLogical || typeof stage !== 'string') {
      notes.push(`ApiStages[${i}] cannot be resolved to an API and stage of this template`);
      return;
    }
    const methodThrottles: Record<string, ThrottleModel> = {};
    const throttles = props.ApiStages?.[i]?.Throttle;
    if (throttles && typeof throttles === 'object') {
      for (const [k, v] of Object.entries(throttles)) {
        const t = throttleOf(v, `plan ${id} method throttle ${k}`);
        if (t) methodThrottles[k] = t;
      }
    }
    out.push({ apiLogicalId: apiLogical, stage, methodThrottles });
  });
  return out;
}

function quotaOf(raw: any, notes: string[]): QuotaModel | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const limit = num(raw.Limit);
  const period = String(raw.Period ?? '').toUpperCase();
  if (limit !== undefined && (period === 'DAY' || period === 'WEEK' || period === 'MONTH')) {
    return { limit, period, offset: num(raw.Offset) ?? 0 };
  }
  notes.push('Quota cannot be resolved (limit or period); the quota is not simulated');
  return undefined;
}
