import { App, CfnParameter, CfnResource, Fn, SecretValue, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { TierProps, UsageTiers } from '../../src/usage';

const FREE: TierProps = {
  name: 'free',
  throttle: { rateLimit: 5, burstLimit: 10 },
  quota: { limit: 1000, period: apigw.Period.DAY },
};
const PREMIUM: TierProps = {
  name: 'premium',
  description: 'paying customers',
  throttle: { rateLimit: 500, burstLimit: 1000 },
  quota: { limit: 1_000_000, period: apigw.Period.MONTH },
  methodThrottles: [{ method: 'POST', path: '/orders', rateLimit: 50, burstLimit: 100 }],
};

function setup(opts: { keyRequired?: boolean } = {}) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  const api = new apigw.RestApi(stack, 'Api', {
    defaultMethodOptions: { apiKeyRequired: opts.keyRequired ?? true },
  });
  api.root.addMethod('GET', new apigw.MockIntegration());
  api.root.addResource('orders').addMethod('POST', new apigw.MockIntegration());
  return { app, stack, api };
}

function logicalId(stack: Stack, c: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(c.node.defaultChild as any);
}

describe('UsageTiers', () => {
  test('creates one usage plan per tier, bound to the stage, ordered after it', () => {
    // GIVEN
    const { stack, api } = setup();

    // WHEN
    const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE, PREMIUM] });

    // THEN
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ApiGateway::UsagePlan', 2);
    const stageId = logicalId(stack, api.deploymentStage);
    t.hasResource('AWS::ApiGateway::UsagePlan', {
      Properties: {
        UsagePlanName: 'free',
        Throttle: { RateLimit: 5, BurstLimit: 10 },
        Quota: { Limit: 1000, Period: 'DAY' },
        ApiStages: [{ ApiId: { Ref: logicalId(stack, api) }, Stage: { Ref: stageId } }],
      },
      // ordered after the stage by the Ref; no DependsOn to repeat it
      DependsOn: Match.absent(),
    });
    t.hasResource('AWS::ApiGateway::UsagePlan', {
      Properties: {
        UsagePlanName: 'premium',
        Description: 'paying customers',
        Quota: { Limit: 1_000_000, Period: 'MONTH' },
        ApiStages: [
          {
            ApiId: { Ref: logicalId(stack, api) },
            Stage: { Ref: stageId },
            Throttle: { '/orders/POST': { RateLimit: 50, BurstLimit: 100 } },
          },
        ],
      },
      DependsOn: Match.absent(),
    });
    expect(tiers.tierNames).toEqual(['free', 'premium']);
    expect(tiers.plan('premium')).toBeInstanceOf(apigw.UsagePlan);
  });

  test('a stage added later and tiers declared before the methods exist still bind (order never matters)', () => {
    // GIVEN: tiers first, no stage, no methods
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const tiers = new UsageTiers(stack, 'Tiers');
    tiers.addTier({ ...PREMIUM, methodThrottles: [{ method: 'get', path: '/', rateLimit: 1, burstLimit: 2 }] });
    tiers.addKey('acme', { tier: 'premium' });

    // WHEN: API, stage and method come afterwards
    const api = new apigw.RestApi(stack, 'Api', { defaultMethodOptions: { apiKeyRequired: true } });
    tiers.addStage(api.deploymentStage);
    tiers.addStage(api.deploymentStage); // no effect the second time
    api.root.addMethod('GET', new apigw.MockIntegration());
    tiers.addTier(FREE);

    // THEN
    const t = Template.fromStack(stack);
    const stageId = logicalId(stack, api.deploymentStage);
    t.hasResource('AWS::ApiGateway::UsagePlan', {
      Properties: {
        UsagePlanName: 'premium',
        ApiStages: [
          Match.objectLike({ Stage: { Ref: stageId }, Throttle: { '//GET': { RateLimit: 1, BurstLimit: 2 } } }),
        ],
      },
      DependsOn: Match.absent(),
    });
    t.hasResource('AWS::ApiGateway::UsagePlan', {
      Properties: { UsagePlanName: 'free', ApiStages: [Match.objectLike({ Stage: { Ref: stageId } })] },
      DependsOn: Match.absent(),
    });
  });

  test('composes inside a RestApi subclass that declares tiers before its methods (as TieredApi will)', () => {
    // GIVEN
    class KeyedApi extends apigw.RestApi {
      public readonly tiers: UsageTiers;
      constructor(scope: Stack, id: string, tiers: TierProps[]) {
        super(scope, id, { defaultMethodOptions: { apiKeyRequired: true } });
        this.tiers = new UsageTiers(this, 'Tiers', { tiers });
        this.tiers.addStage(this.deploymentStage);
      }
    }
    const app = new App();
    const stack = new Stack(app, 'Stack');

    // WHEN
    const api = new KeyedApi(stack, 'Api', [PREMIUM]);
    api.root.addResource('orders').addMethod('POST', new apigw.MockIntegration());
    api.tiers.addKey('acme', { tier: 'premium' });

    // THEN
    const t = Template.fromStack(stack);
    t.hasResource('AWS::ApiGateway::UsagePlan', {
      Properties: {
        ApiStages: [
          Match.objectLike({
            Stage: { Ref: logicalId(stack, api.deploymentStage) },
            Throttle: { '/orders/POST': { RateLimit: 50, BurstLimit: 100 } },
          }),
        ],
      },
      DependsOn: Match.absent(),
    });
    t.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 1);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('binds every tier to stages of several APIs', () => {
    // GIVEN
    const { stack, api } = setup();
    const other = new apigw.RestApi(stack, 'Other', { deployOptions: { stageName: 'v1' } });
    other.root.addMethod('GET', new apigw.MockIntegration(), { apiKeyRequired: true });
    const extra = new apigw.Stage(stack, 'Beta', {
      deployment: new apigw.Deployment(stack, 'BetaDeployment', { api }),
      stageName: 'beta',
    });

    // WHEN
    new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage, other.deploymentStage, extra], tiers: [FREE] });

    // THEN
    Template.fromStack(stack).hasResource('AWS::ApiGateway::UsagePlan', {
      Properties: {
        ApiStages: [
          Match.objectLike({ ApiId: { Ref: logicalId(stack, api) } }),
          Match.objectLike({
            ApiId: { Ref: logicalId(stack, other) },
            Stage: { Ref: logicalId(stack, other.deploymentStage) },
          }),
          Match.objectLike({ Stage: { Ref: logicalId(stack, extra) } }),
        ],
      },
      // each stage is named by its Ref, which orders the plan after it
      DependsOn: Match.absent(),
    });
  });

  test("a stage imported by name waits for the app's stage of that name", () => {
    // GIVEN
    const { stack, api } = setup();
    const imported = apigw.Stage.fromStageAttributes(stack, 'Imported', { stageName: 'prod', restApi: api });

    // WHEN
    new UsageTiers(stack, 'Tiers', { stages: [imported], tiers: [FREE] });

    // THEN
    Template.fromStack(stack).hasResource('AWS::ApiGateway::UsagePlan', {
      Properties: { ApiStages: [{ ApiId: { Ref: logicalId(stack, api) }, Stage: 'prod', Throttle: {} }] },
      DependsOn: [logicalId(stack, api.deploymentStage)],
    });
  });

  test('a stage created implicitly by a deployment waits for that deployment', () => {
    // GIVEN: an API whose stage 'v2' exists only as the deployment's StageName
    const { stack, api } = setup();
    (api.latestDeployment!.node.defaultChild as apigw.CfnDeployment).stageName = 'v2';
    const implicit = apigw.Stage.fromStageAttributes(stack, 'Implicit', { stageName: 'v2', restApi: api });

    // WHEN
    new UsageTiers(stack, 'Tiers', { stages: [implicit], tiers: [FREE] });

    // THEN
    Template.fromStack(stack).hasResource('AWS::ApiGateway::UsagePlan', {
      Properties: { ApiStages: [Match.objectLike({ Stage: 'v2' })] },
      DependsOn: [Match.stringLikeRegexp('^ApiDeployment')],
    });
  });

  test('creates keys with generated, literal and secret values and binds each to its tier', () => {
    // GIVEN
    const { stack, api } = setup();
    const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE, PREMIUM] });

    // WHEN
    const acme = tiers.addKey('acme', { tier: 'premium', customerId: 'c-1', description: 'Acme Corp' });
    const bob = tiers.addKey('bob', { tier: 'free', value: 'abcdefghij0123456789' });
    const sec = tiers.addKey('carol', {
      tier: 'free',
      secretValue: SecretValue.secretsManager('keys/carol'),
      enabled: false,
    });

    // THEN
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ApiGateway::ApiKey', 3);
    t.hasResourceProperties('AWS::ApiGateway::ApiKey', {
      Enabled: true,
      CustomerId: 'c-1',
      Description: 'Acme Corp',
      Value: Match.absent(),
      Name: Match.absent(),
    });
    t.hasResourceProperties('AWS::ApiGateway::ApiKey', { Enabled: true, Value: 'abcdefghij0123456789' });
    t.hasResourceProperties('AWS::ApiGateway::ApiKey', {
      Enabled: false,
      Value: '{{resolve:secretsmanager:keys/carol:SecretString:::}}',
    });
    t.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 3);
    const plan = (n: string) => ({ Ref: logicalId(stack, tiers.plan(n)) });
    t.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
      KeyId: { Ref: logicalId(stack, acme) },
      KeyType: 'API_KEY',
      UsagePlanId: plan('premium'),
    });
    t.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
      KeyId: { Ref: logicalId(stack, bob) },
      UsagePlanId: plan('free'),
    });
    t.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
      KeyId: { Ref: logicalId(stack, sec) },
      UsagePlanId: plan('free'),
    });
  });

  test('imports an existing key by id into a tier', () => {
    // GIVEN
    const { stack, api } = setup();
    const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE] });

    // WHEN
    const key = tiers.importKey('legacy', 'a1b2c3d4e5', { tier: 'free' });

    // THEN
    expect(key.keyId).toBe('a1b2c3d4e5');
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    t.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
      KeyId: 'a1b2c3d4e5',
      UsagePlanId: { Ref: logicalId(stack, tiers.plan('free')) },
    });
  });

  test("a key's logical id depends on its id alone; moving tiers changes only the UsagePlanKey", () => {
    // GIVEN two versions of one app: acme moves from free to premium, another key and the tier order change
    function version(tierOfAcme: string, order: TierProps[], others: string[]) {
      const { stack, api } = setup();
      const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: order });
      for (const o of others) tiers.addKey(o, { tier: 'free' });
      tiers.addKey('acme', { tier: tierOfAcme });
      const t = Template.fromStack(stack).toJSON();
      const ids = (type: string) =>
        Object.keys(t.Resources)
          .filter((k) => t.Resources[k].Type === type)
          .sort();
      return { keys: ids('AWS::ApiGateway::ApiKey'), bindings: ids('AWS::ApiGateway::UsagePlanKey') };
    }

    // WHEN
    const v1 = version('free', [FREE, PREMIUM], ['a', 'b']);
    const v2 = version('premium', [PREMIUM, FREE], ['b']);

    // THEN
    expect(v1.keys).toContain('TiersKeyacmeFFF2874D');
    expect(v2.keys).toContain('TiersKeyacmeFFF2874D');
    expect(v2.keys.filter((k) => k.startsWith('TiersKeyb'))).toEqual(v1.keys.filter((k) => k.startsWith('TiersKeyb')));
    const acmeBinding = (ids: string[]) => ids.filter((k) => k.startsWith('TiersKeyacme'));
    expect(acmeBinding(v1.bindings)).toHaveLength(1);
    expect(acmeBinding(v2.bindings)).toHaveLength(1);
    expect(acmeBinding(v1.bindings)).not.toEqual(acmeBinding(v2.bindings));
  });

  test('grantKeyManagement grants POST on /apikeys and on the chosen plan keys only', () => {
    // GIVEN
    const { stack, api } = setup();
    const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE, PREMIUM] });
    const role = new iam.Role(stack, 'Signup', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // WHEN
    tiers.grantKeyManagement(role, 'free');

    // THEN
    const arn = (path: unknown[]) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...path]] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'apigateway:POST',
            Resource: [
              arn([':apigateway:us-east-1::/apikeys']),
              arn([':apigateway:us-east-1::/usageplans/', { Ref: logicalId(stack, tiers.plan('free')) }, '/keys']),
            ],
          },
        ],
      },
    });
  });

  test('grantKeyManagement without a tier covers every tier, including tiers added later', () => {
    // GIVEN
    const { stack, api } = setup();
    const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE] });
    const role = new iam.Role(stack, 'Signup', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // WHEN
    tiers.grantKeyManagement(role);
    tiers.addTier(PREMIUM);

    // THEN
    const doc = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(doc).toContain(logicalId(stack, tiers.plan('free')));
    expect(doc).toContain(logicalId(stack, tiers.plan('premium')));
    expect(doc).toContain('/apikeys');
    expect(doc).not.toContain('"apigateway:GET"');
    expect(doc).not.toContain('apigateway:*');
  });

  test('matches the snapshot', () => {
    // GIVEN
    const { stack, api } = setup();
    const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE, PREMIUM] });

    // WHEN
    tiers.addKey('acme', { tier: 'premium' });
    tiers.addKey('bob', { tier: 'free', secretValue: SecretValue.secretsManager('keys/bob') });
    tiers.importKey('legacy', 'a1b2c3d4e5', { tier: 'free' });

    // THEN
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});

