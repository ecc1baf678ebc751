import { FindingContext } from './context';
import { exampleTemplate } from './example-template';
import { FindingRule, finding } from './finding';
import { FindingSeverity } from './severity';

/** An API key in no usage plan: refused by every key-required method. */
export const keyWithoutPlan: FindingRule = {
  id: 'key-without-plan',
  severity: FindingSeverity.INFO,
  description: 'An API key in no usage plan: every key-required method refuses it.',
  examples: {
    compliant: exampleTemplate({
      methods: [{ apiKeyRequired: true }],
      plan: { Quota: { Limit: 9, Period: 'DAY' } },
      key: {},
    }),
    nonCompliant: exampleTemplate({
      methods: [{ apiKeyRequired: true }],
      plan: { Quota: { Limit: 9, Period: 'DAY' } },
      key: { inPlan: false },
    }),
  },
  check(ctx: FindingContext) {
    return ctx.model.keys
      .filter((k) => k.planIds.length === 0)
      .map((k) =>
        finding(this, `API key ${k.logicalId} is in no usage plan: it is refused by every key-required method`),
      );
  },
};
