import { FindingContext } from './context';
import { exampleTemplate } from './example-template';
import { FindingRule, finding } from './finding';
import { FindingSeverity } from './severity';

/** A usage plan bound to no stage: its keys are valid nowhere. */
export const planWithoutStages: FindingRule = {
  id: 'plan-without-stages',
  severity: FindingSeverity.WARNING,
  description: 'A usage plan bound to no stage: its keys are valid nowhere.',
  examples: {
    compliant: exampleTemplate({ methods: [{ apiKeyRequired: true }], plan: { Quota: { Limit: 100, Period: 'DAY' } } }),
    nonCompliant: exampleTemplate({
      methods: [{ apiKeyRequired: true }],
      plan: { Quota: { Limit: 100, Period: 'DAY' } },
      planWithoutStages: true,
    }),
  },
  check(ctx: FindingContext) {
    return ctx.model.plans
      .filter((p) => p.apiStages.length === 0)
      .map((p) => finding(this, `usage plan ${p.logicalId} is bound to no stage: its keys are valid nowhere`));
  },
};
