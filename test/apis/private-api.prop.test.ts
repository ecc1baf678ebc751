import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as fc from 'fast-check';
import { AccessPolicy, PrivateApi, RequestSimulator, Source } from '../../src';
import { propertyRuns } from '../support/budget';

// End to end through the construct and the simulator: a PrivateApi admits a request iff it comes through a
// listed endpoint (or a listed VPC) and, when an accessPolicy narrows it, from an allowed address — for
// anonymous and same-account IAM callers alike. Never more open than that.
const ACCOUNT = '123456789012';
const VPCES = ['vpce-0a0a0a0a0a0a0a0a0', 'vpce-0b0b0b0b0b0b0b0b0', 'vpce-0c0c0c0c0c0c0c0c0', 'vpce-0d0d0d0d0d0d0d0d0'];
const VPCS = ['vpc-0a0a0a0a0a0a0a0a0', 'vpc-0b0b0b0b0b0b0b0b0'];
const RANGES = ['10.0.0.0/16', '10.1.0.0/16', '192.168.0.0/24'];
const IPS = ['10.0.3.4', '10.1.200.1', '192.168.0.9', '172.16.0.1'];

const inRange = (ip: string, cidr: string) => {
  const [net, bits] = cidr.split('/');
  const toInt = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toInt(ip) / size) === Math.floor(toInt(net) / size);
};

const config = fc
  .record({
    endpointIds: fc.subarray(VPCES, { minLength: 0 }),
    vpcIds: fc.subarray(VPCS, { minLength: 0 }),
    ranges: fc.option(fc.subarray(RANGES, { minLength: 1 }), { nil: undefined }),
  })
  .filter((c) => c.endpointIds.length + c.vpcIds.length > 0);

const request = fc.record({
  vpce: fc.option(fc.constantFrom(...VPCES), { nil: undefined }),
  vpc: fc.constantFrom(...VPCS),
  ip: fc.constantFrom(...IPS),
  iam: fc.boolean(),
});

describe('PrivateApi (property)', () => {
  test('admits exactly the listed endpoints / VPCs (and allowed addresses), for every caller kind', () => {
    fc.assert(
      fc.property(config, fc.array(request, { minLength: 8, maxLength: 8 }), (c, requests) => {
        // GIVEN
        const app = new App();
        const stack = new Stack(app, 'Stack', { env: { account: ACCOUNT, region: 'us-east-1' } });
        const api = new PrivateApi(stack, 'Api', {
          vpcEndpointIds: c.endpointIds.length ? c.endpointIds : undefined,
          vpcIds: c.vpcIds.length ? c.vpcIds : undefined,
          accessPolicy: c.ranges ? new AccessPolicy({ allow: [Source.ipRanges(c.ranges)] }) : undefined,
        });
        api.root.addResource('items').addMethod('GET', new apigw.MockIntegration());
        const sim = RequestSimulator.fromStack(stack);

        for (const r of requests) {
          // WHEN
          const result = sim.invoke({
            method: 'GET',
            path: '/items',
            vpcEndpointId: r.vpce,
            vpcId: r.vpce ? r.vpc : undefined,
            sourceIp: r.ip,
            caller: r.iam ? { account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:role/app` } : undefined,
          });

          // THEN: the intended decision, from the config alone
          const through = r.vpce !== undefined && (c.endpointIds.includes(r.vpce) || c.vpcIds.includes(r.vpc));
          const fromAllowedIp = !c.ranges || (r.vpce !== undefined && c.ranges.some((cidr) => inRange(r.ip, cidr)));
          expect({ config: c, request: r, status: result.statusCode }).toEqual({
            config: c,
            request: r,
            status: through && fromAllowedIp ? 200 : 403,
          });
        }
      }),
      { numRuns: propertyRuns(60), seed: 20261125 },
    );
  });
});
