import { FindingContext, methodName } from './context';
import { allowAll, exampleTemplate, policyOf } from './example-template';
import { FindingRule, finding } from './finding';
import { hasValidPolicy } from '../policy-shape';
import { ANY_OTHER_VPCE } from './probes';
import { FindingSeverity } from './severity';

/** A PRIVATE API that a request through any VPC endpoint (of any account) is admitted to, as the pipeline decides it. */
export const openPrivateApi: FindingRule = {
  id: 'open-private-api',
  severity: FindingSeverity.ERROR,
  description: 'A PRIVATE API any VPC endpoint of any account can call: the policy names no VPC endpoint or VPC.',
  examples: {
    compliant: exampleTemplate({
      endpoint: 'PRIVATE',
      policy: policyOf(allowAll({ StringEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } })),
    }),
    nonCompliant: exampleTemplate({ endpoint: 'PRIVATE', policy: policyOf(allowAll()) }),
  },
  check(ctx: FindingContext) {
    const api = ctx.model.apis.filter((a) => a.endpointType === 'PRIVATE' && hasValidPolicy(a));
    return api.flatMap((a) =>
      a.stages.flatMap((stage) => {
        const open = ctx.outcomes(a, stage.name).filter((o) => o.cells[ANY_OTHER_VPCE] === 200);
        if (open.length === 0) return [];
        const names = open.map((o) => methodName(o.method)).join(', ');
        return [
          finding(
            this,
            `PRIVATE API ${a.logicalId} stage ${stage.name}: any VPC endpoint (of any account) can call ${names}; restrict the policy with aws:SourceVpce or aws:SourceVpc`,
            { api: a.logicalId, stage: stage.name },
          ),
        ];
      }),
    );
  },
};
