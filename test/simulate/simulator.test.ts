import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { miniTemplate } from './helpers';
import { AuthorizerDecision, IdentityPolicy, RequestSimulator } from '../../src/simulate';
import { SimulationInputError } from '../../src/simulate/pipeline';

function privateStack() {
  const app = new App();
  const stack = new Stack(app, 'Private', { env: { account: '111122223333', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 1,
    natGateways: 0,
    subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const vpceA = vpc.addInterfaceEndpoint('A', { service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY });
  const vpceB = vpc.addInterfaceEndpoint('B', { service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY });
  const api = new apigw.RestApi(stack, 'Api', {
    endpointConfiguration: { types: [apigw.EndpointType.PRIVATE], vpcEndpoints: [vpceA] },
    deployOptions: { stageName: 'prod' },
  });
  api.root.addResource('items').addMethod('GET', new apigw.MockIntegration());
  api.grantInvokeFromVpcEndpointsOnly([vpceA]);
  return { stack, vpceA, vpceB };
}

describe('RequestSimulator.fromStack', () => {
  test('a RestApi with grantInvokeFromVpcEndpointsOnly admits only its endpoint', () => {
    // GIVEN
    const { stack, vpceA, vpceB } = privateStack();
    const sim = RequestSimulator.fromStack(stack);
    // WHEN
    const fromA = sim.invoke({ method: 'GET', path: '/items', vpcEndpointId: vpceA.vpcEndpointId });
    const fromB = sim.invoke({ method: 'GET', path: '/items', vpcEndpointId: vpceB.vpcEndpointId });
    const outside = sim.invoke({ method: 'GET', path: '/items', sourceIp: '203.0.113.9' });
    // THEN
    expect(fromA).toMatchObject({ statusCode: 200, decidedBy: 'ok' });
    expect(fromB).toMatchObject({ statusCode: 403, decidedBy: 'resource-policy' });
    expect(fromB.message).toMatch(
      /^User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:111122223333:[a-z0-9]{10}\/prod\/GET\/items with an explicit deny$/,
    );
    expect(outside.statusCode).toBe(403);
    expect(sim.findings().filter((f) => f.severity === 'error')).toEqual([]);
  });

  test('a UsagePlan with an ApiKey: key by token, throttle and quota', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Tiered');
    const api = new apigw.RestApi(stack, 'Api', { deployOptions: { stageName: 'prod' } });
    api.root.addResource('orders').addMethod('GET', new apigw.MockIntegration(), { apiKeyRequired: true });
    const plan = api.addUsagePlan('Free', {
      throttle: { rateLimit: 5, burstLimit: 10 },
      quota: { limit: 12, period: apigw.Period.DAY },
      apiStages: [{ api, stage: api.deploymentStage }],
    });
    const key = api.addApiKey('Acme');
    plan.addApiKey(key);
    const sim = RequestSimulator.fromStack(stack);
    const t0 = Date.UTC(2026, 0, 1);
    // WHEN
    const noKey = sim.invoke({ method: 'GET', path: '/orders', at: t0 });
    const burst = sim.invokeRepeatedly({ method: 'GET', path: '/orders', apiKeyRef: key.keyId, at: t0 }, 20, 0);
    const refill = sim.invokeRepeatedly({ method: 'GET', path: '/orders', apiKeyRef: key.keyId, at: t0 + 1000 }, 20, 0);
    // THEN
    expect(noKey).toMatchObject({ statusCode: 403, decidedBy: 'api-key', message: 'Forbidden' });
    expect(burst.counts).toEqual({ 200: 10, 429: 10 });
    expect(refill.counts).toEqual({ 200: 2, 429: 18 });
    // 5 tokens refilled: 2 served, 3 pass the throttle but hit the quota (throttle before quota [U]), 15 throttled
    expect(refill.decidedBy).toEqual({ ok: 2, quota: 3, throttle: 15 });
  });

  test('CDK cross-account AWS_IAM API: the allowed account gets in, others do not', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Xacct', { env: { account: '111122223333', region: 'us-east-1' } });
    const api = new apigw.RestApi(stack, 'Api', {
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            principals: [new iam.AccountPrincipal('444455556666')],
            actions: ['execute-api:Invoke'],
            resources: ['execute-api:/*'],
          }),
        ],
      }),
      defaultMethodOptions: { authorizationType: apigw.AuthorizationType.IAM },
    });
    api.root.addMethod('GET', new apigw.MockIntegration());
    const sim = RequestSimulator.fromStack(stack);
    // WHEN / THEN
    expect(
      sim.invoke({
        method: 'GET',
        path: '/',
        caller: { account: '444455556666', arn: 'arn:aws:iam::444455556666:role/Client' },
      }).statusCode,
    ).toBe(200);
    expect(sim.invoke({ method: 'GET', path: '/', caller: { account: '777788889999' } }).statusCode).toBe(403);
    expect(sim.invoke({ method: 'GET', path: '/', caller: { account: '111122223333' } }).statusCode).toBe(200);
    expect(sim.invoke({ method: 'GET', path: '/' })).toMatchObject({
      statusCode: 403,
      message: 'Missing Authentication Token',
    });
  });
});

