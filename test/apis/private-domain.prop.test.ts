import { anonymousPrincipal, runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fc from 'fast-check';
import { AccessPolicy, PrivateApi, Source } from '../../src';
import { ipInCidr, parseCidr } from '../../src/private/cidr';
import { decideDomain, readDomains } from '../../src/simulate/domain';
import { buildModel } from '../../src/simulate/model';
import { evaluatePolicy, NormalizedPolicy } from '../../src/simulate/policy-eval';
import { propertyRuns } from '../support/budget';

// The compiled domain policy and the API's policy together admit a request through the domain exactly when
// the rules do: the endpoint is one the domain lists (and the API admits), and the address passes the API's
// and the domain's IP rules (allow and deny). The API's policy alone (as if the domain's policy were
// changed to admit everyone) still refuses what the domain's rules refuse. Judged by the simulator's
// evaluator and, for the API's policy, by iam-simulate.
const ACCOUNT = '123456789012';
const HOST = 'orders.internal.example.com';
const VPCES = ['vpce-0a0a0a0a0a0a0a0a0', 'vpce-0b0b0b0b0b0b0b0b0', 'vpce-0c0c0c0c0c0c0c0c0'];
const RANGES = ['10.0.0.0/16', '10.1.0.0/16', '2001:db8::/32'];
const IPS = ['10.0.3.4', '10.1.200.1', '2001:db8::5', '172.16.0.1'];
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

const config = fc
  .record({
    apiEndpoints: fc.subarray(VPCES, { minLength: 1 }),
    pick: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    apiRanges: fc.option(fc.subarray(RANGES, { minLength: 1 }), { nil: undefined }),
    domainRanges: fc.option(fc.subarray(RANGES, { minLength: 1 }), { nil: undefined }),
    domainDeny: fc.option(fc.subarray(RANGES, { minLength: 1, maxLength: 1 }), { nil: undefined }),
  })
  .map((c) => ({ ...c, domainEndpoints: c.apiEndpoints.filter((_, i) => c.pick[i] || i === 0) }));

const request = fc.record({ vpce: fc.constantFrom(...VPCES), ip: fc.constantFrom(...IPS), iam: fc.boolean() });

const inAny = (ip: string, ranges?: string[]) => !ranges || ranges.some((r) => ipInCidr(ip, parseCidr(r)!));

/** Rebuilds a plain policy document from the simulator's resolved statements (for iam-simulate). */
function plain(policy: NormalizedPolicy, apiId: string): any {
  const arn = `arn:aws:execute-api:us-east-1:${ACCOUNT}:${apiId}/`;
  const fix = (rs?: any[]) =>
    rs?.map((r) =>
      String(r)
        .replace(/^execute-api:\//, arn)
        .replace(/:\?{10}\//, `:${apiId}/`),
    );
  return {
    Version: '2012-10-17',
    Statement: policy.statements.map((s) => ({
      Effect: s.effect,
      Principal: s.principal,
      Action: s.action,
      ...(s.resource ? { Resource: fix(s.resource) } : { NotResource: fix(s.notResource) }),
      ...(s.condition ? { Condition: s.condition } : {}),
    })),
  };
}

async function oracleApi(doc: any, apiId: string, ctx: Record<string, string>, iam: boolean): Promise<boolean> {
  const caller = `arn:aws:iam::${ACCOUNT}:role/app`;
  const r: any = await runSimulation(
    {
      request: {
        principal: iam ? caller : anonymousPrincipal,
        action: 'execute-api:Invoke',
        resource: { resource: `arn:aws:execute-api:us-east-1:${ACCOUNT}:${apiId}/prod/GET/items`, accountId: ACCOUNT },
        contextVariables: ctx,
      },
      identityPolicies: iam
        ? [
            {
              name: 'i',
              policy: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' }],
              },
            },
          ]
        : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: doc,
    } as any,
    {},
  );
  if (r.resultType !== 'single') throw new Error(JSON.stringify(r.errors ?? r.resultType));
  return r.overallResult === 'Allowed';
}

function build(c: ReturnType<typeof config.generate>['value']) {
  const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const endpoint = (id: string) =>
    ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, id, { vpcEndpointId: id, port: 443 });
  const api = new PrivateApi(stack, 'Api', {
    vpcEndpoints: c.apiEndpoints.map(endpoint),
    associateVpcEndpoints: false,
    accessPolicy: c.apiRanges ? new AccessPolicy({ allow: [Source.ipRanges(c.apiRanges)] }) : undefined,
  });
  api.root.addResource('items').addMethod('GET', new apigw.MockIntegration());
  const domainPolicy =
    c.domainRanges || c.domainDeny
      ? new AccessPolicy({
          allow: [c.domainRanges ? Source.ipRanges(c.domainRanges) : Source.anyone()],
          deny: c.domainDeny ? [Source.ipRanges(c.domainDeny)] : undefined,
        })
      : undefined;
  api.addPrivateDomainName('Internal', {
    domainName: HOST,
    certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERT),
    vpcEndpoints: c.domainEndpoints.map((id) => stack.node.findChild(id) as ec2.IInterfaceVpcEndpoint),
    accessPolicy: domainPolicy,
  });
  return Template.fromStack(stack).toJSON();
}

