import { FindingContext } from './context';
import { exampleTemplate } from './example-template';
import { FindingRule, finding } from './finding';
import { FindingSeverity } from './severity';

/** An API with no method the simulator can read (none defined, or its OpenAPI body is out of reach). */
export const noMethods: FindingRule = {
  id: 'no-methods',
  severity: FindingSeverity.INFO,
  description: 'An API with no method the simulator can read.',
  examples: {
    compliant: exampleTemplate(),
    nonCompliant: exampleTemplate({ methods: [], stage: null }),
  },
  check(ctx: FindingContext) {
    return ctx.model.apis
      .filter((api) => api.methods.length === 0)
      .map((api) =>
        finding(this, `API ${api.logicalId} has no methods this simulator can read`, { api: api.logicalId }),
      );
  },
};
