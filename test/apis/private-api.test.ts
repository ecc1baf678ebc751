import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { unacknowledgedNagFindings } from './nag';
import { AccessPolicy, PrivateApi, RequestSimulator, Source } from '../../src';

const ACCOUNT = '123456789012';
const VPCE_A = 'vpce-0a0a0a0a0a0a0a0a0';
const VPCE_B = 'vpce-0b0b0b0b0b0b0b0b0';
const OTHER_ACCOUNT_VPCE = 'vpce-0c0c0c0c0c0c0c0c0';

function setup(extra: Partial<ConstructorParameters<typeof PrivateApi>[2]> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 1,
    natGateways: 0,
    subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const endpoint = vpc.addInterfaceEndpoint('ExecuteApi', { service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY });
  const api = new PrivateApi(stack, 'Api', { vpcEndpoints: [endpoint], ...extra });
  api.root.addResource('items').addMethod('GET', new apigw.MockIntegration());
  return { app, stack, vpc, endpoint, api };
}

describe('PrivateApi', () => {
  test('is PRIVATE, associated with its endpoint, with the full deny-unless policy', () => {
    // GIVEN / WHEN
    const { stack, endpoint } = setup();

    // THEN
    const t = Template.fromStack(stack);
    const vpceRef = { Ref: stack.getLogicalId(endpoint.node.defaultChild as ec2.CfnVPCEndpoint) };
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['PRIVATE'], VpcEndpointIds: [vpceRef] },
      Policy: {
        Version: '2012-10-17',
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'execute-api:Invoke',
            Condition: { StringNotEquals: { 'aws:SourceVpce': vpceRef } },
          }),
          Match.objectLike({ Effect: 'Allow', Action: 'execute-api:Invoke' }),
        ]),
      },
    });
  });

  test('the full policy, statement by statement', () => {
    // GIVEN / WHEN
    const { stack } = setup();

    // THEN
    const policy = Template.fromStack(stack).findResources('AWS::ApiGateway::RestApi');
    const doc = Object.values(policy)[0].Properties.Policy;
    expect(doc.Statement).toHaveLength(2);
    for (const s of doc.Statement) {
      expect(s.Action).toBe('execute-api:Invoke');
      expect(JSON.stringify(s.Principal)).toMatch(/\*/);
      expect(JSON.stringify(s.Resource ?? s.NotResource)).toMatch(/execute-api:\//);
    }
  });

  test('vpcEndpointIds, vpcs and vpcIds each admit; ids are not associated', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['us-east-1a'],
    });

    // WHEN
    const api = new PrivateApi(stack, 'Api', {
      vpcEndpointIds: [OTHER_ACCOUNT_VPCE],
      vpcs: [vpc],
      vpcIds: ['vpc-0fedcba9876543210'],
    });
    api.root.addMethod('GET', new apigw.MockIntegration());

    // THEN
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['PRIVATE'], VpcEndpointIds: Match.absent() },
      Policy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: {
              StringNotEquals: {
                'aws:SourceVpce': OTHER_ACCOUNT_VPCE,
                'aws:SourceVpc': ['vpc-0123456789abcdef0', 'vpc-0fedcba9876543210'],
              },
            },
          }),
        ]),
      }),
    });
  });

  test('accessPolicy narrows further (IPs compile to aws:VpcSourceIp)', () => {
    // GIVEN / WHEN
    const { stack } = setup({ accessPolicy: new AccessPolicy({ allow: [Source.ipRanges(['10.0.0.0/16'])] }) });

    // THEN
    const json = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(json).toMatch(/aws:VpcSourceIp/);
    expect(json).not.toMatch(/"aws:SourceIp"/);
  });

  test('secure defaults and cdk-nag AwsSolutions with no unacknowledged finding', () => {
    // GIVEN / WHEN
    const { stack } = setup();

    // THEN
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApiGateway::Stage', { AccessLogSetting: Match.anyValue() });
    t.resourceCountIs('AWS::ApiGateway::RequestValidator', 1);
    expect(unacknowledgedNagFindings(stack).filter((f) => f.includes('/Api/'))).toEqual([]);
  });

  describe('what a request gets (simulator)', () => {
    function sim() {
      const app = new App();
      const stack = new Stack(app, 'Stack', { env: { account: ACCOUNT, region: 'us-east-1' } });
      const endpoint = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'A', {
        vpcEndpointId: VPCE_A,
        port: 443,
      });
      const api = new PrivateApi(stack, 'Api', { vpcEndpoints: [endpoint] });
      api.root.addResource('items').addMethod('GET', new apigw.MockIntegration());
      return RequestSimulator.fromStack(stack);
    }

    test('a request through the allowed endpoint gets 200', () => {
      expect(sim().invoke({ method: 'GET', path: '/items', vpcEndpointId: VPCE_A }).statusCode).toBe(200);
    });

    test('a request through another endpoint gets 403 from the resource policy', () => {
      const r = sim().invoke({ method: 'GET', path: '/items', vpcEndpointId: VPCE_B });
      expect([r.statusCode, r.decidedBy]).toEqual([403, 'resource-policy']);
    });

    test('a request from a public IP (no endpoint) gets 403', () => {
      const r = sim().invoke({ method: 'GET', path: '/items', sourceIp: '203.0.113.9' });
      expect([r.statusCode, r.decidedBy]).toEqual([403, 'resource-policy']);
    });

    test('a same-account IAM caller from outside the VPC gets 403', () => {
      const r = sim().invoke({
        method: 'GET',
        path: '/items',
        sourceIp: '203.0.113.9',
        caller: { account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:role/admin` },
      });
      expect([r.statusCode, r.decidedBy]).toEqual([403, 'resource-policy']);
    });

    test('an endpoint created in the stack admits its own requests', () => {
      const { stack, endpoint } = setup();
      const s = RequestSimulator.fromStack(stack);
      expect(s.invoke({ method: 'GET', path: '/items', vpcEndpointId: endpoint.vpcEndpointId }).statusCode).toBe(200);
      expect(s.invoke({ method: 'GET', path: '/items', vpcEndpointId: VPCE_B }).statusCode).toBe(403);
    });

    test('an IP restriction applies behind the endpoint', () => {
      const { stack, endpoint } = setup({
        accessPolicy: new AccessPolicy({ allow: [Source.ipRanges(['10.0.0.0/16'])] }),
      });
      const s = RequestSimulator.fromStack(stack);
      expect(
        s.invoke({ method: 'GET', path: '/items', vpcEndpointId: endpoint.vpcEndpointId, sourceIp: '10.0.3.4' })
          .statusCode,
      ).toBe(200);
      expect(
        s.invoke({ method: 'GET', path: '/items', vpcEndpointId: endpoint.vpcEndpointId, sourceIp: '10.1.3.4' })
          .statusCode,
      ).toBe(403);
    });
  });

  test('fails when vpcEndpoints is empty', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    expect(() => new PrivateApi(stack, 'Internal', { vpcEndpoints: [] })).toThrow(
      /PrivateApi 'Stack\/Internal': 'vpcEndpoints' must not be empty: got \[\]; expected at least one interface VPC endpoint, or leave it unset and use 'vpcEndpointIds', 'vpcs', 'vpcIds'/,
    );
  });

  test('fails when no endpoint or VPC is given', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    expect(() => new PrivateApi(stack, 'Internal', {})).toThrow(
      /PrivateApi 'Stack\/Internal': 'vpcEndpoints' is required/,
    );
  });

  test.each([
    [
      { endpointTypes: [apigw.EndpointType.REGIONAL] },
      /'endpointTypes' is invalid: got \["REGIONAL"\]; expected \[EndpointType.PRIVATE\]/,
    ],
    [
      { endpointConfiguration: { types: [apigw.EndpointType.EDGE] } },
      /'endpointConfiguration.types' is invalid: got \["EDGE"\]/,
    ],
  ])('fails when the endpoint type is overridden (%#)', (override, message) => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    expect(() => new PrivateApi(stack, 'Internal', { vpcEndpointIds: [VPCE_A], ...override })).toThrow(message);
  });

  test('fails when a vpce id is malformed', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    expect(() => new PrivateApi(stack, 'Internal', { vpcEndpointIds: ['vpce-nothex'] })).toThrow(
      /Stack\/Internal.*vpcEndpointIds.*vpce-nothex/,
    );
  });

  test('fails to synthesize when the policy is replaced by one any endpoint could pass', () => {
    // GIVEN
    const { stack, api } = setup();

    // WHEN: the L1 escape hatch replaces the policy with an open one
    (api.node.defaultChild as apigw.CfnRestApi).policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }],
    };

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(
      /PrivateApi 'Stack\/Api': 'policy' admits a request through an unlisted VPC endpoint \(anonymous caller\): got "GET \/items on stage prod"; expected a resource policy that denies every request not through the listed VPC endpoints/,
    );
  });

  test('statements added with addToResourcePolicy cannot open it', () => {
    // GIVEN
    const { stack, api } = setup();

    // WHEN
    api.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*'],
      }),
    );

    // THEN
    const s = RequestSimulator.fromStack(stack);
    expect(s.invoke({ method: 'GET', path: '/items', vpcEndpointId: VPCE_B }).statusCode).toBe(403);
  });

  test('snapshot', () => {
    const { stack } = setup();
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});
