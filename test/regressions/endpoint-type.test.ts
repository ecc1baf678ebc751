import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { AccessPolicy, RequestSimulator, Source } from '../../src';

const CIDR = '203.0.113.0/24';

function newStack(): Stack {
  return new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
}

function ipPolicy(): AccessPolicy {
  return new AccessPolicy({ allow: [Source.ipRanges([CIDR])] });
}

function policyText(stack: Stack): string {
  const apis = Template.fromStack(stack).findResources('AWS::ApiGateway::RestApi');
  return JSON.stringify(Object.values(apis)[0].Properties.Policy);
}

function ipKeys(stack: Stack): string[] {
  const text = policyText(stack);
  return ['aws:SourceIp', 'aws:VpcSourceIp'].filter((k) => text.includes(`"${k}"`));
}

function withMethod<T extends apigw.RestApiBase>(api: T): T {
  api.root.addMethod('GET', new apigw.MockIntegration());
  return api;
}

const SPEC = {
  openapi: '3.0.1',
  info: { title: 't', version: '1' },
  paths: {
    '/': {
      get: {
        'x-amazon-apigateway-integration': {
          type: 'mock',
          requestTemplates: { 'application/json': '{"statusCode":200}' },
        },
      },
    },
  },
};

describe('class 4: IP rules test the condition key of the endpoint type the API ends up with', () => {
  test('a public RestApi tests aws:SourceIp', () => {
    // GIVEN
    const stack = newStack();
    const api = withMethod(new apigw.RestApi(stack, 'Api'));

    // WHEN
    ipPolicy().applyTo(api);

    // THEN
    expect(ipKeys(stack)).toEqual(['aws:SourceIp']);
    const sim = RequestSimulator.fromStack(stack);
    expect(sim.invoke({ method: 'GET', path: '/', sourceIp: '203.0.113.9' }).statusCode).toBe(200);
    expect(sim.invoke({ method: 'GET', path: '/', sourceIp: '192.0.2.1' }).statusCode).toBe(403);
  });

  test('a PRIVATE RestApi tests aws:VpcSourceIp', () => {
    // GIVEN
    const stack = newStack();
    const api = withMethod(new apigw.RestApi(stack, 'Api', { endpointTypes: [apigw.EndpointType.PRIVATE] }));

    // WHEN
    ipPolicy().applyTo(api);

    // THEN
    expect(ipKeys(stack)).toEqual(['aws:VpcSourceIp']);
  });

  test('a SpecRestApi with parameters.endpointConfigurationTypes PRIVATE tests aws:VpcSourceIp', () => {
    // GIVEN
    const stack = newStack();
    const api = new apigw.SpecRestApi(stack, 'Api', {
      apiDefinition: apigw.ApiDefinition.fromInline(SPEC),
      parameters: { endpointConfigurationTypes: 'PRIVATE' },
    });

    // WHEN
    ipPolicy().applyTo(api);

    // THEN
    expect(ipKeys(stack)).toEqual(['aws:VpcSourceIp']);
  });

  test('an L1 change of endpointConfiguration to PRIVATE after applyTo tests aws:VpcSourceIp', () => {
    // GIVEN
    const stack = newStack();
    const api = withMethod(new apigw.RestApi(stack, 'Api'));
    ipPolicy().applyTo(api);

    // WHEN
    (api.node.defaultChild as apigw.CfnRestApi).endpointConfiguration = { types: ['PRIVATE'] };

    // THEN
    expect(ipKeys(stack)).toEqual(['aws:VpcSourceIp']);
  });

  test('a property override of EndpointConfiguration.Types to PRIVATE after applyTo tests aws:VpcSourceIp', () => {
    // GIVEN
    const stack = newStack();
    const api = withMethod(new apigw.RestApi(stack, 'Api'));
    ipPolicy().applyTo(api);

    // WHEN
    (api.node.defaultChild as apigw.CfnRestApi).addPropertyOverride('EndpointConfiguration.Types', ['PRIVATE']);

    // THEN
    expect(ipKeys(stack)).toEqual(['aws:VpcSourceIp']);
  });

  describe('an endpoint type given by a CfnParameter', () => {
    function tokenApi() {
      const stack = newStack();
      const type = new CfnParameter(stack, 'EndpointType', { type: 'String', default: 'PRIVATE' });
      const api = withMethod(new apigw.RestApi(stack, 'Api'));
      (api.node.defaultChild as apigw.CfnRestApi).endpointConfiguration = { types: [type.valueAsString] };
      ipPolicy().applyTo(api);
      return stack;
    }

    test('covers both condition keys', () => {
      expect(ipKeys(tokenApi())).toEqual(['aws:SourceIp', 'aws:VpcSourceIp']);
    });

    test('denies a caller outside the range on either key (fails closed)', () => {
      // GIVEN
      const stack = tokenApi();

      // THEN: each key appears in a Deny statement
      const apis = Template.fromStack(stack).findResources('AWS::ApiGateway::RestApi');
      const statements: any[] = Object.values(apis)[0].Properties.Policy.Statement;
      for (const key of ['aws:SourceIp', 'aws:VpcSourceIp']) {
        expect(
          statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition ?? {}).includes(`"${key}"`)),
        ).toBe(true);
      }

      // THEN: as PRIVATE (the default), an address behind the endpoint outside the range is refused
      const sim = RequestSimulator.fromStack(stack);
      expect(sim.invoke({ method: 'GET', path: '/', sourceIp: '192.0.2.1' }).statusCode).toBe(403);
    });

    test('a PUBLIC value of the parameter still refuses an address outside the range', () => {
      // GIVEN
      const stack = tokenApi();

      // WHEN
      const sim = RequestSimulator.fromStack(stack, { parameters: { EndpointType: 'REGIONAL' } });

      // THEN
      expect(sim.invoke({ method: 'GET', path: '/', sourceIp: '192.0.2.1' }).statusCode).toBe(403);
    });
  });
});
