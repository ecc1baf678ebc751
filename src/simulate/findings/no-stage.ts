import { FindingContext } from './context';
import { exampleTemplate } from './example-template';
import { FindingRule, finding } from './finding';
import { FindingSeverity } from './severity';

/** An API with no stage in the template: nothing can call it (until a stage is made elsewhere). */
export const noStage: FindingRule = {
  id: 'no-stage',
  severity: FindingSeverity.INFO,
  description: 'An API with no stage in the template.',
  examples: {
    compliant: exampleTemplate(),
    nonCompliant: exampleTemplate({ stage: null }),
  },
  check(ctx: FindingContext) {
    return ctx.model.apis
      .filter((api) => api.stages.length === 0)
      .map((api) => finding(this, `API ${api.logicalId} has no stage in the template`, { api: api.logicalId }));
  },
};
