import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { TieredApi, UsageMeter } from '../../../src';
import { unacknowledgedNagFindings } from '../../apis/nag';

function setup() {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  const api = new TieredApi(stack, 'Api', {
    tiers: [
      { name: 'free', throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 1000, period: apigw.Period.DAY } },
    ],
  });
  api.root.addResource('items').addMethod('GET', new apigw.MockIntegration());
  api.addKey('acme', { tier: 'free', customerId: 'acme' });
  return { app, stack, api };
}

describe('TieredApi.meter', () => {
  test('returns a UsageMeter over the API tiers, inside the API', () => {
    // GIVEN
    const { stack, api } = setup();

    // WHEN
    const meter = api.meter('Meter', { quotaWarningPercent: 75 });

    // THEN
    expect(meter).toBeInstanceOf(UsageMeter);
    expect(meter.node.path).toBe('Stack/Api/Meter');
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          WARNING_PERCENT: '75',
          PLANS: {
            'Fn::Join': [
              '',
              [
                '[{"tier":"free","usagePlanId":"',
                { Ref: stack.getLogicalId(api.plan('free').node.defaultChild as any) },
                '","quota":{"limit":1000,"period":"DAY"}}]',
              ],
            ],
          },
        }),
      },
    });
    const stage = Object.values(t.findResources('AWS::ApiGateway::Stage'))[0] as any;
    expect(JSON.parse(stage.Properties.AccessLogSetting.Format)).toMatchObject({
      apiKeyId: '$context.identity.apiKeyId',
      responseType: '$context.error.responseType',
    });
    t.resourceCountIs('AWS::CloudWatch::InsightRule', 3);
  });

  test('new UsageMeter(scope, id, { tiers: api.tiers }) works the same', () => {
    // GIVEN
    const { stack, api } = setup();

    // WHEN
    const meter = new UsageMeter(stack, 'Meter', { tiers: api.tiers });

    // THEN
    expect(meter.node.path).toBe('Stack/Meter');
    Template.fromStack(stack).resourceCountIs('AWS::Glue::Table', 1);
  });

  test('the API with its meter passes cdk-nag AwsSolutions with no unacknowledged finding', () => {
    // GIVEN
    const { stack, api } = setup();

    // WHEN
    api.meter('Meter');

    // THEN
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });
});
