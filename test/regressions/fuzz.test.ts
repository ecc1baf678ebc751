import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import {
  AccessPolicy,
  ApiScope,
  CrossAccountApi,
  PrivateApi,
  RequestSimulator,
  Source,
  TieredApi,
  UsageTiers,
} from '../../src';
import { propertyRuns } from '../support/budget';

const RUNS = propertyRuns(200, 20);

/** Arbitrary JS values, with the shapes that reach deeper checks (lists, objects, near-valid ids). */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything(),
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.string(),
  fc.constantFrom('', '*', '/', 'GET', 'vpce-0123456789abcdef0', '111122223333', '10.0.0.0/8', 'free', 'prod'),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.object()), { maxLength: 3 }),
  fc.object({ maxDepth: 3 }),
);

/** Props objects with the library's own prop names, each set to junk (or left out). */
function propsOf(keys: string[]): fc.Arbitrary<unknown> {
  return fc.oneof(junk, fc.record(Object.fromEntries(keys.map((k) => [k, junk])), { requiredKeys: [] }));
}

const tierArb = fc.oneof(
  junk,
  fc.record(
    {
      name: fc.oneof(junk, fc.string({ minLength: 1, maxLength: 8 })),
      description: junk,
      throttle: fc.oneof(junk, fc.record({ rateLimit: junk, burstLimit: junk }, { requiredKeys: [] })),
      quota: fc.oneof(junk, fc.record({ limit: junk, period: junk, offset: junk }, { requiredKeys: [] })),
      methodThrottles: fc.oneof(
        junk,
        fc.array(fc.record({ method: junk, path: junk, rateLimit: junk, burstLimit: junk }, { requiredKeys: [] })),
      ),
    },
    { requiredKeys: [] },
  ),
);

let n = 0;
function fresh() {
  const app = new App();
  const stack = new Stack(app, `S${n++}`, { env: { account: '123456789012', region: 'us-east-1' } });
  return { app, stack };
}

function tieredApi(stack: Stack): TieredApi {
  const api = new TieredApi(stack, 'T', { tiers: [{ name: 'free', throttle: { rateLimit: 1, burstLimit: 2 } }] });
  api.root.addMethod('GET', new apigw.MockIntegration());
  return api;
}

function crossAccountApi(stack: Stack): CrossAccountApi {
  const api = new CrossAccountApi(stack, 'X', { allow: [Source.accounts(['111122223333'])] });
  api.root.addMethod('GET', new apigw.MockIntegration());
  return api;
}

function simulator(): RequestSimulator {
  const { stack } = fresh();
  const api = new apigw.RestApi(stack, 'Api');
  api.root.addMethod('GET', new apigw.MockIntegration());
  new AccessPolicy({ allow: [Source.anyone()] }).applyTo(api);
  return RequestSimulator.fromStack(stack);
}

type Entry = [string, fc.Arbitrary<unknown>, (v: any) => unknown];

