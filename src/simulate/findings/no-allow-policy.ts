import { FindingContext } from './context';
import { allowAll, exampleTemplate, policyOf } from './example-template';
import { FindingRule, finding } from './finding';
import { FindingSeverity } from './severity';

/** A valid policy with no Allow: NONE, Cognito and cross-account callers all need one (docs/SEMANTICS.md "Policy evaluation"). */
export const noAllowPolicy: FindingRule = {
  id: 'no-allow-policy',
  severity: FindingSeverity.WARNING,
  description:
    'A resource policy with no Allow statement: unauthenticated, Cognito and cross-account callers are all refused.',
  examples: {
    compliant: exampleTemplate({ policy: policyOf(allowAll()) }),
    nonCompliant: exampleTemplate({
      policy: policyOf({ ...allowAll({ IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }), Effect: 'Deny' }),
    }),
  },
  check(ctx: FindingContext) {
    return ctx.model.apis.flatMap((api) => {
      const policy = api.policy;
      if (!policy || policy.fatal.length > 0 || policy.statements.some((s) => s.effect === 'Allow')) return [];
      const what = policy.statements.length > 0 ? 'only Deny statements' : 'no statements';
      return [
        finding(
          this,
          `resource policy of ${api.logicalId} has ${what}: unauthenticated (NONE), Cognito and cross-account callers are all refused`,
          { api: api.logicalId },
        ),
      ];
    });
  },
};
