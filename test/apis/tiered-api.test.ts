import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { unacknowledgedNagFindings } from './nag';
import { AccessPolicy, RequestSimulator, Source, TieredApi } from '../../src';

const FREE = {
  name: 'free',
  throttle: { rateLimit: 5, burstLimit: 10 },
  quota: { limit: 1000, period: apigw.Period.DAY },
};
const PREMIUM = { name: 'premium', throttle: { rateLimit: 500, burstLimit: 1000 } };

function setup() {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  const api = new TieredApi(stack, 'Api', { tiers: [FREE, PREMIUM] });
  const items = api.root.addResource('items');
  items.addMethod('GET', new apigw.MockIntegration());
  items.addMethod('OPTIONS', new apigw.MockIntegration(), { apiKeyRequired: false });
  api.addKey('alice', { tier: 'free' });
  api.addKey('acme', { tier: 'premium' });
  return { app, stack, api };
}

describe('TieredApi', () => {
  test('requires an API key on every method unless the method opts out', () => {
    // GIVEN / WHEN
    const { stack } = setup();

    // THEN
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', ApiKeyRequired: true });
    t.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'OPTIONS', ApiKeyRequired: false });
  });

  test('one usage plan per tier bound to the deployment stage, one key in each', () => {
    // GIVEN / WHEN
    const { stack, api } = setup();

    // THEN
    const t = Template.fromStack(stack);
    const stageId = stack.getLogicalId(api.deploymentStage.node.defaultChild as apigw.CfnStage);
    t.resourceCountIs('AWS::ApiGateway::UsagePlan', 2);
    t.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      UsagePlanName: 'free',
      Throttle: { RateLimit: 5, BurstLimit: 10 },
      Quota: { Limit: 1000, Period: 'DAY' },
      ApiStages: [
        { ApiId: { Ref: stack.getLogicalId(api.node.defaultChild as apigw.CfnRestApi) }, Stage: { Ref: stageId } },
      ],
    });
    t.resourceCountIs('AWS::ApiGateway::ApiKey', 2);
    t.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 2);
    expect(api.plan('premium')).toBeInstanceOf(apigw.UsagePlan);
    expect(api.tiers.keyIds).toEqual(['alice', 'acme']);
  });

  test('sets a stage throttle, access logging, execution logging and a request validator by default', () => {
    // GIVEN / WHEN
    const { stack } = setup();

    // THEN
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          ThrottlingRateLimit: TieredApi.DEFAULT_STAGE_RATE_LIMIT,
          ThrottlingBurstLimit: TieredApi.DEFAULT_STAGE_BURST_LIMIT,
        }),
      ],
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    t.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    t.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', RequestValidatorId: Match.anyValue() });
    t.resourceCountIs('AWS::ApiGateway::Account', 1);
  });

  test('every default yields to the RestApiProps the user sets', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack');

    // WHEN
    const api = new TieredApi(stack, 'Api', {
      tiers: [FREE],
      apiKeySourceType: apigw.ApiKeySourceType.AUTHORIZER,
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'v1',
        throttlingRateLimit: 50,
        throttlingBurstLimit: 25,
        loggingLevel: apigw.MethodLoggingLevel.INFO,
      },
      defaultMethodOptions: { apiKeyRequired: false },
    });
    api.root.addMethod('GET', new apigw.MockIntegration());
    api.addKey('k', { tier: 'free' });

    // THEN
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
    t.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 25, LoggingLevel: 'INFO' })],
    });
    t.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', ApiKeyRequired: false });
    t.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  test('passes cdk-nag AwsSolutions with no unacknowledged finding', () => {
    // GIVEN
    const { stack } = setup();

    // WHEN
    const findings = unacknowledgedNagFindings(stack);

    // THEN
    expect(findings).toEqual([]);
  });

  test('tiers and keys can be added after construction', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const api = new TieredApi(stack, 'Api');
    api.root.addMethod('GET', new apigw.MockIntegration());

    // WHEN
    api.addTier(FREE);
    api.addKey('late', { tier: 'free' });

    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::ApiGateway::UsagePlanKey', 1);
  });

  test('keys vended at run time satisfy the key check', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const api = new TieredApi(stack, 'Api', { tiers: [FREE] });
    api.root.addMethod('GET', new apigw.MockIntegration());
    const fn = new lambda.Function(stack, 'Signup', {
      runtime: lambda.Runtime.NODEJS_20_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });

    // WHEN
    api.grantKeyManagement(fn, 'free');

    // THEN
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('fails when no tier is given', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const api = new TieredApi(stack, 'Api');
    api.root.addMethod('GET', new apigw.MockIntegration());

    // WHEN / THEN
    expect(() => Template.fromStack(stack)).toThrow(
      /TieredApi 'Stack\/Api': 'tiers' must not be empty: got \[\]; expected at least one tier/,
    );
  });

  test('fails when the tiers have no key', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const api = new TieredApi(stack, 'Api', { tiers: [FREE] });
    api.root.addMethod('GET', new apigw.MockIntegration());

    // WHEN / THEN
    expect(() => Template.fromStack(stack)).toThrow(
      /TieredApi 'Stack\/Api': 'keys' has tiers \(free\) but no API key.*got \[\]; expected at least one key: addKey/,
    );
  });

  test('fails when deploy is false', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    expect(() => new TieredApi(stack, 'Api', { deploy: false })).toThrow(
      /TieredApi 'Stack\/Api': 'deploy' is invalid: got false; expected true \(or unset\)/,
    );
  });

  describe('what a request gets (simulator)', () => {
    function sim() {
      const { stack, api } = setup();
      const keyRef = (id: string) =>
        stack.getLogicalId(api.tiers.node.findChild(`Key:${id}`).node.defaultChild as apigw.CfnApiKey);
      return { s: RequestSimulator.fromStack(stack), free: keyRef('alice'), premium: keyRef('acme') };
    }

    test('no key gets 403 Forbidden from the API-key check', () => {
      const r = sim().s.invoke({ method: 'GET', path: '/items' });
      expect([r.statusCode, r.decidedBy, r.message]).toEqual([403, 'api-key', 'Forbidden']);
    });

    test('an unknown key gets 403', () => {
      expect(sim().s.invoke({ method: 'GET', path: '/items', apiKey: 'x'.repeat(30) }).statusCode).toBe(403);
    });

    test('a free key past its burst gets 429; premium on the same method still 200', () => {
      const { s, free, premium } = sim();
      const codes = Array.from(
        { length: 12 },
        () => s.invoke({ method: 'GET', path: '/items', apiKeyRef: free, at: 0 }).statusCode,
      );
      expect(codes.filter((c) => c === 200)).toHaveLength(10);
      const throttled = s.invoke({ method: 'GET', path: '/items', apiKeyRef: free, at: 0 });
      expect([throttled.statusCode, throttled.decidedBy]).toEqual([429, 'throttle']);
      expect(s.invoke({ method: 'GET', path: '/items', apiKeyRef: premium, at: 0 }).statusCode).toBe(200);
    });

    test('an accessPolicy decides before the key: other sources get 403 from the resource policy', () => {
      // GIVEN
      const app = new App();
      const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
      const api = new TieredApi(stack, 'Api', {
        tiers: [FREE],
        accessPolicy: new AccessPolicy({ allow: [Source.ipRanges(['198.51.100.0/24'])] }),
      });
      api.root.addResource('items').addMethod('GET', new apigw.MockIntegration());
      api.addKey('alice', { tier: 'free', value: 'alicealicealicealice01' });
      const s = RequestSimulator.fromStack(stack);

      // WHEN
      const inside = s.invoke({
        method: 'GET',
        path: '/items',
        sourceIp: '198.51.100.7',
        apiKey: 'alicealicealicealice01',
      });
      const outside = s.invoke({
        method: 'GET',
        path: '/items',
        sourceIp: '203.0.113.7',
        apiKey: 'alicealicealicealice01',
      });

      // THEN
      expect(inside.statusCode).toBe(200);
      expect([outside.statusCode, outside.decidedBy]).toEqual([403, 'resource-policy']);
      Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::RestApi', {
        Policy: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { NotIpAddress: { 'aws:SourceIp': '198.51.100.0/24' } } }),
          ]),
        }),
      });
    });

    test('a method that opts out needs no key', () => {
      expect(sim().s.invoke({ method: 'OPTIONS', path: '/items' }).statusCode).toBe(200);
    });
  });

  test('snapshot', () => {
    const { stack } = setup();
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});
