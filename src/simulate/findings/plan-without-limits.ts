import { FindingContext } from './context';
import { exampleTemplate } from './example-template';
import { FindingRule, finding } from './finding';
import { planNeverApplies } from './plan-reach';
import { FindingSeverity } from './severity';

/**
 * A usage plan with no throttle, no quota and no method throttle: its keys are unlimited. Not reported for a
 * plan that never applies (`plan-never-applies` says what matters there).
 */
export const planWithoutLimits: FindingRule = {
  id: 'plan-without-limits',
  severity: FindingSeverity.WARNING,
  description: 'A usage plan with no throttle and no quota: its keys are unlimited.',
  examples: {
    compliant: exampleTemplate({
      methods: [{ apiKeyRequired: true }],
      plan: { Throttle: { RateLimit: 5, BurstLimit: 10 } },
      key: {},
    }),
    nonCompliant: exampleTemplate({ methods: [{ apiKeyRequired: true }], plan: {}, key: {} }),
  },
  check(ctx: FindingContext) {
    return ctx.model.plans
      .filter((p) => !p.throttle && !p.quota && !p.apiStages.some((s) => Object.keys(s.methodThrottles).length > 0))
      .filter((p) => !planNeverApplies(ctx.model, p))
      .map((p) => finding(this, `usage plan ${p.logicalId} has no throttle and no quota: its keys are unlimited`));
  },
};