const entries: Entry[] = [
  ['Source.ipRanges', junk, (v) => Source.ipRanges(v)],
  ['Source.vpcEndpoints', junk, (v) => Source.vpcEndpoints(v)],
  ['Source.vpcEndpointIds', junk, (v) => Source.vpcEndpointIds(v)],
  ['Source.vpcs', junk, (v) => Source.vpcs(v)],
  ['Source.vpcIds', junk, (v) => Source.vpcIds(v)],
  ['Source.accounts', junk, (v) => Source.accounts(v)],
  ['Source.organization', junk, (v) => Source.organization(v)],
  ['Source.organizationPaths', junk, (v) => Source.organizationPaths(v)],
  ['Source.principals', junk, (v) => Source.principals(v)],
  ['Source.service(v)', junk, (v) => Source.service(v)],
  [
    'Source.service(ok, options)',
    propsOf(['sourceArn', 'sourceAccount']),
    (v) => Source.service('events.amazonaws.com', v),
  ],
  ['ApiScope.stages', junk, (v) => ApiScope.stages(v)],
  ['ApiScope.methods(v)', junk, (v) => ApiScope.methods(v)],
  ['ApiScope.methods(ok, v)', junk, (v) => ApiScope.methods(['GET'], v)],
  ['ApiScope.paths', junk, (v) => ApiScope.paths(v)],
  ['ApiScope.of', propsOf(['stages', 'methods', 'paths']), (v) => ApiScope.of(v)],
  ['new AccessPolicy', propsOf(['allow', 'deny']), (v) => new AccessPolicy(v)],
  ['AccessPolicy.allowOn(v, source)', junk, (v) => new AccessPolicy().allowOn(v, Source.anyone())],
  ['AccessPolicy.allowOn(scope, v)', junk, (v) => new AccessPolicy().allowOn(ApiScope.api(), v)],
  ['AccessPolicy.denyOn(v, source)', junk, (v) => new AccessPolicy().denyOn(v, Source.anyone())],
  ['AccessPolicy.denyOn(scope, v)', junk, (v) => new AccessPolicy().denyOn(ApiScope.api(), v)],
  ['AccessPolicy.narrowedBy', junk, (v) => new AccessPolicy().narrowedBy(v)],
  ['AccessPolicy.applyTo', junk, (v) => new AccessPolicy({ allow: [Source.anyone()] }).applyTo(v)],
  ['AccessPolicy.toJson(v)', junk, (v) => new AccessPolicy({ allow: [Source.anyone()] }).toJson(v)],
  [
    'new PrivateApi',
    propsOf(['vpcEndpoints', 'vpcEndpointIds', 'vpcs', 'vpcIds', 'accessPolicy', 'associateVpcEndpoints']),
    (v) => new PrivateApi(fresh().stack, 'P', v),
  ],
  [
    'new CrossAccountApi',
    propsOf(['allow', 'deny', 'allowNonIamMethods']),
    (v) => new CrossAccountApi(fresh().stack, 'X', v),
  ],
  ['new TieredApi', propsOf(['tiers', 'accessPolicy']), (v) => new TieredApi(fresh().stack, 'T', v)],
  ['new TieredApi({ tiers: [v] })', tierArb, (v) => new TieredApi(fresh().stack, 'T', { tiers: [v] })],
  ['new UsageTiers', propsOf(['stages', 'tiers']), (v) => new UsageTiers(fresh().stack, 'U', v)],
  ['TieredApi.addTier', tierArb, (v) => tieredApi(fresh().stack).addTier(v)],
  [
    'TieredApi.addKey(id, v)',
    propsOf(['tier', 'value', 'enabled', 'customerId', 'description']),
    (v) => tieredApi(fresh().stack).addKey('k', v),
  ],
  ['TieredApi.addKey(v, ok)', junk, (v) => tieredApi(fresh().stack).addKey(v, { tier: 'free' })],
  ['TieredApi.importKey(id, v, ok)', junk, (v) => tieredApi(fresh().stack).importKey('k', v, { tier: 'free' })],
  ['TieredApi.grantKeyManagement(v)', junk, (v) => tieredApi(fresh().stack).grantKeyManagement(v)],
  [
    'TieredApi.grantKeyManagement(role, v)',
    junk,
    (v) => {
      const { stack } = fresh();
      const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
      return tieredApi(stack).grantKeyManagement(role, v);
    },
  ],
  [
    'CrossAccountApi.invokePolicyStatement',
    propsOf(['stage', 'method', 'path']),
    (v) => crossAccountApi(fresh().stack).invokePolicyStatement(v),
  ],
  ['CrossAccountApi.grantInvoke(v)', junk, (v) => crossAccountApi(fresh().stack).grantInvoke(v)],
  [
    'RequestSimulator.invoke',
    propsOf(['method', 'path', 'stage', 'sourceIp', 'vpcEndpointId', 'caller', 'apiKey', 'at', 'authorizer']),
    (v) => simulator().invoke(v),
  ],
];

/** What a call did: 'ok', or the problem with what it threw. */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) return `${(e as Error).name}: ${(e as Error).message}`;
    const message = e instanceof Error ? e.message : String(e);
    return message.includes('expected') ? 'ok' : `no "expected" in: ${message}`;
  }
}

describe('class 8: every public entry point refuses bad input with a clear error, never a TypeError', () => {
  test.each(entries)('%s', (_name, arb, call) => {
    fc.assert(
      fc.property(arb, (v) => {
        expect(outcome(() => call(v))).toBe('ok');
      }),
      { numRuns: RUNS },
    );
  });
});
