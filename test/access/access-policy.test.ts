import { App, Stack } from 'aws-cdk-lib';
import { Match, Template, Annotations as AssertAnnotations } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AccessPolicy, ApiScope, Source } from '../../src';

function restApi(stack: Stack, id = 'Api', props: apigw.RestApiProps = {}): apigw.RestApi {
  const api = new apigw.RestApi(stack, id, props);
  api.root.addMethod('GET', new apigw.MockIntegration());
  return api;
}

function policyOf(stack: Stack): any {
  const apis = Template.fromStack(stack).findResources('AWS::ApiGateway::RestApi');
  return Object.values(apis)[0].Properties.Policy;
}

describe('AccessPolicy.applyTo', () => {
  test('an IP allow-list compiles to Deny unless aws:SourceIp plus Allow on a public API', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const api = restApi(stack);

    // WHEN
    new AccessPolicy({ allow: [Source.ipRanges(['203.0.113.0/25', '203.0.113.128/25', '198.51.100.7'])] }).applyTo(api);

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::RestApi', {
      Policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'execute-api:Invoke',
            Resource: 'execute-api:/*',
            Condition: { NotIpAddress: { 'aws:SourceIp': ['198.51.100.7/32', '203.0.113.0/24'] } },
          },
          { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
        ],
      },
    });
  });

  test('IP ranges compile to aws:VpcSourceIp on a PRIVATE API', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const api = restApi(stack, 'Api', { endpointTypes: [apigw.EndpointType.PRIVATE] });

    // WHEN
    new AccessPolicy({ allow: [Source.vpcEndpointIds(['vpce-0123456789abcdef0'])] })
      .allowOn(ApiScope.api(), Source.ipRanges(['10.0.0.0/16']))
      .applyTo(api);

    // THEN
    expect(policyOf(stack).Statement[0].Condition).toEqual({
      NotIpAddress: { 'aws:VpcSourceIp': '10.0.0.0/16' },
      StringNotEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' },
    });
  });

  test('two different policies give different Deployment logical ids', () => {
    // GIVEN
    const ids = ['10.0.0.0/8', '192.168.0.0/16'].map((cidr) => {
      const stack = new Stack(new App(), 'S');
      const api = restApi(stack);
      // WHEN
      new AccessPolicy({ allow: [Source.ipRanges([cidr])] }).applyTo(api);
      return Object.keys(Template.fromStack(stack).findResources('AWS::ApiGateway::Deployment'))[0];
    });
    // THEN
    expect(ids[0]).not.toEqual(ids[1]);
  });

  test('works with statements added by addToResourcePolicy', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const api = restApi(stack);
    api.addToResourcePolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*/DELETE/*'],
      }),
    );

    // WHEN
    new AccessPolicy({ allow: [Source.anyone()] }).applyTo(api);

    // THEN
    const st = policyOf(stack).Statement;
    expect(st).toHaveLength(2);
    expect(st[0].Resource).toBe('execute-api:/*/DELETE/*');
    expect(st[1]).toEqual({
      Effect: 'Allow',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: 'execute-api:/*',
    });
  });

  test('works with LambdaRestApi and SpecRestApi', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_20_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('x'),
    });
    const l = new apigw.LambdaRestApi(stack, 'L', { handler: fn });
    const s = new apigw.SpecRestApi(stack, 'Spec', {
      apiDefinition: apigw.ApiDefinition.fromInline({ openapi: '3.0.0', paths: {} }),
    });

    // WHEN
    new AccessPolicy({ allow: [Source.accounts(['111122223333'])] }).applyTo(l);
    new AccessPolicy({ allow: [Source.organization('o-a1b2c3d4e5')] }).applyTo(s);

    // THEN
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: 'L',
      Policy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Condition: { StringNotEquals: { 'aws:PrincipalAccount': '111122223333' } } }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: 'Spec',
      Policy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }),
        ]),
      },
    });
  });

  test('fails when the API is imported', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const api = apigw.RestApi.fromRestApiId(stack, 'Imported', 'abcdefghij');

    // THEN
    expect(() => new AccessPolicy({ allow: [Source.anyone()] }).applyTo(api)).toThrow(/S\/Imported.*'api'.*imported/);
  });

  test('fails when a CIDR is malformed, naming path, prop, value and form', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const api = restApi(stack);

    // THEN
    expect(() => new AccessPolicy({ allow: [Source.ipRanges(['10.0.0.0/8', '10.0.0.300/24'])] }).applyTo(api)).toThrow(
      /Source.ipRanges: 'cidrs\[1\]' is not a CIDR: got "10.0.0.300\/24"; expected an IPv4 or IPv6 CIDR/,
    );
  });

  test('warns when an allow is fully covered by a deny', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const api = restApi(stack);

    // WHEN
    new AccessPolicy({ allow: [Source.ipRanges(['10.1.0.0/16'])], deny: [Source.ipRanges(['10.0.0.0/8'])] }).applyTo(
      api,
    );

    // THEN
    AssertAnnotations.fromStack(stack).hasWarning(
      '/S/Api',
      Match.stringLikeRegexp('allow\\[0\\].*fully covered by deny\\[0\\]'),
    );
  });

  test('vpc endpoint constructs compile to their ids', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const vpce = vpc.addInterfaceEndpoint('E', { service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY });
    const api = restApi(stack, 'Api', { endpointTypes: [apigw.EndpointType.PRIVATE] });

    // WHEN
    new AccessPolicy({ allow: [Source.vpcEndpoints([vpce])] }).applyTo(api);

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::RestApi', {
      Policy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Condition: { StringNotEquals: { 'aws:SourceVpce': { Ref: Match.stringLikeRegexp('VpcE') } } },
          }),
        ]),
      },
    });
  });

  test('snapshot: a policy with every kind of rule', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Snap');
    const api = restApi(stack, 'Api', { endpointTypes: [apigw.EndpointType.PRIVATE] });

    // WHEN
    new AccessPolicy({
      allow: [Source.vpcEndpointIds(['vpce-0123456789abcdef0']), Source.vpcIds(['vpc-12345678'])],
      deny: [Source.ipRanges(['10.9.0.0/16'])],
    })
      .allowOn(ApiScope.methods(['GET'], '/public/*'), Source.anyone())
      .denyOn(ApiScope.of({ methods: ['DELETE'] }), Source.accounts(['111122223333']))
      .applyTo(api);

    // THEN
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });

  test('fails when the policy is over 8,192 characters, saying the size and what to merge', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const api = restApi(stack);
    const ips = Array.from({ length: 600 }, (_, i) => `10.${(i * 2) % 256}.${Math.floor(i / 128)}.${(i * 7) % 256}`);

    // WHEN
    new AccessPolicy({ allow: [Source.ipRanges(ips)] }).applyTo(api);

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(
      /S\/Api.*the resource policy is \d+ characters after shorthand expansion.*over the 8192-character quota; merge IP addresses into CIDR ranges/s,
    );
  });

  test('a stage added after applyTo is covered: its crafted-path requests are refused like the others', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const api = restApi(stack);
    new AccessPolicy().allowOn(ApiScope.methods(['GET'], '/public/*'), Source.anyone()).applyTo(api);

    // WHEN
    new apigw.Stage(stack, 'Beta', { deployment: api.latestDeployment!, stageName: 'beta' });

    // THEN
    const allow = policyOf(stack).Statement.find((s: any) => s.Effect === 'Allow');
    expect(allow.Resource).toEqual(['execute-api:/beta/GET/public/*', 'execute-api:/prod/GET/public/*']);
  });

  test('a scoped allow rule on an API with no stage admits nobody (never a stage it did not name)', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const api = restApi(stack, 'Api', { deploy: false });

    // WHEN
    new AccessPolicy().allowOn(ApiScope.methods(['GET']), Source.anyone()).applyTo(api);

    // THEN
    expect(policyOf(stack).Statement).toEqual([
      { Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
    ]);
  });

  test("narrowedBy: the union of both policies' statements admits only what both admit", () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const api = restApi(stack, 'Api', { endpointTypes: [apigw.EndpointType.PRIVATE] });
    const only = new AccessPolicy({ allow: [Source.vpcEndpointIds(['vpce-11111111'])] });
    const extra = new AccessPolicy({ allow: [Source.ipRanges(['10.0.0.0/8'])] });

    // WHEN
    only.narrowedBy(extra).applyTo(api);

    // THEN
    const st = Object.values(Template.fromStack(stack).findResources('AWS::ApiGateway::RestApi'))[0].Properties.Policy
      .Statement;
    expect(st.map((x: any) => x.Condition)).toEqual([
      { StringNotEquals: { 'aws:SourceVpce': 'vpce-11111111' } },
      { NotIpAddress: { 'aws:VpcSourceIp': '10.0.0.0/8' } },
      undefined,
    ]);
  });

  test('fails when allowOn is called on a narrowed policy', () => {
    const p = new AccessPolicy({ allow: [Source.anyone()] }).narrowedBy(new AccessPolicy({ allow: [Source.anyone()] }));
    expect(() => p.allowOn(ApiScope.api(), Source.anyone())).toThrow(
      /AccessPolicy.allowOn: 'allowOn' takes no further allow rules .*got "a policy made by narrowedBy\(\)"/,
    );
  });

  test('compile() gives an iam.PolicyDocument for a given endpoint type', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    // WHEN
    const doc = new AccessPolicy({ allow: [Source.ipRanges(['10.0.0.0/8'])] }).compile(stack, {
      privateEndpoint: true,
    });
    // THEN
    expect(stack.resolve(doc.toJSON()).Statement[0].Condition).toEqual({
      NotIpAddress: { 'aws:VpcSourceIp': '10.0.0.0/8' },
    });
  });

  test('output is deterministic: rule order does not change the policy', () => {
    // GIVEN
    const a = new AccessPolicy({ allow: [Source.accounts(['111122223333']), Source.ipRanges(['10.0.0.0/8'])] });
    const b = new AccessPolicy({ allow: [Source.ipRanges(['10.0.0.0/8']), Source.accounts(['111122223333'])] });
    const stack = new Stack(new App(), 'S');
    // THEN
    expect(stack.resolve(a.toJson(stack))).toEqual(stack.resolve(b.toJson(stack)));
  });

  test('fails when allow is an empty list', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const api = restApi(stack);
    // THEN
    expect(() => new AccessPolicy({ allow: [] }).applyTo(api)).toThrow(
      /AccessPolicy: 'allow' must not be empty: got \[\]; expected at least one Source, or leave it unset/,
    );
  });

  test('warns when no allow rule exists (the policy admits nobody)', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const api = restApi(stack);
    // WHEN
    new AccessPolicy({ deny: [Source.accounts(['111122223333'])] }).applyTo(api);
    // THEN
    AssertAnnotations.fromStack(stack).hasWarning('/S/Api', Match.stringLikeRegexp('no allow rule'));
  });

  test('ANY in a scope means every method', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    // WHEN
    const json = stack.resolve(
      new AccessPolicy().allowOn(ApiScope.of({ stages: ['prod'], methods: ['any'] }), Source.anyone()).toJson(stack),
    );
    // THEN
    expect(json.Statement[json.Statement.length - 1].Resource).toBe('execute-api:/prod/*');
  });
});