describe('UsageTiers warnings', () => {
  test('warns when every method of the bound API sets apiKeyRequired: false', () => {
    // GIVEN
    const { stack, api } = setup({ keyRequired: false });

    // WHEN
    new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE] });

    // THEN
    Annotations.fromStack(stack).hasWarning(
      '/Stack/Tiers',
      Match.stringLikeRegexp('every method of API .* sets apiKeyRequired: false.*usageNoKeyRequired'),
    );
  });

  test('warns when a stage with key-required methods is bound to no tier', () => {
    // GIVEN
    const { stack, api } = setup();
    const beta = new apigw.Stage(stack, 'Beta', {
      deployment: new apigw.Deployment(stack, 'D', { api }),
      stageName: 'beta',
    });

    // WHEN
    new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE] });

    // THEN
    Annotations.fromStack(stack).hasWarning(
      `/${beta.node.path}`,
      Match.stringLikeRegexp('no UsageTiers binds it.*usageStageNotCovered'),
    );
  });

  test('warns when the tiers have no stage', () => {
    // GIVEN
    const { stack } = setup();

    // WHEN
    new UsageTiers(stack, 'Tiers', { tiers: [FREE] });

    // THEN
    Annotations.fromStack(stack).hasWarning('/Stack/Tiers', Match.stringLikeRegexp('bound to no stage.*usageNoStage'));
  });

  test('warns on a non-zero quota offset (its meaning is unverified)', () => {
    // GIVEN
    const { stack, api } = setup();

    // WHEN
    new UsageTiers(stack, 'Tiers', {
      stages: [api.deploymentStage],
      tiers: [{ ...FREE, quota: { limit: 100, period: apigw.Period.WEEK, offset: 2 } }],
    });

    // THEN
    Annotations.fromStack(stack).hasWarning(
      '/Stack/Tiers/free',
      Match.stringLikeRegexp('\'tiers\\["free"\\].quota.offset\' is not verified.*usageQuotaOffset'),
    );
  });

  test('warns on a key value that is not alphanumeric, without printing it', () => {
    // GIVEN
    const { stack, api } = setup();
    const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE] });

    // WHEN
    tiers.addKey('acme', { tier: 'free', value: 'abc-def-ghi-jkl-mno-pqr' });

    // THEN
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('usageKeyValueCharacters'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings)).not.toContain('abc-def');
    expect(JSON.stringify(warnings)).toContain('<redacted: 23 characters>');
  });

  test('warns when the app defines more than 300 usage plans', () => {
    // GIVEN
    const { stack, api } = setup();
    const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage] });

    // WHEN
    for (let i = 0; i < 301; i++) tiers.addTier({ name: `t${i}` });

    // THEN
    Annotations.fromStack(stack).hasWarning('/Stack/Tiers', Match.stringLikeRegexp('301 usage plans.*usagePlanQuota'));
  });
});