describe('RequestSimulator.fromTemplateText and explain', () => {
  test('YAML with short-form tags loads and explain renders a matrix and findings', () => {
    // GIVEN
    const yaml = [
      'Parameters:',
      '  Vpce: { Type: String, Default: vpce-0aaaaaaaaaaaaaaaa }',
      'Resources:',
      '  Api:',
      '    Type: AWS::ApiGateway::RestApi',
      '    Properties:',
      '      Name: x',
      '      EndpointConfiguration: { Types: [PRIVATE] }',
      '      Policy:',
      '        Version: 2012-10-17',
      '        Statement:',
      '          - Effect: Allow',
      '            Principal: "*"',
      '            Action: execute-api:Invoke',
      '            Resource: !Join ["", ["execute-api:/", "*"]]',
      '            Condition: { StringEquals: { aws:sourceVpce: !Ref Vpce } }',
      '  Res:',
      '    Type: AWS::ApiGateway::Resource',
      '    Properties: { RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: items }',
      '  M:',
      '    Type: AWS::ApiGateway::Method',
      '    Properties: { RestApiId: !Ref Api, ResourceId: !Ref Res, HttpMethod: GET, AuthorizationType: NONE }',
      '  D:',
      '    Type: AWS::ApiGateway::Deployment',
      '    Properties: { RestApiId: !Ref Api, StageName: !Sub "${AWS::Region}-stage" }',
    ].join('\n');
    const sim = RequestSimulator.fromTemplateText(yaml, { region: 'eu-central-1' });
    // WHEN
    const ok = sim.invoke({ method: 'GET', path: '/items', vpcEndpointId: 'vpce-0aaaaaaaaaaaaaaaa' });
    const md = sim.explain();
    // THEN
    expect(sim.stages()).toEqual(['eu-central-1-stage']);
    expect(ok.statusCode).toBe(200);
    expect(md).toContain('## API Api — stage eu-central-1-stage (PRIVATE)');
    expect(md).toContain('| GET | /items | NONE | - | ✅ | ❌ 403 |');
  });

  test('findings name an open private API', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(
      miniTemplate({
        endpointType: 'PRIVATE',
        policy: {
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }],
        },
      }),
    );
    // WHEN
    const f = sim.findings();
    // THEN
    expect(f).toEqual([
      expect.objectContaining({ id: 'open-private-api', severity: 'error', api: 'Api', stage: 'prod' }),
    ]);
  });

  test('fails when the text is not a template', () => {
    expect(() => RequestSimulator.fromTemplateText('[1, 2]')).toThrow(/top level must be an object/);
    expect(() => RequestSimulator.fromTemplateText('{"Resources": ')).toThrow(/not valid JSON/);
  });
});

describe('explain probes', () => {
  test('an organization condition gets its own column', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(
      miniTemplate({
        methods: [{ path: '/', method: 'GET', auth: 'AWS_IAM' }],
        policy: {
          Statement: [
            {
              Effect: 'Allow',
              Principal: '*',
              Action: 'execute-api:Invoke',
              Resource: 'execute-api:/*',
              Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
            },
          ],
        },
      }),
    );
    // WHEN
    const md = sim.explain();
    // THEN
    expect(md).toContain(
      '| method | path | auth | key | internet | IAM 123456789012 (same account) | IAM in org o-abc123 | IAM other account |',
    );
    expect(md).toContain('| GET | / | AWS_IAM | - | ❌ 403 | ✅ | ✅ | ❌ 403 |');
  });
});

