import { FindingContext, methodName } from './context';
import { allowAll, exampleTemplate, policyOf } from './example-template';
import { FindingRule, finding } from './finding';
import { hasValidPolicy } from '../policy-shape';
import { INTERNET } from './probes';
import { FindingSeverity } from './severity';

/**
 * A method with no authorization (NONE), no API key, that an anonymous caller on the internet is admitted
 * to, as the pipeline decides it (no policy, or one that does not restrict the caller).
 */
export const unauthenticatedMethod: FindingRule = {
  id: 'unauthenticated-method',
  severity: FindingSeverity.WARNING,
  description:
    'A method with no authorization, no API key and no policy restriction: anyone on the internet can call it.',
  examples: {
    compliant: exampleTemplate({
      methods: [{ auth: 'AWS_IAM' }, { path: '/open', apiKeyRequired: true }, { path: '/office' }],
      policy: policyOf(allowAll({ IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } })),
    }),
    nonCompliant: exampleTemplate({ methods: [{ path: '/pets' }] }),
  },
  check(ctx: FindingContext) {
    // an invalid policy admits nobody (invalid-policy says so); private APIs are open-private-api's
    const apis = ctx.model.apis.filter((a) => a.endpointType !== 'PRIVATE' && (!a.policy || hasValidPolicy(a)));
    return apis.flatMap((api) =>
      api.stages.flatMap((stage) => {
        const open = ctx
          .outcomes(api, stage.name)
          .filter((o) => o.method.authorizationType === 'NONE' && !o.method.apiKeyRequired)
          .filter((o) => o.cells[INTERNET] === 200);
        if (open.length === 0) return [];
        return [
          finding(
            this,
            `${open.map((o) => methodName(o.method)).join(', ')} on ${api.logicalId} stage ${stage.name}: no authorization, no API key and no resource-policy restriction, so anyone on the internet can call ${open.length > 1 ? 'them' : 'it'} (add an authorizer, AWS_IAM, an API key or a policy naming the callers)`,
            { api: api.logicalId, stage: stage.name },
          ),
        ];
      }),
    );
  },
};