describe('UsageTiers bad input', () => {
  function tiersOf(...t: TierProps[]) {
    const { stack, api } = setup();
    return new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: t });
  }
  const PATH = "UsageTiers 'Stack/Tiers'";

  test.each([
    [
      'a negative rate',
      { ...FREE, throttle: { rateLimit: -1, burstLimit: 10 } },
      `'tiers["free"].throttle.rateLimit' is out of range: got -1; expected a number of requests per second ≥ 0`,
    ],
    [
      'a fractional burst',
      { ...FREE, throttle: { rateLimit: 1, burstLimit: 2.5 } },
      `'tiers["free"].throttle.burstLimit' is out of range: got 2.5; expected an integer number of requests ≥ 0`,
    ],
    [
      'a zero quota',
      { ...FREE, quota: { limit: 0, period: apigw.Period.DAY } },
      `'tiers["free"].quota.limit' is out of range: got 0; expected an integer number of requests > 0`,
    ],
    [
      'a bad period',
      { ...FREE, quota: { limit: 1, period: 'YEAR' as apigw.Period } },
      `'tiers["free"].quota.period' is invalid: got "YEAR"; expected Period.DAY, Period.WEEK or Period.MONTH`,
    ],
    [
      'a negative offset',
      { ...FREE, quota: { limit: 1, period: apigw.Period.DAY, offset: -1 } },
      `'tiers["free"].quota.offset' is out of range: got -1; expected an integer ≥ 0`,
    ],
    [
      'a method throttle without a plan throttle',
      { name: 'x', methodThrottles: [{ method: 'GET', path: '/', rateLimit: 1, burstLimit: 1 }] },
      `'tiers["x"].methodThrottles' needs a plan throttle: got [{"method":"GET","path":"/","rateLimit":1,"burstLimit":1}]; expected a 'throttle' on the same tier`,
    ],
    [
      'a bad method verb',
      { ...PREMIUM, methodThrottles: [{ method: 'FETCH', path: '/', rateLimit: 1, burstLimit: 1 }] },
      `'tiers["premium"].methodThrottles[0].method' is not an HTTP method: got "FETCH"; expected GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS, ANY`,
    ],
    [
      'a bad method path',
      { ...PREMIUM, methodThrottles: [{ method: 'GET', path: 'orders/', rateLimit: 1, burstLimit: 1 }] },
      `'tiers["premium"].methodThrottles[0].path' is not a resource path: got "orders/"; expected a literal path such as '/'`,
    ],
    [
      'a bad method burst',
      { ...PREMIUM, methodThrottles: [{ method: 'GET', path: '/', rateLimit: 1, burstLimit: -1 }] },
      `'tiers["premium"].methodThrottles[0].burstLimit' is out of range: got -1`,
    ],
    [
      'a duplicate method throttle',
      {
        ...PREMIUM,
        methodThrottles: [
          { method: 'GET', path: '/', rateLimit: 1, burstLimit: 1 },
          { method: 'get', path: '/', rateLimit: 2, burstLimit: 2 },
        ],
      },
      `'tiers["premium"].methodThrottles[1]' is a duplicate: got {"method":"get","path":"/"}; expected one throttle per method and path`,
    ],
    [
      'a tier name with a slash',
      { name: 'a/b' },
      `'tiers["a/b"].name' is not a valid name: got "a/b"; expected a literal of 1 to 64 letters, digits`,
    ],
  ])('fails when a tier has %s', (_title, tier, message) => {
    expect(() => tiersOf(tier as TierProps)).toThrow(`${PATH}: ${message}`);
  });

  test('fails when two tiers have the same name', () => {
    expect(() => tiersOf(FREE, { name: 'free' })).toThrow(
      `${PATH}: 'tiers["free"].name' is a duplicate tier name: got "free"; expected a name not yet used by this UsageTiers (used: free)`,
    );
  });

  test('fails when a key names an unknown tier', () => {
    const tiers = tiersOf(FREE);
    expect(() => tiers.addKey('acme', { tier: 'gold' })).toThrow(
      `${PATH}: 'keys["acme"].tier' is not a tier of this UsageTiers: got "gold"; expected one of "free"`,
    );
  });

  test('fails when plan() names an unknown tier', () => {
    expect(() => tiersOf(FREE).plan('gold')).toThrow(
      `${PATH}: 'name' is not a tier of this UsageTiers: got "gold"; expected one of "free"`,
    );
  });

  test('fails when grantKeyManagement names an unknown tier', () => {
    const tiers = tiersOf(FREE);
    const role = new iam.Role(tiers, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() => tiers.grantKeyManagement(role, 'gold')).toThrow(
      `${PATH}: 'tier' is not a tier of this UsageTiers: got "gold"`,
    );
  });

  test('fails when two keys have the same id', () => {
    const tiers = tiersOf(FREE);
    tiers.addKey('acme', { tier: 'free' });
    expect(() => tiers.importKey('acme', 'abc', { tier: 'free' })).toThrow(
      `${PATH}: 'id' is a duplicate key id: got "acme"; expected an id not yet used by a key of this UsageTiers`,
    );
  });

  test('fails when a key id is not a valid name', () => {
    expect(() => tiersOf(FREE).addKey('a@b', { tier: 'free' })).toThrow(
      `${PATH}: 'id' is not a valid name: got "a@b"; expected a literal of 1 to 64`,
    );
  });

  test('fails when two keys have the same literal value, without printing it', () => {
    const tiers = tiersOf(FREE);
    tiers.addKey('a', { tier: 'free', value: 'abcdefghij0123456789' });
    const err = (() => {
      try {
        tiers.addKey('b', { tier: 'free', value: 'abcdefghij0123456789' });
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(err).toContain(`${PATH}: 'keys["b"].value' is a duplicate key value`);
    expect(err).toContain('got "<redacted: the same value as key \'a\'>"; expected a value no other key has');
    expect(err).not.toContain('abcdefghij');
  });

  test('fails when a key value is too short, without printing it', () => {
    expect(() => tiersOf(FREE).addKey('a', { tier: 'free', value: 'short' })).toThrow(
      `${PATH}: 'keys["a"].value' has the wrong length: got "<redacted: 5 characters>"; expected 20 to 128 characters`,
    );
  });

  test('fails when both value and secretValue are given', () => {
    expect(() =>
      tiersOf(FREE).addKey('a', {
        tier: 'free',
        value: 'abcdefghij0123456789',
        secretValue: SecretValue.secretsManager('x'),
      }),
    ).toThrow(
      `${PATH}: 'keys["a"].secretValue' is given together with 'value': got "<a SecretValue>"; expected at most one of 'value'`,
    );
  });

  test('fails when an imported key id is malformed', () => {
    expect(() => tiersOf(FREE).importKey('a', 'not an id!', { tier: 'free' })).toThrow(
      `${PATH}: 'keys["a"].apiKeyId' is not an API key id: got "not an id!"; expected the key's API Gateway id`,
    );
  });

  test('fails when a method throttle names a method the API does not have', () => {
    // GIVEN
    const { app, stack, api } = setup();
    new UsageTiers(stack, 'Tiers', {
      stages: [api.deploymentStage],
      tiers: [{ ...PREMIUM, methodThrottles: [{ method: 'DELETE', path: '/orders', rateLimit: 1, burstLimit: 1 }] }],
    });

    // THEN
    expect(() => app.synth()).toThrow(
      `${PATH}: 'tiers["premium"].methodThrottles' names a method that does not exist on API 'Stack/Api': got {"method":"DELETE","path":"/orders"}; expected one of its methods: GET /, POST /orders`,
    );
  });

  test('fails when a method throttle is bound to an API not built in this app', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const api = apigw.RestApi.fromRestApiId(stack, 'Ext', 'abc123');
    const stage = apigw.Stage.fromStageAttributes(stack, 'ExtStage', { stageName: 'prod', restApi: api });
    new UsageTiers(stack, 'Tiers', { stages: [stage], tiers: [PREMIUM] });

    // THEN
    expect(() => app.synth()).toThrow(
      `${PATH}: 'tiers["premium"].methodThrottles' need the stage's API to be a RestApi built in this app (its methods are looked up by method and path): got "Stack/Ext"`,
    );
  });

  test('fails when one existing key is imported into two tiers on the same stage', () => {
    // GIVEN
    const { app, stack, api } = setup();
    const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE, PREMIUM] });
    tiers.importKey('a', 'abc123', { tier: 'free' });
    tiers.importKey('b', 'abc123', { tier: 'premium' });

    // THEN
    expect(() => app.synth()).toThrow(
      `${PATH}: 'keys["b"]' puts one key into two usage plans ('free' and 'premium') bound to the same stage 'Stack/Api/DeploymentStage.prod': got "the same API key as 'Stack/Tiers' key 'a'"; expected each key in at most one tier per stage`,
    );
  });

  test('fails when a stage is not a stage', () => {
    expect(() => tiersOf(FREE).addStage({} as apigw.IStage)).toThrow(
      `${PATH}: 'stages' is not a stage: got {}; expected an apigw.IStage`,
    );
  });
});

