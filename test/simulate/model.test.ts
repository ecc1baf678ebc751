import { miniTemplate } from './helpers';
import { Resolver, isUnresolved, placeholderId } from '../../src/simulate/intrinsics';
import { buildModel } from '../../src/simulate/model';

const CTX = {
  account: '111122223333',
  region: 'eu-west-1',
  partition: 'aws',
  stackName: 'S',
  parameters: { Given: 'g' },
};

function resolver(template: any = {}) {
  return new Resolver(
    {
      Parameters: {
        WithDefault: { Type: 'String', Default: 'd' },
        NoDefault: { Type: 'String' },
        Given: { Type: 'String' },
        List: { Type: 'CommaDelimitedList', Default: '10.20.30.40, 1.0.0.0/16' },
        Env: { Type: 'String', Default: 'prod' },
      },
      Conditions: {
        IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
        NotProd: { 'Fn::Not': [{ Condition: 'IsProd' }] },
        Either: { 'Fn::Or': [{ Condition: 'NotProd' }, { Condition: 'IsProd' }] },
        Unknown: { 'Fn::Equals': [{ Ref: 'NoDefault' }, 'x'] },
      },
      Mappings: { M: { a: { b: 'mapped' } } },
      Resources: { Api: { Type: 'AWS::ApiGateway::RestApi' }, Vpce: { Type: 'AWS::EC2::VPCEndpoint' } },
      ...template,
    },
    CTX,
  );
}

describe('intrinsics', () => {
  test.each<[string, any, any]>([
    ['Ref to a parameter default', { Ref: 'WithDefault' }, 'd'],
    ['Ref to a given parameter', { Ref: 'Given' }, 'g'],
    ['CommaDelimitedList is split and trimmed', { Ref: 'List' }, ['10.20.30.40', '1.0.0.0/16']],
    [
      'pseudo parameters',
      { 'Fn::Join': [':', [{ Ref: 'AWS::AccountId' }, { Ref: 'AWS::Region' }, { Ref: 'AWS::Partition' }]] },
      '111122223333:eu-west-1:aws',
    ],
    [
      'Fn::Sub with pseudo parameters and literal ${!x}',
      { 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}:${!Literal}' },
      'arn:aws:x:eu-west-1:${Literal}',
    ],
    ['Fn::Sub with a variable map', { 'Fn::Sub': ['execute-api:/${S}/GET/', { S: 'Prod' }] }, 'execute-api:/Prod/GET/'],
    ['Fn::Select of Fn::Split', { 'Fn::Select': [0, { 'Fn::Split': ['.', 'vpce-0abc.execute-api'] }] }, 'vpce-0abc'],
    ['Fn::If on a condition', { 'Fn::If': ['IsProd', 'yes', 'no'] }, 'yes'],
    ['Fn::If with AWS::NoValue drops the item', [{ 'Fn::If': ['NotProd', 'x', { Ref: 'AWS::NoValue' }] }, 'y'], ['y']],
    ['Fn::FindInMap', { 'Fn::FindInMap': ['M', 'a', 'b'] }, 'mapped'],
    ['Ref to a RestApi gives its placeholder id', { Ref: 'Api' }, placeholderId('Api', 'AWS::ApiGateway::RestApi')],
    [
      'GetAtt RestApi.RootResourceId',
      { 'Fn::GetAtt': ['Api', 'RootResourceId'] },
      `root-${placeholderId('Api', 'AWS::ApiGateway::RestApi')}`,
    ],
    ['Fn::ToJsonString', { 'Fn::ToJsonString': { a: { Ref: 'WithDefault' } } }, '{"a":"d"}'],
  ])('%s', (_name, input, expected) => {
    expect(resolver().resolve(input)).toEqual(expected);
  });

  test('placeholders look like the ids AWS generates', () => {
    expect(placeholderId('Api', 'AWS::ApiGateway::RestApi')).toMatch(/^[a-z0-9]{10}$/);
    expect(placeholderId('Vpce', 'AWS::EC2::VPCEndpoint')).toMatch(/^vpce-[0-9a-f]{17}$/);
    expect(placeholderId('Vpc', 'AWS::EC2::VPC')).toMatch(/^vpc-[0-9a-f]{17}$/);
  });

  test.each<[string, any, RegExp]>([
    ['a parameter without default', { Ref: 'NoDefault' }, /NoDefault has no default.*--parameter NoDefault=VALUE/],
    ['a SAM-only reference', { Ref: 'MyApi.Stage' }, /SAM-only/],
    ['an import', { 'Fn::ImportValue': 'x' }, /another stack/],
    ['a null Fn::Sub variable', { 'Fn::Sub': ['${S}', { S: null }] }, /null/],
    ['a condition on an unresolved parameter', { 'Fn::If': ['Unknown', 'a', 'b'] }, /NoDefault/],
    ['an include transform', { 'Fn::Transform': { Name: 'AWS::Include' } }, /Include/],
  ])('%s stays unresolved with a reason', (_name, input, why) => {
    const r = resolver().resolve(input);
    expect(isUnresolved(r)).toBe(true);
    expect(r.why).toMatch(why);
  });

  test('conditions combine with And/Or/Not', () => {
    const r = resolver();
    expect(r.condition('IsProd')).toBe(true);
    expect(r.condition('NotProd')).toBe(false);
    expect(r.condition('Either')).toBe(true);
  });
});