describe('RequestSimulator API', () => {
  test('apis(), stages(), reset() and the simulated clock', () => {
    // GIVEN
    const t = miniTemplate({ methods: [{ path: '/free', method: 'GET' }] });
    t.Resources.Stage.Properties.MethodSettings = [
      { ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 1, ThrottlingBurstLimit: 1 },
    ];
    const sim = RequestSimulator.fromTemplate(t, { startTime: Date.UTC(2026, 0, 1) });
    // WHEN
    const first = sim.invoke({ method: 'GET', path: '/free' });
    const second = sim.invoke({ method: 'GET', path: '/free' }); // same instant: the clock does not move by itself
    sim.reset();
    const afterReset = sim.invoke({ method: 'GET', path: '/free' });
    // THEN
    expect(sim.apis()).toEqual(['Api']);
    expect(sim.stages()).toEqual(['prod']);
    expect(sim.stages('Nope')).toEqual([]);
    expect([first.statusCode, second.statusCode, afterReset.statusCode]).toEqual([200, 429, 200]);
  });

  test('fails when a request lacks method or path, or has a bad count', () => {
    const sim = RequestSimulator.fromTemplate(miniTemplate());
    expect(() => sim.invoke({ method: '', path: '/items' })).toThrow(/needs 'method'/);
    expect(() => sim.invoke({ method: 'GET' } as any)).toThrow(/'path' is malformed: got undefined; expected a path/);
    expect(() => sim.invoke({ method: 'GET /x', path: '/items' })).toThrow(/must be an HTTP method/);
    expect(() => sim.invoke({ method: 'GET', path: '/items', authorizer: AuthorizerDecision.ALLOW, at: NaN })).toThrow(
      /'at' must be a number/,
    );
    expect(() => sim.invokeRepeatedly({ method: 'GET', path: '/items' }, 0)).toThrow(
      /'count' is malformed: got 0; expected an integer from 1 to 1000000/,
    );
    expect(() => sim.invokeRepeatedly({ method: 'GET', path: '/items' }, 1e9)).toThrow(/'count' is malformed/);
  });

  // Bad input (class: what only JavaScript can pass) is a SimulationInputError naming the field, never a TypeError.
  test.each([
    ['null', null, /'request' is malformed: got null; expected an object/],
    ['a string', 'GET /items', /'request' is malformed/],
    [
      'sourceIp: 5',
      { method: 'GET', path: '/items', sourceIp: 5 },
      /'sourceIp' is malformed: got 5; expected a string/,
    ],
    ['sourceIp 999.1.1.1', { method: 'GET', path: '/items', sourceIp: '999.1.1.1' }, /'sourceIp' is malformed/],
    ['sourceIp 256.0.0.1', { method: 'GET', path: '/items', sourceIp: '256.0.0.1' }, /'sourceIp' is malformed/],
    ['sourceIp 1.2.3', { method: 'GET', path: '/items', sourceIp: '1.2.3' }, /'sourceIp' is malformed/],
    ['sourceIp 01.2.3.4', { method: 'GET', path: '/items', sourceIp: '01.2.3.4' }, /'sourceIp' is malformed/],
    ['sourceIp 1:2:3', { method: 'GET', path: '/items', sourceIp: '1:2:3' }, /'sourceIp' is malformed/],
    ['caller null', { method: 'GET', path: '/items', caller: null }, /'caller' is malformed/],
    ['caller without account', { method: 'GET', path: '/items', caller: {} }, /'caller.account' is malformed/],
    [
      'orgPaths a string',
      { method: 'GET', path: '/items', caller: { account: '111122223333', orgPaths: 'o-1' } },
      /'caller.orgPaths'/,
    ],
    ['path 5', { method: 'GET', path: 5 }, /'path' is malformed: got 5/],
  ])('invoke(%s) is refused with the field named', (_name, request, message) => {
    const sim = RequestSimulator.fromTemplate(miniTemplate());
    let thrown: unknown;
    try {
      sim.invoke(request as any);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SimulationInputError);
    expect((thrown as Error).message).toMatch(message);
  });

  test.each([
    '203.0.113.7',
    '0.0.0.0',
    '255.255.255.255',
    '2001:db8::1',
    '::1',
    '::ffff:192.0.2.1',
    '2001:db8:0:0:0:0:0:1',
  ])('sourceIp %s is accepted', (ip) => {
    const sim = RequestSimulator.fromTemplate(miniTemplate());
    expect(sim.invoke({ method: 'GET', path: '/items', sourceIp: ip }).statusCode).toBeGreaterThan(0);
  });

  test('fromFile reads YAML and JSON', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-'));
    fs.writeFileSync(path.join(d, 't.json'), JSON.stringify(miniTemplate()));
    try {
      expect(
        RequestSimulator.fromFile(path.join(d, 't.json')).invoke({ method: 'GET', path: '/items' }).statusCode,
      ).toBe(200);
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('principals from the stack', () => {
  test('a role granted in the policy is matched through its token', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Roles', { env: { account: '111122223333', region: 'us-east-1' } });
    const role = new iam.Role(stack, 'Client', { assumedBy: new iam.AccountRootPrincipal() });
    const other = new iam.Role(stack, 'Other', { assumedBy: new iam.AccountRootPrincipal() });
    const api = new apigw.RestApi(stack, 'Api', {
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            principals: [role],
            actions: ['execute-api:Invoke'],
            resources: ['execute-api:/*'],
          }),
        ],
      }),
      defaultMethodOptions: { authorizationType: apigw.AuthorizationType.IAM },
    });
    api.root.addMethod('GET', new apigw.MockIntegration());
    const sim = RequestSimulator.fromStack(stack);
    // WHEN
    const granted = sim.invoke({
      method: 'GET',
      path: '/',
      caller: { account: stack.account, arn: role.roleArn, identityPolicy: IdentityPolicy.NONE },
    });
    const notGranted = sim.invoke({
      method: 'GET',
      path: '/',
      caller: { account: stack.account, arn: other.roleArn, identityPolicy: IdentityPolicy.NONE },
    });
    // THEN
    expect(granted.statusCode).toBe(200);
    expect(granted.reasons.join('\n')).not.toMatch(/account root/);
    expect(notGranted).toMatchObject({ statusCode: 403, decidedBy: 'authorization' });
    expect(notGranted.message).toMatch(
      /^User: arn:aws:iam::111122223333:role\/Other[0-9A-F]{8}-[A-Z0-9]{8} is not authorized/,
    );
  });
});
