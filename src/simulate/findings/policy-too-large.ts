import { FindingContext } from './context';
import { allowAll, exampleTemplate, policyOf } from './example-template';
import { FindingRule, finding } from './finding';
import { POLICY_LENGTH_LIMIT, arnPrefixOf, policyLength, rawPolicy } from '../policy-shape';
import { FindingSeverity } from './severity';

/** Many one-address Allow statements: a policy far over the quota. */
function hugePolicy(): any {
  const statements = Array.from({ length: 60 }, (_, i) =>
    allowAll({ IpAddress: { 'aws:SourceIp': `192.0.2.${i}/32` } }),
  );
  return policyOf(...statements);
}

/** A resource policy over API Gateway's 8,192-character quota (docs/SEMANTICS.md "Quotas"): the update is rejected. */
export const policyTooLarge: FindingRule = {
  id: 'policy-too-large',
  severity: FindingSeverity.ERROR,
  description: `A resource policy over API Gateway's ${POLICY_LENGTH_LIMIT}-character quota: the deployment fails, so nothing is admitted.`,
  examples: {
    compliant: exampleTemplate({ policy: policyOf(allowAll({ IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } })) }),
    nonCompliant: exampleTemplate({ policy: hugePolicy() }),
  },
  check(ctx: FindingContext) {
    return ctx.model.apis.flatMap((api) => {
      if (!api.policy) return [];
      const length = policyLength(rawPolicy(ctx.model, api), arnPrefixOf(ctx.model, api));
      if (length === undefined || length <= POLICY_LENGTH_LIMIT) return [];
      return [
        finding(
          this,
          `resource policy of ${api.logicalId} is ${length} characters (minified, execute-api:/ expanded), over API Gateway's quota of ${POLICY_LENGTH_LIMIT}: API Gateway rejects it, so nothing is admitted (merge CIDRs or statements, or ask AWS to raise the quota)`,
          { api: api.logicalId },
        ),
      ];
    });
  },
};
