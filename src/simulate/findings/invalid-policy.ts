import { FindingContext } from './context';
import { allowAll, exampleTemplate, policyOf } from './example-template';
import { FindingRule, finding } from './finding';
import { policyErrors } from '../policy-shape';
import { FindingSeverity } from './severity';

/**
 * A resource policy API Gateway rejects: a statement without Effect, Principal or Action, a document that is
 * not JSON, a malformed AWS principal such as `{ "AWS": ["123456"] }`.
 */
export const invalidPolicy: FindingRule = {
  id: 'invalid-policy',
  severity: FindingSeverity.ERROR,
  description:
    'A resource policy API Gateway rejects (no Effect, Principal or Action; a malformed principal): nothing is admitted.',
  examples: {
    compliant: exampleTemplate({
      policy: policyOf({
        ...allowAll(),
        Principal: { AWS: ['123456789012', 'arn:aws:iam::210987654321:role/Caller'] },
      }),
      methods: [{ auth: 'AWS_IAM' }],
    }),
    nonCompliant: exampleTemplate({
      policy: policyOf({ ...allowAll(), Principal: { AWS: ['123456'] } }),
      methods: [{ auth: 'AWS_IAM' }],
    }),
  },
  check(ctx: FindingContext) {
    return ctx.model.apis.flatMap((api) => {
      const errors = policyErrors(api);
      if (errors.length === 0) return [];
      return [
        finding(
          this,
          `resource policy of ${api.logicalId} is invalid: ${errors.join('; ')}; API Gateway rejects it, so nothing is admitted`,
          { api: api.logicalId },
        ),
      ];
    });
  },
};
