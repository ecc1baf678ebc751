import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AccessPolicy, ApiScope, CrossAccountApi, PrivateApi, RequestSimulator, Source } from '../../src';

const ACCOUNT = '123456789012';
const PARTNER = '111122223333';
const VPCE_A = 'vpce-0a0a0a0a0a0a0a0a0';

function publicApi() {
  const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const api = new apigw.RestApi(stack, 'Api');
  api.root.addMethod('GET', new apigw.MockIntegration());
  api.root.addResource('admin').addMethod('GET', new apigw.MockIntegration());
  api.root.addResource('items').addMethod('GET', new apigw.MockIntegration());
  return { stack, api };
}

function deploymentIds(stack: Stack): string[] {
  return Object.keys(Template.fromStack(stack).findResources('AWS::ApiGateway::Deployment')).sort();
}

type Late = (p: AccessPolicy) => AccessPolicy;

interface Case {
  readonly name: string;
  /** The rule added after applyTo; the API starts with a policy that admits anyone. */
  readonly late: Late;
  readonly expectations: Array<{ path: string; sourceIp: string; status: number }>;
}

describe('class 1: rules added after applyTo count', () => {
  const cases: Case[] = [
    {
      name: 'denyOn(paths /admin, anyone)',
      late: (p) => p.denyOn(ApiScope.paths(['/admin']), Source.anyone()),
      expectations: [
        { path: '/admin', sourceIp: '203.0.113.9', status: 403 },
        { path: '/items', sourceIp: '203.0.113.9', status: 200 },
      ],
    },
    {
      name: 'denyOn(methods GET /items, ip range)',
      late: (p) => p.denyOn(ApiScope.methods(['GET'], '/items'), Source.ipRanges(['198.51.100.0/24'])),
      expectations: [
        { path: '/items', sourceIp: '198.51.100.7', status: 403 },
        { path: '/items', sourceIp: '203.0.113.9', status: 200 },
        { path: '/admin', sourceIp: '198.51.100.7', status: 200 },
      ],
    },
  ];

  test.each(cases)('late $name on a public RestApi changes what a request gets', ({ late, expectations }) => {
    // GIVEN
    const { stack, api } = publicApi();
    const policy = new AccessPolicy({ allow: [Source.anyone()] });
    policy.applyTo(api);

    // WHEN
    late(policy);

    // THEN
    const sim = RequestSimulator.fromStack(stack);
    for (const e of expectations) {
      const r = sim.invoke({ method: 'GET', path: e.path, sourceIp: e.sourceIp });
      expect({ ...e, got: r.statusCode }).toEqual({ ...e, got: e.status });
    }
  });

  test('a late allow() admits callers of a policy that admitted nobody', () => {
    // GIVEN: a policy without allow rules (admits nobody)
    const { stack, api } = publicApi();
    const policy = new AccessPolicy({ deny: [Source.ipRanges(['198.51.100.0/24'])] });
    policy.applyTo(api);

    // WHEN
    policy.allowOn(ApiScope.api(), Source.ipRanges(['203.0.113.0/24']));

    // THEN
    const sim = RequestSimulator.fromStack(stack);
    expect(sim.invoke({ method: 'GET', path: '/items', sourceIp: '203.0.113.9' }).statusCode).toBe(200);
    expect(sim.invoke({ method: 'GET', path: '/items', sourceIp: '192.0.2.1' }).statusCode).toBe(403);
    expect(sim.invoke({ method: 'GET', path: '/items', sourceIp: '198.51.100.1' }).statusCode).toBe(403);
  });

  test('a late allowOn(paths) admits only on that path', () => {
    // GIVEN
    const { stack, api } = publicApi();
    const policy = new AccessPolicy({ allow: [Source.ipRanges(['10.0.0.0/8'])] });
    policy.applyTo(api);

    // WHEN
    policy.allowOn(ApiScope.paths(['/items']), Source.anyone());

    // THEN
    const sim = RequestSimulator.fromStack(stack);
    expect(sim.invoke({ method: 'GET', path: '/items', sourceIp: '203.0.113.9' }).statusCode).toBe(200);
    expect(sim.invoke({ method: 'GET', path: '/admin', sourceIp: '203.0.113.9' }).statusCode).toBe(403);
  });

  test('a late deny on an operand of narrowedBy counts in the narrowed policy applied earlier', () => {
    // GIVEN
    const { stack, api } = publicApi();
    const a = new AccessPolicy({ allow: [Source.anyone()] });
    const b = new AccessPolicy({ allow: [Source.ipRanges(['203.0.113.0/24'])] });
    const narrowed = a.narrowedBy(b);
    narrowed.applyTo(api);

    // WHEN
    a.denyOn(ApiScope.paths(['/admin']), Source.anyone());
    narrowed.denyOn(ApiScope.paths(['/items']), Source.ipRanges(['203.0.113.128/25']));

    // THEN
    const sim = RequestSimulator.fromStack(stack);
    expect(sim.invoke({ method: 'GET', path: '/', sourceIp: '203.0.113.9' }).statusCode).toBe(200);
    expect(sim.invoke({ method: 'GET', path: '/admin', sourceIp: '203.0.113.9' }).statusCode).toBe(403);
    expect(sim.invoke({ method: 'GET', path: '/items', sourceIp: '203.0.113.200' }).statusCode).toBe(403);
    expect(sim.invoke({ method: 'GET', path: '/items', sourceIp: '203.0.113.9' }).statusCode).toBe(200);
    expect(sim.invoke({ method: 'GET', path: '/', sourceIp: '192.0.2.1' }).statusCode).toBe(403);
  });

  test('a late allowOn on an operand of narrowedBy counts', () => {
    // GIVEN
    const { stack, api } = publicApi();
    const a = new AccessPolicy({ allow: [Source.ipRanges(['10.0.0.0/8'])] });
    const b = new AccessPolicy({ allow: [Source.anyone()] });
    a.narrowedBy(b).applyTo(api);

    // WHEN
    a.allowOn(ApiScope.api(), Source.ipRanges(['203.0.113.0/24']));

    // THEN
    const sim = RequestSimulator.fromStack(stack);
    expect(sim.invoke({ method: 'GET', path: '/items', sourceIp: '203.0.113.9' }).statusCode).toBe(200);
  });

  test('the Deployment logical id changes when a late rule changes the policy', () => {
    // GIVEN two identical apps
    const before = publicApi();
    new AccessPolicy({ allow: [Source.anyone()] }).applyTo(before.api);
    const after = publicApi();
    const policy = new AccessPolicy({ allow: [Source.anyone()] });
    policy.applyTo(after.api);

    // WHEN
    policy.denyOn(ApiScope.paths(['/admin']), Source.anyone());

    // THEN
    expect(deploymentIds(before.stack)).toHaveLength(1);
    expect(deploymentIds(after.stack)).toHaveLength(1);
    expect(deploymentIds(after.stack)).not.toEqual(deploymentIds(before.stack));
  });

  test('PrivateApi.accessPolicy.denyOn after construction refuses GET /admin through the listed endpoint', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const vpce = { vpcEndpointId: VPCE_A, port: 443 };
    const endpoint = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'E', vpce);
    const api = new PrivateApi(stack, 'Api', { vpcEndpoints: [endpoint] });
    api.root.addResource('admin').addMethod('GET', new apigw.MockIntegration());
    api.root.addResource('items').addMethod('GET', new apigw.MockIntegration());
    const idBefore = deploymentIds(
      (() => {
        const s = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'us-east-1' } });
        const e = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(s, 'E', vpce);
        const a = new PrivateApi(s, 'Api', { vpcEndpoints: [e] });
        a.root.addResource('admin').addMethod('GET', new apigw.MockIntegration());
        a.root.addResource('items').addMethod('GET', new apigw.MockIntegration());
        return s;
      })(),
    );

    // WHEN
    api.accessPolicy.denyOn(ApiScope.paths(['/admin']), Source.anyone());

    // THEN
    const sim = RequestSimulator.fromStack(stack);
    expect(sim.invoke({ method: 'GET', path: '/admin', vpcEndpointId: VPCE_A }).statusCode).toBe(403);
    expect(sim.invoke({ method: 'GET', path: '/items', vpcEndpointId: VPCE_A }).statusCode).toBe(200);
    expect(deploymentIds(stack)).not.toEqual(idBefore);
  });

  test('CrossAccountApi.accessPolicy.denyOn after construction refuses the partner on /admin', () => {
    // GIVEN
    const make = () => {
      const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'us-east-1' } });
      const api = new CrossAccountApi(stack, 'Api', { allow: [Source.accounts([PARTNER])] });
      api.root.addResource('admin').addMethod('GET', new apigw.MockIntegration());
      api.root.addResource('items').addMethod('GET', new apigw.MockIntegration());
      return { stack, api };
    };
    const untouched = make();
    const { stack, api } = make();

    // WHEN
    api.accessPolicy.denyOn(ApiScope.paths(['/admin']), Source.anyone());

    // THEN
    const caller = { account: PARTNER, arn: `arn:aws:iam::${PARTNER}:role/app` };
    const sim = RequestSimulator.fromStack(stack);
    expect(sim.invoke({ method: 'GET', path: '/admin', caller }).statusCode).toBe(403);
    expect(sim.invoke({ method: 'GET', path: '/items', caller }).statusCode).toBe(200);
    const simBefore = RequestSimulator.fromStack(untouched.stack);
    expect(simBefore.invoke({ method: 'GET', path: '/admin', caller }).statusCode).toBe(200);
    expect(deploymentIds(stack)).not.toEqual(deploymentIds(untouched.stack));
  });
});
