import { FindingContext } from './context';
import { exampleTemplate } from './example-template';
import { FindingRule, finding } from './finding';
import { planStageName, stagesWherePlanNeverApplies } from './plan-reach';
import { FindingSeverity } from './severity';

/** A usage plan on a stage where no method requires an API key: its throttle and quota never apply there. */
export const planNeverApplies: FindingRule = {
  id: 'plan-never-applies',
  severity: FindingSeverity.WARNING,
  description: 'A usage plan bound to a stage where no method requires an API key: its limits never apply there.',
  examples: {
    compliant: exampleTemplate({
      methods: [{ apiKeyRequired: true }],
      plan: { Quota: { Limit: 9, Period: 'DAY' } },
      key: {},
    }),
    nonCompliant: exampleTemplate({ methods: [{}], plan: { Quota: { Limit: 9, Period: 'DAY' } }, key: {} }),
  },
  check(ctx: FindingContext) {
    return ctx.model.plans.flatMap((p) =>
      stagesWherePlanNeverApplies(ctx.model, p).map((binding) => {
        const s = { ...binding, stage: planStageName(ctx.model, binding) };
        return finding(
          this,
          `usage plan ${p.logicalId} is bound to ${s.apiLogicalId} stage ${s.stage}, where no method requires an API key: requests there are never counted against the plan, so its throttle and quota never apply (set apiKeyRequired on the methods it should meter)`,
          { api: s.apiLogicalId, stage: s.stage },
        );
      }),
    );
  },
};
