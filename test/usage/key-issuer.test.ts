import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { TieredApi } from '../../src/apis';
import { KeyIssuer, UsageTiers } from '../../src/usage';
import { unacknowledgedNagFindings } from '../apis/nag';

function setup() {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  const api = new TieredApi(stack, 'Api', {
    tiers: [
      { name: 'free', throttle: { rateLimit: 5, burstLimit: 10 } },
      { name: 'premium', throttle: { rateLimit: 50, burstLimit: 100 } },
    ],
  });
  api.root.addMethod('GET', new apigw.MockIntegration());
  return { app, stack, api };
}

function planRef(stack: Stack, api: TieredApi, tier: string) {
  return { Ref: stack.getLogicalId(api.plan(tier).node.defaultChild as apigw.CfnUsagePlan) };
}

const ARN = (p: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:apigateway:us-east-1::${p}`]] });
const PLAN_ARN = (plan: object, suffix: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:us-east-1::/usageplans/', plan, suffix]],
});

describe('KeyIssuer', () => {
  test('a Node.js 22 function with the tier → plan map, its table and the key quota in its environment', () => {
    // GIVEN
    const { stack, api } = setup();
    api.addKey('acme', { tier: 'free' });

    // WHEN
    const issuer = new KeyIssuer(stack, 'Issuer', { tiers: api.tiers });

    // THEN
    const t = Template.fromStack(stack);
    const tableId = stack.getLogicalId(issuer.table.node.defaultChild as any);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Timeout: 60,
      Environment: {
        Variables: {
          TABLE_NAME: { Ref: tableId },
          TIER_PLANS: {
            'Fn::Join': [
              '',
              ['{"free":"', planRef(stack, api, 'free'), '","premium":"', planRef(stack, api, 'premium'), '"}'],
            ],
          },
          MAX_KEYS: '9999',
        },
      },
    });
    t.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [{ AttributeName: 'customerId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test("least privilege: keys, only its tiers' plans' keys, and its table (full statements)", () => {
    // GIVEN
    const { stack, api } = setup();

    // WHEN
    const issuer = new KeyIssuer(stack, 'Issuer', { tiers: api.tiers });

    // THEN
    const t = Template.fromStack(stack);
    const free = planRef(stack, api, 'free');
    const premium = planRef(stack, api, 'premium');
    const tableId = stack.getLogicalId(issuer.table.node.defaultChild as any);
    const policies = t.findResources('AWS::IAM::Policy');
    expect(Object.keys(policies)).toHaveLength(1);
    expect(Object.values<any>(policies)[0].Properties.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'apigateway:POST',
          Resource: [ARN('/apikeys'), PLAN_ARN(free, '/keys'), PLAN_ARN(premium, '/keys')],
        },
        { Sid: 'ListApiKeys', Effect: 'Allow', Action: 'apigateway:GET', Resource: ARN('/apikeys') },
        {
          Sid: 'ReadAndDisableApiKeys',
          Effect: 'Allow',
          Action: ['apigateway:GET', 'apigateway:PATCH'],
          Resource: ARN('/apikeys/*'),
        },
        {
          Sid: 'RemoveKeysFromTierPlans',
          Effect: 'Allow',
          Action: 'apigateway:DELETE',
          Resource: [PLAN_ARN(free, '/keys/*'), PLAN_ARN(premium, '/keys/*')],
        },
        {
          Sid: 'CustomerTable',
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
        },
      ],
    });
    t.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
          ],
        },
      ],
    });
  });

  test('grantInvoke lets a principal invoke the function, and nothing else', () => {
    // GIVEN
    const { stack, api } = setup();
    const issuer = new KeyIssuer(stack, 'Issuer', { tiers: api.tiers });
    const role = new iam.Role(stack, 'Signup', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // WHEN
    issuer.grantInvoke(role);

    // THEN
    const fnId = stack.getLogicalId(issuer.function.node.defaultChild as any);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as any) }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'lambda:InvokeFunction',
            Resource: [{ 'Fn::GetAtt': [fnId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [fnId, 'Arn'] }, ':*']] }],
          },
        ],
      },
    });
  });

  test('maxKeys and removalPolicy are honoured', () => {
    // GIVEN
    const { stack, api } = setup();

    // WHEN
    new KeyIssuer(stack, 'Issuer', { tiers: api.tiers, maxKeys: 500, removalPolicy: RemovalPolicy.DESTROY });

    // THEN
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MAX_KEYS: '500' }) },
    });
    t.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });

  test('a TieredApi that only issues keys at run time synthesizes (no key in the template needed)', () => {
    // GIVEN
    const { app, stack, api } = setup();

    // WHEN
    new KeyIssuer(stack, 'Issuer', { tiers: api.tiers });

    // THEN
    expect(() => app.synth()).not.toThrow();
    expect(api.tiers.vendsKeysAtRunTime).toBe(true);
  });

  test('cdk-nag: nothing unacknowledged on the issuer', () => {
    // GIVEN
    const { stack, api } = setup();
    api.addKey('acme', { tier: 'free' });

    // WHEN
    const issuer = new KeyIssuer(stack, 'Issuer', { tiers: api.tiers });

    // THEN
    expect(unacknowledgedNagFindings(issuer)).toEqual([]);
  });

  test('snapshot', () => {
    // GIVEN
    const { stack, api } = setup();
    api.addKey('acme', { tier: 'free' });

    // WHEN
    new KeyIssuer(stack, 'Issuer', { tiers: api.tiers });

    // THEN
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });

  test('fails when tiers are added after the issuer', () => {
    // GIVEN
    const { app, stack, api } = setup();
    api.addKey('acme', { tier: 'free' });
    new KeyIssuer(stack, 'Issuer', { tiers: api.tiers });

    // WHEN
    api.addTier({ name: 'gold' });

    // THEN
    expect(() => app.synth()).toThrow(
      "KeyIssuer 'Stack/Issuer': 'tiers' gained tiers after the KeyIssuer was created, so it cannot issue keys into them: got [\"gold\"]",
    );
  });

  test.each([
    [undefined, "'props' is not an object: got undefined"],
    [{}, "'tiers' is not a UsageTiers: got undefined"],
    [{ tiers: 'free' }, `'tiers' is not a UsageTiers: got "free"`],
  ])('fails when props are %j', (props, message) => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');

    // WHEN / THEN
    expect(() => new KeyIssuer(stack, 'Issuer', props as any)).toThrow(`KeyIssuer 'Stack/Issuer': ${message}`);
  });

  test('fails when the tiers have no tier yet', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const tiers = new UsageTiers(stack, 'Tiers');

    // WHEN / THEN
    expect(() => new KeyIssuer(stack, 'Issuer', { tiers })).toThrow(`KeyIssuer 'Stack/Issuer': 'tiers' has no tiers`);
  });

  test.each([0, 10_001, 2.5, '10'])('fails when maxKeys is %p', (maxKeys) => {
    // GIVEN
    const { stack, api } = setup();

    // WHEN / THEN
    expect(() => new KeyIssuer(stack, 'Issuer', { tiers: api.tiers, maxKeys: maxKeys as any })).toThrow(
      `KeyIssuer 'Stack/Issuer': 'maxKeys' is out of range: got ${JSON.stringify(maxKeys)}; expected an integer from 1 to 10000`,
    );
  });

  test('fails when grantInvoke gets something that is not grantable', () => {
    // GIVEN
    const { stack, api } = setup();
    const issuer = new KeyIssuer(stack, 'Issuer', { tiers: api.tiers });

    // WHEN / THEN
    expect(() => issuer.grantInvoke(null as any)).toThrow(
      `KeyIssuer 'Stack/Issuer': 'grantee' is not grantable: got null`,
    );
  });
});
