import { FindingContext } from './context';
import { exampleTemplate } from './example-template';
import { FindingRule, finding } from './finding';
import { FindingSeverity } from './severity';

/** A disabled API key (CloudFormation's default for `Enabled` is false). */
export const keyDisabled: FindingRule = {
  id: 'key-disabled',
  severity: FindingSeverity.INFO,
  description: "A disabled API key (CloudFormation's default when Enabled is not set).",
  examples: {
    compliant: exampleTemplate({
      methods: [{ apiKeyRequired: true }],
      plan: { Quota: { Limit: 9, Period: 'DAY' } },
      key: {},
    }),
    nonCompliant: exampleTemplate({
      methods: [{ apiKeyRequired: true }],
      plan: { Quota: { Limit: 9, Period: 'DAY' } },
      key: { enabled: false },
    }),
  },
  check(ctx: FindingContext) {
    return ctx.model.keys.filter((k) => !k.enabled).map((k) => finding(this, `API key ${k.logicalId} is disabled`));
  },
};