describe('buildModel', () => {
  test('reads methods, paths, stages, auth and keys from plain CloudFormation', () => {
    // GIVEN
    const t = miniTemplate({
      methods: [
        { path: '/', method: 'GET' },
        { path: '/pets/{id}', method: 'DELETE', auth: 'AWS_IAM', apiKeyRequired: true },
      ],
      apiProps: {
        ApiKeySourceType: 'AUTHORIZER',
        EndpointConfiguration: { Types: ['PRIVATE'], VpcEndpointIds: ['vpce-1'] },
      },
    });
    // WHEN
    const m = buildModel(t);
    // THEN
    const api = m.apis[0];
    expect(api).toMatchObject({
      logicalId: 'Api',
      endpointType: 'PRIVATE',
      vpcEndpointIds: ['vpce-1'],
      apiKeySource: 'AUTHORIZER',
    });
    expect(api.methods.map((x) => [x.httpMethod, x.path, x.authorizationType, x.apiKeyRequired])).toEqual([
      ['GET', '/', 'NONE', false],
      ['DELETE', '/pets/{id}', 'AWS_IAM', true],
    ]);
    expect(api.stages.map((s) => s.name)).toEqual(['prod']);
  });

  test('reads the policy, methods and key source from an OpenAPI body', () => {
    // GIVEN
    const t = {
      Resources: {
        Api: {
          Type: 'AWS::ApiGateway::RestApi',
          Properties: {
            Body: {
              swagger: '2.0',
              basePath: '/Prod',
              'x-amazon-apigateway-api-key-source': 'HEADER',
              'x-amazon-apigateway-policy': {
                Statement: [
                  { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
                ],
              },
              paths: {
                '/a/': {
                  get: { security: [{ sigv4: [] }] },
                  'x-amazon-apigateway-any-method': { security: [{ Pool: [] }, { api_key: [] }] },
                },
                '/b': { post: {} },
              },
              securityDefinitions: {
                sigv4: {
                  type: 'apiKey',
                  name: 'Authorization',
                  in: 'header',
                  'x-amazon-apigateway-authtype': 'awsSigv4',
                },
                Pool: {
                  type: 'apiKey',
                  name: 'Authorization',
                  in: 'header',
                  'x-amazon-apigateway-authtype': 'cognito_user_pools',
                  'x-amazon-apigateway-authorizer': { type: 'cognito_user_pools' },
                },
                api_key: { type: 'apiKey', name: 'x-api-key', in: 'header' },
              },
            },
          },
        },
        D: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: 'Api' }, StageName: 'Prod' } },
      },
    };
    // WHEN
    const m = buildModel(t);
    // THEN
    const api = m.apis[0];
    expect(api.policySource).toBe('Body');
    expect(api.policy!.statements).toHaveLength(1);
    expect(api.methods.map((x) => [x.httpMethod, x.path, x.authorizationType, x.apiKeyRequired])).toEqual([
      ['GET', '/a', 'AWS_IAM', false],
      ['ANY', '/a', 'COGNITO_USER_POOLS', true],
      ['POST', '/b', 'NONE', false],
    ]);
    expect(api.notes.join('\n')).toMatch(/basePath \/Prod is ignored/);
  });

  test('reads plans, quotas, per-method throttles and keys; a missing burst is [U]', () => {
    // GIVEN
    const t = miniTemplate({
      extra: {
        Plan: {
          Type: 'AWS::ApiGateway::UsagePlan',
          Properties: {
            UsagePlanName: 'free',
            ApiStages: [
              { ApiId: { Ref: 'Api' }, Stage: 'prod', Throttle: { '/items/GET': { RateLimit: 1, BurstLimit: 2 } } },
            ],
            Throttle: { RateLimit: 5 },
            Quota: { Limit: 100, Period: 'WEEK' },
          },
        },
        Key: { Type: 'AWS::ApiGateway::ApiKey', Properties: { Enabled: 'True', Value: 'k' } },
        Off: { Type: 'AWS::ApiGateway::ApiKey', Properties: {} },
        PK: {
          Type: 'AWS::ApiGateway::UsagePlanKey',
          Properties: { KeyId: { Ref: 'Key' }, UsagePlanId: { Ref: 'Plan' }, KeyType: 'API_KEY' },
        },
      },
    });
    // WHEN
    const m = buildModel(t);
    // THEN
    expect(m.plans[0]).toMatchObject({
      name: 'free',
      quota: { limit: 100, period: 'WEEK', offset: 0 },
      throttle: { rateLimit: 5, burstLimit: 5 },
      apiStages: [
        { apiLogicalId: 'Api', stage: 'prod', methodThrottles: { '/items/GET': { rateLimit: 1, burstLimit: 2 } } },
      ],
    });
    expect(m.plans[0].throttle!.notes[0]).toMatch(/no BurstLimit.*\[U\]/);
    expect(m.keys.map((k) => [k.logicalId, k.value, k.enabled, k.planIds])).toEqual([
      ['Key', 'k', true, ['Plan']],
      ['Off', undefined, false, []], // CloudFormation's default for Enabled is false
    ]);
  });

  test('resources whose Condition is false are left out', () => {
    const t = miniTemplate();
    t.Conditions = { No: { 'Fn::Equals': ['a', 'b'] } };
    t.Resources.Api.Condition = 'No';
    expect(buildModel(t).apis).toEqual([]);
  });

  test('fails when Resources is not an object', () => {
    expect(() => buildModel({ Resources: [] })).toThrow(/Resources must be an object/);
  });
});
