import { FindingContext } from './context';
import { allowAll, exampleTemplate, policyOf } from './example-template';
import { FindingRule, finding } from './finding';
import { FindingSeverity } from './severity';

/** A PRIVATE API needs a resource policy: API Gateway refuses to deploy one without (docs/SEMANTICS.md "Private APIs"). */
export const privateApiWithoutPolicy: FindingRule = {
  id: 'private-api-without-policy',
  severity: FindingSeverity.ERROR,
  description: 'A PRIVATE API without a resource policy: API Gateway refuses to deploy it and every call fails.',
  examples: {
    compliant: exampleTemplate({
      endpoint: 'PRIVATE',
      policy: policyOf(allowAll({ StringEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } })),
    }),
    nonCompliant: exampleTemplate({ endpoint: 'PRIVATE' }),
  },
  check(ctx: FindingContext) {
    return ctx.model.apis
      .filter((api) => api.endpointType === 'PRIVATE' && !api.policy)
      .map((api) =>
        finding(
          this,
          `PRIVATE API ${api.logicalId} has no resource policy: API Gateway refuses to deploy it and every call fails`,
          { api: api.logicalId },
        ),
      );
  },
};
