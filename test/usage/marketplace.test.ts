import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { UsageTiers } from '../../src';
import { unacknowledgedNagFindings } from '../apis/nag';

function setup() {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  return { app, stack };
}

describe('TierProps.marketplaceProductCode', () => {
  test('a custom resource sets the plan product code with UpdateUsagePlan, allowed only PATCH on that plan', () => {
    // GIVEN
    const { stack } = setup();

    // WHEN
    const tiers = new UsageTiers(stack, 'Tiers', {
      tiers: [{ name: 'paid', marketplaceProductCode: 'abc123productcode' }, { name: 'free' }],
    });

    // THEN
    const t = Template.fromStack(stack);
    const plan = { Ref: stack.getLogicalId(tiers.plan('paid').node.defaultChild as any) };
    t.resourceCountIs('Custom::AWS', 1);
    const cr = Object.values(t.findResources('Custom::AWS'))[0] as any;
    const create = JSON.stringify(cr.Properties.Create);
    expect(create).toContain('\\"service\\":\\"APIGateway\\",\\"action\\":\\"updateUsagePlan\\"');
    expect(create).toContain(
      '\\"patchOperations\\":[{\\"op\\":\\"replace\\",\\"path\\":\\"/productCode\\",\\"value\\":\\"abc123productcode\\"}]',
    );
    expect(JSON.stringify(cr.Properties.Delete)).toContain('\\"op\\":\\"remove\\",\\"path\\":\\"/productCode\\"');
    expect(cr.Properties.InstallLatestAwsSdk).toBe(false);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'apigateway:PATCH',
            Effect: 'Allow',
            Resource: {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:us-east-1::/usageplans/', plan]],
            },
          },
        ],
      },
    });
  });

  test('the metering role API Gateway assumes, once per account, with the two Marketplace actions', () => {
    // GIVEN
    const { app, stack } = setup();
    const other = new Stack(app, 'Other', { env: { account: '123456789012', region: 'eu-west-1' } });

    // WHEN
    new UsageTiers(stack, 'Tiers', {
      tiers: [
        { name: 'a', marketplaceProductCode: 'code-a' },
        { name: 'b', marketplaceProductCode: 'code-b' },
      ],
    });
    new UsageTiers(other, 'Tiers', { tiers: [{ name: 'c', marketplaceProductCode: 'code-c' }] });

    // THEN
    const t = Template.fromStack(stack);
    t.resourceCountIs('Custom::AWS', 2);
    const roles = t.findResources('AWS::IAM::Role', { Properties: { RoleName: 'ApiGatewayMarketplaceMeteringRole' } });
    expect(Object.keys(roles)).toHaveLength(1);
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'ApiGatewayMarketplaceMeteringRole',
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } }],
      },
      Policies: [
        {
          PolicyName: 'Metering',
          PolicyDocument: {
            Statement: [
              {
                Action: ['aws-marketplace:BatchMeterUsage', 'aws-marketplace:ResolveCustomer'],
                Effect: 'Allow',
                Resource: '*',
              },
            ],
          },
        },
      ],
    });
    Template.fromStack(other).resourceCountIs('AWS::IAM::Role', 1); // only the custom resource provider's
    Template.fromStack(other).hasResourceProperties('AWS::IAM::Role', { RoleName: Match.absent() });
  });

  test('no product code, no custom resource and no metering role', () => {
    // GIVEN
    const { stack } = setup();

    // WHEN
    new UsageTiers(stack, 'Tiers', { tiers: [{ name: 'free' }] });

    // THEN
    Template.fromStack(stack).resourceCountIs('Custom::AWS', 0);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 0);
  });

  test('passes cdk-nag AwsSolutions with no unacknowledged finding', () => {
    // GIVEN
    const { stack } = setup();

    // WHEN
    new UsageTiers(stack, 'Tiers', { tiers: [{ name: 'paid', marketplaceProductCode: 'code' }] });

    // THEN
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });

  test.each([[''], ['has space'], [42], [null]])('fails when marketplaceProductCode is %p', (code) => {
    // GIVEN
    const { stack } = setup();

    // WHEN / THEN
    expect(
      () => new UsageTiers(stack, 'Tiers', { tiers: [{ name: 'paid', marketplaceProductCode: code as any }] }),
    ).toThrow(
      /UsageTiers 'Stack\/Tiers': 'tiers\["paid"\]\.marketplaceProductCode' is not a product code: got .*; expected the product code AWS Marketplace gave/,
    );
  });
});