describe('UsageTiers with tokens and app-wide quotas', () => {
  test('accepts tokens for limits, values and key ids and renders them unchanged', () => {
    // GIVEN
    const { stack, api } = setup();
    const rate = new CfnParameter(stack, 'Rate', { type: 'Number' });
    const value = new CfnParameter(stack, 'Value', { noEcho: true });
    const tiers = new UsageTiers(stack, 'Tiers', {
      stages: [api.deploymentStage],
      tiers: [
        {
          name: 'free',
          throttle: { rateLimit: rate.valueAsNumber, burstLimit: 10 },
          quota: { limit: rate.valueAsNumber, period: apigw.Period.DAY },
        },
      ],
    });

    // WHEN
    tiers.addKey('a', { tier: 'free', value: value.valueAsString });
    tiers.importKey('b', Fn.importValue('LegacyKeyId'), { tier: 'free' });

    // THEN
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: { Ref: 'Rate' } },
      Quota: { Limit: { Ref: 'Rate' } },
    });
    t.hasResourceProperties('AWS::ApiGateway::ApiKey', { Value: { Ref: 'Value' } });
    t.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', { KeyId: { 'Fn::ImportValue': 'LegacyKeyId' } });
  });

  test('warns when one existing key is in more than 10 usage plans', () => {
    // GIVEN: 11 UsageTiers on 11 different stages, each importing the same key
    const { stack, api } = setup();
    for (let i = 0; i < 11; i++) {
      const stage = apigw.Stage.fromStageAttributes(stack, `S${i}`, { stageName: `s${i}`, restApi: api });
      new UsageTiers(stack, `Tiers${i}`, { stages: [stage], tiers: [{ name: 'free' }] }).importKey('shared', 'abc123', {
        tier: 'free',
      });
    }

    // THEN
    Annotations.fromStack(stack).hasWarning(
      '/Stack/Tiers0',
      Match.stringLikeRegexp("key 'shared' is in 11 usage plans.*usagePlansPerKey"),
    );
  });

  test('fails when the app defines more than 10,000 API keys', () => {
    // GIVEN
    const { app, stack, api } = setup();
    new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE] });
    const other = new Stack(app, 'Keys');
    for (let i = 0; i <= 10_000; i++) new CfnResource(other, `K${i}`, { type: 'AWS::ApiGateway::ApiKey' });

    // THEN
    expect(() => app.synth()).toThrow(
      "UsageTiers 'Stack/Tiers': the app defines 10001 API keys; API Gateway allows at most 10000 per account and region (not adjustable)",
    );
  });
});
