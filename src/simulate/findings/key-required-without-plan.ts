import { FindingContext, methodName } from './context';
import { exampleTemplate } from './example-template';
import { FindingRule, finding } from './finding';
import { planCovers } from './plan-reach';
import { FindingSeverity } from './severity';

/** Key-required methods on a stage that no usage plan with an enabled key covers: every call gets 403. */
export const keyRequiredWithoutPlan: FindingRule = {
  id: 'key-required-without-plan',
  severity: FindingSeverity.WARNING,
  description:
    'Methods require an API key but no usage plan with an enabled key covers their stage: every call gets 403.',
  examples: {
    compliant: exampleTemplate({
      methods: [{ apiKeyRequired: true }],
      plan: { Throttle: { RateLimit: 10, BurstLimit: 20 } },
      key: {},
    }),
    nonCompliant: exampleTemplate({ methods: [{ apiKeyRequired: true }] }),
  },
  check(ctx: FindingContext) {
    const { model } = ctx;
    return model.apis.flatMap((api) => {
      const keyed = api.methods.filter((m) => m.apiKeyRequired);
      if (keyed.length === 0) return [];
      return api.stages.flatMap((stage) => {
        const plansHere = model.plans.filter((p) => planCovers(model, p, api.logicalId, stage.name));
        const usable = plansHere.some((p) => model.keys.some((k) => k.enabled && k.planIds.includes(p.logicalId)));
        if (usable) return [];
        return [
          finding(
            this,
            `${keyed.map(methodName).join(', ')} on ${api.logicalId} stage ${stage.name} require an API key, but no usage plan with an enabled key covers the stage: every call gets 403 Forbidden`,
            { api: api.logicalId, stage: stage.name },
          ),
        ];
      });
    });
  },
};
