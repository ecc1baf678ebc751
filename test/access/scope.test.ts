import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { AccessPolicy, ApiScope, Source } from '../../src';

function setup() {
  const stack = new Stack(new App(), 'S');
  const api = new apigw.RestApi(stack, 'Api');
  api.root.addMethod('GET', new apigw.MockIntegration());
  return { stack, api };
}

function statements(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::ApiGateway::RestApi'))[0].Properties.Policy
    .Statement;
}

describe('ApiScope', () => {
  test('api() is execute-api:/*', () => {
    // GIVEN
    const { stack, api } = setup();
    // WHEN
    new AccessPolicy().allowOn(ApiScope.api(), Source.anyone()).applyTo(api);
    // THEN
    expect(statements(stack)).toEqual([
      { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
    ]);
  });

  test('stages() is execute-api:/<stage>/*', () => {
    // GIVEN
    const { stack, api } = setup();
    // WHEN
    new AccessPolicy().allowOn(ApiScope.stages(['prod', 'beta']), Source.anyone()).applyTo(api);
    // THEN
    const st = statements(stack);
    expect(st[st.length - 1]).toEqual({
      Effect: 'Allow',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: ['execute-api:/beta/*', 'execute-api:/prod/*'],
    });
  });

  test('methods() with a path enumerates the API stages (a * stage could match a crafted path)', () => {
    // GIVEN
    const { stack, api } = setup();
    // WHEN
    new AccessPolicy().allowOn(ApiScope.methods(['GET'], '/public/*'), Source.anyone()).applyTo(api);
    // THEN
    const st = statements(stack);
    expect(st[st.length - 1].Resource).toBe('execute-api:/prod/GET/public/*');
  });

  test('paths() enumerates the methods (a * method could match a crafted path)', () => {
    // GIVEN
    const { stack, api } = setup();
    // WHEN
    new AccessPolicy().allowOn(ApiScope.of({ stages: ['prod'], paths: ['/items'] }), Source.anyone()).applyTo(api);
    // THEN
    const st = statements(stack);
    expect(st[st.length - 1].Resource).toEqual(
      ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'].map((m) => `execute-api:/prod/${m}/items`),
    );
  });

  test('root() is the root resource only: execute-api:/<stage>/<method>/', () => {
    // GIVEN
    const { stack, api } = setup();
    // WHEN
    new AccessPolicy()
      .allowOn(ApiScope.of({ stages: ['prod'], methods: ['GET'], paths: ['/'] }), Source.anyone())
      .applyTo(api);
    // THEN
    const st = statements(stack);
    expect(st[st.length - 1].Resource).toBe('execute-api:/prod/GET/');
    // and ApiScope.root() covers every method there
    expect(ApiScope.root().toString()).toBe('paths=[/]');
  });

  test('requests outside every allow scope are denied for every caller (same-account IAM included)', () => {
    // GIVEN
    const { stack, api } = setup();
    // WHEN
    new AccessPolicy().allowOn(ApiScope.stages(['prod']), Source.anyone()).applyTo(api);
    // THEN: unconditional Deny on everything but the allowed scope
    expect(statements(stack)[0]).toEqual({
      Effect: 'Deny',
      Principal: '*',
      Action: 'execute-api:Invoke',
      NotResource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':execute-api:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':??????????/prod/*',
          ],
        ],
      },
    });
  });

  test('overlapping scopes (GET everywhere vs anything on /public/*) get one Deny per covering set', () => {
    // GIVEN
    const { stack, api } = setup();
    // WHEN
    new AccessPolicy()
      .allowOn(ApiScope.of({ stages: ['prod'], methods: ['GET'] }), Source.ipRanges(['10.0.0.0/8']))
      .allowOn(ApiScope.of({ stages: ['prod'], paths: ['/public/*'] }), Source.anyone())
      .applyTo(api);
    // THEN
    const st = statements(stack);
    const deny = st.filter((s) => s.Effect === 'Deny');
    // S = {} : outside both scopes → unconditional; S = {GET} : NotIpAddress outside /public/*; S = both: anyone → none
    expect(deny).toHaveLength(2);
    expect(deny.find((s) => !s.Condition)).toBeDefined();
    expect(deny.find((s) => s.Condition)?.Condition).toEqual({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } });
  });

  test.each<[string, () => ApiScope, string]>([
    ['stages is empty', () => ApiScope.stages([]), "ApiScope.stages: 'stages' must not be empty"],
    [
      'a stage name is invalid',
      () => ApiScope.stages(['pr od']),
      'ApiScope.stages: \'stages[0]\' is invalid: got "pr od"; expected a stage name',
    ],
    [
      'a method is invalid',
      () => ApiScope.methods(['FETCH']),
      'ApiScope.methods: \'methods[0]\' is invalid: got "FETCH"; expected one of GET',
    ],
    [
      'a path does not start with /',
      () => ApiScope.paths(['items']),
      'ApiScope.paths: \'paths[0]\' is invalid: got "items"; expected a path starting with "/"',
    ],
    [
      'a path has a {parameter}',
      () => ApiScope.paths(['/items/{id}']),
      'path parameters such as {id} are written as *',
    ],
    ['a method path is invalid', () => ApiScope.methods(['GET'], 'items'), "ApiScope.methods: 'path[0]' is invalid"],
  ])('fails when %s, at the call', (_t, make, message) => {
    expect(make).toThrow(message);
  });

  // Class: `undefined` must never mean "the whole API" (a missing config key would remove a restriction).
  test.each<[string, () => ApiScope, string]>([
    ['paths(undefined)', () => ApiScope.paths(undefined as any), "ApiScope.paths: 'paths' is undefined"],
    ['stages(undefined)', () => ApiScope.stages(undefined as any), "ApiScope.stages: 'stages' is undefined"],
    [
      'methods(undefined, path)',
      () => ApiScope.methods(undefined as any, '/x'),
      "ApiScope.methods: 'methods' is undefined",
    ],
    ['paths(null)', () => ApiScope.paths(null as any), "ApiScope.paths: 'paths' is not a list: got null"],
    ['paths("/x")', () => ApiScope.paths('/x' as any), "ApiScope.paths: 'paths' is not a list"],
    ['paths([undefined])', () => ApiScope.paths([undefined as any]), "ApiScope.paths: 'paths[0]' is not a string"],
    [
      'of({ paths: undefined })',
      () => ApiScope.of({ paths: undefined }),
      "ApiScope.of: 'props' names no stages, methods or paths",
    ],
    ['of(undefined)', () => ApiScope.of(undefined as any), "ApiScope.of: 'props' is not an object"],
    ['of({ stages: "prod" })', () => ApiScope.of({ stages: 'prod' as any }), "ApiScope.of: 'stages' is not a list"],
  ])('fails when a scope is %s: an error naming the prop, never the whole API', (_t, make, message) => {
    let err: unknown;
    try {
      make();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(TypeError);
    expect((err as Error).message).toContain(message);
  });

  test('fails when allowOn gets no source', () => {
    const { api } = setup();
    const policy = new AccessPolicy();
    policy.applyTo(api);
    expect(() => policy.allowOn(ApiScope.api())).toThrow(
      /RestApi 'S\/Api' AccessPolicy.allowOn: 'sources' must not be empty: got \[\]; expected at least one Source/,
    );
  });
});