describe('PrivateDomainName (property)', () => {
  test('domain + API policies admit exactly what the rules admit, for anonymous and IAM callers', async () => {
    const counts: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(config, fc.array(request, { minLength: 6, maxLength: 6 }), async (c, requests) => {
        // GIVEN
        const template = build(c);
        const domains = readDomains(template, { account: ACCOUNT });
        const model = buildModel(template, { account: ACCOUNT });
        const api = model.apis[0];
        const env = { partition: 'aws', region: 'us-east-1', account: ACCOUNT, apiId: api.id };
        const doc = plain(api.policy!, api.id);

        for (const r of requests) {
          // WHEN
          const caller = r.iam ? { account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:role/app` } : undefined;
          const d = decideDomain(domains, {
            domainName: HOST,
            path: '/items',
            vpcEndpointId: r.vpce,
            sourceIp: r.ip,
            caller,
          });
          const viaArn = domains.domains[0].viaDomainArn;
          const ctx = { 'aws:SourceVpce': r.vpce, 'aws:VpcSourceIp': r.ip, 'execute-api:viaDomainArn': viaArn };
          const verdict = evaluatePolicy(
            api.policy!,
            {
              principal: caller,
              action: 'execute-api:Invoke',
              resource: `arn:aws:execute-api:us-east-1:${ACCOUNT}:${api.id}/prod/GET/items`,
              context: Object.fromEntries(Object.entries(ctx).map(([k, v]) => [k, [v]])),
            },
            env,
          ).verdict;
          const apiAdmits = r.iam ? verdict !== 'deny' : verdict === 'allow';

          // THEN
          const rulesApi = c.apiEndpoints.includes(r.vpce) && inAny(r.ip, c.apiRanges);
          const rulesDomain =
            c.domainEndpoints.includes(r.vpce) &&
            inAny(r.ip, c.domainRanges) &&
            !(c.domainDeny && inAny(r.ip, c.domainDeny));
          const want = rulesApi && rulesDomain;
          const got = d.statusCode === undefined && apiAdmits;
          expect({ c, r, got, apiAlone: apiAdmits }).toEqual({ c, r, got: want, apiAlone: want });
          expect({ r, oracle: await oracleApi(doc, api.id, ctx, r.iam) }).toEqual({ r, oracle: want });
          counts[want ? 'admitted' : 'refused'] = (counts[want ? 'admitted' : 'refused'] ?? 0) + 1;
        }
      }),
      { numRuns: propertyRuns(60) },
    );
    // Not vacuous: both outcomes occur.
    expect(counts.admitted).toBeGreaterThan(0);
    expect(counts.refused).toBeGreaterThan(0);
  });
});
