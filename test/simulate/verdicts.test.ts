/**
 * The verdict classes of issue #11: each class with the variants that pin it down
 * (docs/SEMANTICS.md names the AWS page behind each).
 */
import { ALLOW_ALL, miniTemplate, policy } from './helpers';
import {
  AuthorizerDecision,
  DecidedBy,
  IdentityPolicy,
  RequestSimulator,
  SimulationInputError,
} from '../../src/simulate';
import { buildModel } from '../../src/simulate/model';
import { arnPrefixOf, policyLength, rawPolicy } from '../../src/simulate/policy-shape';
import { MAX_REPEAT } from '../../src/simulate/request-checks';

const VPCE = 'vpce-0123456789abcdef0';

describe('1. a PRIVATE API answers only through a VPC endpoint', () => {
  test.each([
    ['an open policy', policy(ALLOW_ALL)],
    ['no policy at all', undefined],
    ['a policy allowing 8.8.8.8', policy({ ...ALLOW_ALL, Condition: { IpAddress: { 'aws:SourceIp': '8.8.8.0/24' } } })],
  ])('fails when a request from outside every endpoint meets %s: 403 resource-policy', (_name, pol) => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(miniTemplate({ endpointType: 'PRIVATE', policy: pol }));
    // WHEN
    const r = sim.invoke({ method: 'GET', path: '/items', sourceIp: '8.8.8.8' });
    // THEN
    expect(r).toMatchObject({ statusCode: 403, decidedBy: DecidedBy.RESOURCE_POLICY, message: 'Forbidden' });
    expect(r.reasons.join('\n')).toMatch(/reachable only through an interface VPC endpoint/);
  });

  test('the endpoint check comes before the route, and a SigV4 caller does not change it', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(
      miniTemplate({
        endpointType: 'PRIVATE',
        policy: policy(ALLOW_ALL),
        methods: [{ path: '/items', method: 'GET', auth: 'AWS_IAM' }],
      }),
    );
    // WHEN
    const unknown = sim.invoke({ method: 'GET', path: '/nowhere' });
    const signed = sim.invoke({ method: 'GET', path: '/items', caller: { account: '123456789012' } });
    const inside = sim.invoke({
      method: 'GET',
      path: '/items',
      vpcEndpointId: VPCE,
      caller: { account: '123456789012' },
    });
    // THEN
    expect(unknown).toMatchObject({ statusCode: 403, decidedBy: 'resource-policy' });
    expect(signed).toMatchObject({ statusCode: 403, decidedBy: 'resource-policy' });
    expect(inside).toMatchObject({ statusCode: 200, decidedBy: 'ok' });
  });
});

describe('2. a role session is its role for aws:PrincipalArn', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/Reader';
  const SESSION = 'arn:aws:sts::123456789012:assumed-role/Reader/alice';
  const iamTemplate = (statements: any[]) =>
    miniTemplate({ policy: policy(...statements), methods: [{ path: '/items', method: 'GET', auth: 'AWS_IAM' }] });

  test('fails when a role denied by aws:PrincipalArn calls as its session', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(
      iamTemplate([
        ALLOW_ALL,
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'execute-api:Invoke',
          Resource: 'execute-api:/*',
          Condition: { ArnEquals: { 'aws:PrincipalArn': ROLE } },
        },
      ]),
    );
    // WHEN
    const r = sim.invoke({ method: 'GET', path: '/items', caller: { account: '123456789012', arn: SESSION } });
    // THEN
    expect(r).toMatchObject({ statusCode: 403, decidedBy: 'resource-policy' });
    expect(r.message.startsWith(`User: ${SESSION} is not authorized to perform: execute-api:Invoke`)).toBe(true);
    expect(r.message).toMatch(/with an explicit deny$/);
  });

  test('an Allow on the role ARN admits its session; a session of another role is not admitted', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(
      iamTemplate([{ ...ALLOW_ALL, Condition: { StringEquals: { 'aws:PrincipalArn': ROLE } } }]),
    );
    const as = (arn: string) =>
      sim.invoke({
        method: 'GET',
        path: '/items',
        caller: { account: '123456789012', arn, identityPolicy: IdentityPolicy.NONE },
      });
    // THEN
    expect(as(SESSION).statusCode).toBe(200);
    expect(as('arn:aws:sts::123456789012:assumed-role/Writer/alice').statusCode).toBe(403);
  });

  test('aws:username is an IAM user name; a role session has none (a positive condition on it is false)', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(
      iamTemplate([{ ...ALLOW_ALL, Condition: { StringEquals: { 'aws:username': 'alice' } } }]),
    );
    const as = (arn: string) =>
      sim.invoke({
        method: 'GET',
        path: '/items',
        caller: { account: '123456789012', arn, identityPolicy: IdentityPolicy.NONE },
      });
    // THEN
    expect(as('arn:aws:iam::123456789012:user/team/alice').statusCode).toBe(200);
    expect(as(SESSION).statusCode).toBe(403);
  });
});

describe('3. quotas API Gateway enforces on requests and policies', () => {
  const longPath = '/items/' + 'a'.repeat(1600);

  test('fails when the method ARN is over 1,600 bytes on an API with a policy: 414 from route', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(
      miniTemplate({ policy: policy(ALLOW_ALL), methods: [{ path: '/items/{id}', method: 'GET' }] }),
    );
    // WHEN
    const r = sim.invoke({ method: 'GET', path: longPath });
    const short = sim.invoke({ method: 'GET', path: '/items/a' });
    // THEN
    expect(r).toMatchObject({ statusCode: 414, decidedBy: 'route' });
    expect(r.reasons.join('\n')).toMatch(/over API Gateway's limit of 1600 bytes/);
    expect(short.statusCode).toBe(200);
  });

  test('multi-byte characters count as bytes', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(
      miniTemplate({ policy: policy(ALLOW_ALL), methods: [{ path: '/items/{id}', method: 'GET' }] }),
    );
    // WHEN: 600 characters, 1,800 bytes
    const r = sim.invoke({ method: 'GET', path: '/items/' + '€'.repeat(600) });
    // THEN
    expect(r.statusCode).toBe(414);
  });

  test('a method with neither authorization nor a policy is not held to the ARN limit', () => {
    const sim = RequestSimulator.fromTemplate(miniTemplate({ methods: [{ path: '/items/{id}', method: 'GET' }] }));
    expect(sim.invoke({ method: 'GET', path: longPath }).statusCode).toBe(200);
  });

  test('fails when the policy is over 8,192 characters: nothing is admitted (length counted as policy-shape.ts counts it)', () => {
    // GIVEN: 120 IP-range statements
    const statements = Array.from({ length: 120 }, (_, i) => ({
      ...ALLOW_ALL,
      Sid: `AllowRange${i}`,
      Condition: { IpAddress: { 'aws:SourceIp': `10.${i}.0.0/16` } },
    }));
    const template = miniTemplate({ policy: policy(...statements) });
    const sim = RequestSimulator.fromTemplate(template);
    // WHEN
    const r = sim.invoke({ method: 'GET', path: '/items', sourceIp: '10.1.2.3' });
    // THEN
    const model = buildModel(template);
    expect(policyLength(rawPolicy(model, model.apis[0]), arnPrefixOf(model, model.apis[0]))).toBeGreaterThan(8192);
    expect(r).toMatchObject({ statusCode: 403, decidedBy: 'resource-policy' });
    expect(r.reasons.join('\n')).toMatch(/over API Gateway's quota of 8192/);
  });

  test('the length counts the policy with execute-api:/ expanded, as API Gateway does', () => {
    // GIVEN: one statement per stage pattern, shorthand resources
    const statements = Array.from({ length: 100 }, (_, i) => ({ ...ALLOW_ALL, Resource: `execute-api:/s${i}/GET/*` }));
    const template = miniTemplate({ policy: policy(...statements) });
    const raw = JSON.stringify(template.Resources.Api.Properties.Policy).length;
    // THEN
    const model = buildModel(template);
    expect(policyLength(rawPolicy(model, model.apis[0]), arnPrefixOf(model, model.apis[0]))).toBeGreaterThan(raw);
  });
});

describe('4. aws:SourceVpc is the VPC of a template endpoint', () => {
  function vpcTemplate() {
    return miniTemplate({
      endpointType: 'PRIVATE',
      policy: policy(ALLOW_ALL, {
        Effect: 'Deny',
        Principal: '*',
        Action: 'execute-api:Invoke',
        Resource: 'execute-api:/*',
        Condition: { StringNotEquals: { 'aws:SourceVpc': { Ref: 'Vpc' } } },
      }),
      extra: {
        Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
        Other: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.1.0.0/16' } },
        Endpoint: {
          Type: 'AWS::EC2::VPCEndpoint',
          Properties: { VpcId: { Ref: 'Vpc' }, ServiceName: 'execute-api', VpcEndpointType: 'Interface' },
        },
        OtherEndpoint: {
          Type: 'AWS::EC2::VPCEndpoint',
          Properties: { VpcId: { Ref: 'Other' }, ServiceName: 'execute-api' },
        },
      },
    });
  }

  test("a request through the VPC's own endpoint is admitted without naming the VPC", () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(vpcTemplate());
    // WHEN
    const r = sim.invoke({ method: 'GET', path: '/items', vpcEndpointId: 'Endpoint' });
    // THEN
    expect(r.statusCode).toBe(200);
    expect(r.reasons.join('\n')).toMatch(/aws:SourceVpc is vpc-[0-9a-f]+: the VPC of endpoint Endpoint/);
  });

  test("fails when the request comes through another VPC's endpoint, whatever vpcId it claims", () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(vpcTemplate());
    // WHEN
    const r = sim.invoke({ method: 'GET', path: '/items', vpcEndpointId: 'OtherEndpoint', vpcId: 'Vpc' });
    // THEN
    expect(r).toMatchObject({ statusCode: 403, decidedBy: 'resource-policy' });
    expect(r.reasons.join('\n')).toMatch(
      /vpcId vpc-[0-9a-f]+ ignored: a request through endpoint OtherEndpoint comes from its VPC/,
    );
  });

  test('an endpoint outside the template carries only the vpcId the request gives', () => {
    const sim = RequestSimulator.fromTemplate(vpcTemplate());
    expect(sim.invoke({ method: 'GET', path: '/items', vpcEndpointId: VPCE }).statusCode).toBe(403);
    expect(sim.invoke({ method: 'GET', path: '/items', vpcEndpointId: VPCE, vpcId: 'Vpc' }).statusCode).toBe(200);
  });
});

describe('5. x-amazon-apigateway-auth on OpenAPI operations', () => {
  function specTemplate(auth: any) {
    return miniTemplate({
      methods: [],
      apiProps: {
        Body: {
          openapi: '3.0.1',
          info: { title: 'spec', version: '1' },
          paths: { '/pets': { get: { 'x-amazon-apigateway-auth': auth } } },
        },
      },
    });
  }

  test('fails when an AWS_IAM operation is called without a signature', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(specTemplate({ type: 'AWS_IAM' }));
    // WHEN
    const anonymous = sim.invoke({ method: 'GET', path: '/pets', sourceIp: '203.0.113.9' });
    const signed = sim.invoke({ method: 'GET', path: '/pets', caller: { account: '123456789012' } });
    // THEN
    expect(anonymous).toMatchObject({
      statusCode: 403,
      decidedBy: 'authorization',
      message: 'Missing Authentication Token',
    });
    expect(signed.statusCode).toBe(200);
    expect(buildModel(specTemplate({ type: 'aws_iam' })).apis[0].methods[0].authorizationType).toBe('AWS_IAM');
  });

  test('NONE leaves the operation open; an unknown type is read as AWS_IAM, with a note', () => {
    // GIVEN
    const open = RequestSimulator.fromTemplate(specTemplate({ type: 'NONE' }));
    const unknown = buildModel(specTemplate({ type: 'SOMETHING' })).apis[0].methods[0];
    // THEN
    expect(open.invoke({ method: 'GET', path: '/pets' }).statusCode).toBe(200);
    expect(unknown.authorizationType).toBe('AWS_IAM');
    expect(unknown.notes.join('\n')).toMatch(/read as AWS_IAM \(closed reading\)/);
  });
});

describe('6. Lambda authorizer identity sources and the AUTHORIZER key source', () => {
  function authorizerTemplate(authorizer: Record<string, any>, variables?: Record<string, string>) {
    const t = miniTemplate({ methods: [{ path: '/items', method: 'GET', auth: 'CUSTOM' }] });
    t.Resources.Authz = {
      Type: 'AWS::ApiGateway::Authorizer',
      Properties: { RestApiId: { Ref: 'Api' }, Name: 'authz', AuthorizerUri: 'arn:aws:lambda:fn', ...authorizer },
    };
    if (variables) t.Resources.Stage.Properties.Variables = variables;
    return t;
  }

  test('a stageVariables source the stage defines is present: the authorizer is called', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(
      authorizerTemplate({ Type: 'REQUEST', IdentitySource: 'stageVariables.tenant' }, { tenant: 'blue' }),
    );
    // WHEN
    const allowed = sim.invoke({ method: 'GET', path: '/items', authorizer: AuthorizerDecision.ALLOW });
    const silent = sim.invoke({ method: 'GET', path: '/items' });
    // THEN
    expect(allowed.statusCode).toBe(200);
    expect(silent).toMatchObject({ statusCode: 403, decidedBy: 'authorization' });
    expect(silent.reasons.join('\n')).toMatch(/read as Deny, the conservative reading/);
  });

  test('fails when a stageVariables source is not defined by the stage: 401, the authorizer is not called', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(
      authorizerTemplate(
        { Type: 'REQUEST', IdentitySource: 'method.request.header.Auth, stageVariables.tenant' },
        { other: 'x' },
      ),
    );
    // WHEN
    const r = sim.invoke({ method: 'GET', path: '/items', authorizer: AuthorizerDecision.ALLOW });
    // THEN
    expect(r).toMatchObject({ statusCode: 401, decidedBy: 'authorization', message: 'Unauthorized' });
    expect(r.reasons.join('\n')).toMatch(/stage prod does not define tenant/);
  });

  test('a REQUEST authorizer with caching off and no identity source is called', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(authorizerTemplate({ Type: 'REQUEST', AuthorizerResultTtlInSeconds: 0 }));
    // THEN
    expect(sim.invoke({ method: 'GET', path: '/items', authorizer: AuthorizerDecision.ALLOW }).statusCode).toBe(200);
    expect(sim.invoke({ method: 'GET', path: '/items' })).toMatchObject({
      statusCode: 403,
      decidedBy: 'authorization',
    });
  });

  test.each([
    ['TOKEN with a header source', { Type: 'TOKEN', IdentitySource: 'method.request.header.Authorization' }],
    ['REQUEST with caching on and a header source', { Type: 'REQUEST', IdentitySource: 'method.request.header.Auth' }],
    ['REQUEST with caching on and no source', { Type: 'REQUEST' }],
  ])('fails when %s gets no identity source: 401', (_name, props) => {
    const sim = RequestSimulator.fromTemplate(authorizerTemplate(props));
    expect(sim.invoke({ method: 'GET', path: '/items' })).toMatchObject({
      statusCode: 401,
      decidedBy: 'authorization',
    });
  });

  test('fails when apiKeySource AUTHORIZER meets a method without a Lambda authorizer: no key arrives', () => {
    // GIVEN
    const t = miniTemplate({
      methods: [{ path: '/items', method: 'GET', apiKeyRequired: true }],
      apiProps: { ApiKeySourceType: 'AUTHORIZER' },
    });
    Object.assign(t.Resources, {
      Plan: {
        Type: 'AWS::ApiGateway::UsagePlan',
        Properties: { ApiStages: [{ ApiId: { Ref: 'Api' }, Stage: 'prod' }] },
      },
      Key: { Type: 'AWS::ApiGateway::ApiKey', Properties: { Enabled: true, Value: 'abcdefghijklmnopqrstuvwxyz' } },
      PlanKey: {
        Type: 'AWS::ApiGateway::UsagePlanKey',
        Properties: { KeyId: { Ref: 'Key' }, KeyType: 'API_KEY', UsagePlanId: { Ref: 'Plan' } },
      },
    });
    const sim = RequestSimulator.fromTemplate(t);
    // WHEN
    const r = sim.invoke({ method: 'GET', path: '/items', apiKey: 'abcdefghijklmnopqrstuvwxyz' });
    // THEN
    expect(r).toMatchObject({ statusCode: 403, decidedBy: 'api-key', message: 'Forbidden' });
    expect(r.reasons.join('\n')).toMatch(/no Lambda authorizer to return a usageIdentifierKey.*\[U\]/);
    expect(r.reasons.join('\n')).not.toMatch(/the key is the usageIdentifierKey the Lambda authorizer returns/);
  });
});

describe('7. bad input is a SimulationInputError', () => {
  const sim = RequestSimulator.fromTemplate(miniTemplate({ endpointType: 'PRIVATE', policy: policy(ALLOW_ALL) }));

  test.each(['999.1.1.1', '256.0.0.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', '::g', ''])(
    'fails when sourceIp is %j',
    (ip) => {
      expect(() => sim.invoke({ method: 'GET', path: '/items', sourceIp: ip })).toThrow(SimulationInputError);
      expect(() => sim.invoke({ method: 'GET', path: '/items', sourceIp: ip })).toThrow(/'sourceIp' is malformed/);
    },
  );

  test.each(['notavpce', 'vpce-xyz', 'VPCE-0123', 'Api'])('fails when vpcEndpointId is %j', (vpce) => {
    expect(() => sim.invoke({ method: 'GET', path: '/items', vpcEndpointId: vpce })).toThrow(SimulationInputError);
    expect(() => sim.invoke({ method: 'GET', path: '/items', vpcEndpointId: vpce })).toThrow(
      /'vpcEndpointId' is malformed/,
    );
  });

  test('fails when authorizer or caller.identityPolicy is outside its enum', () => {
    expect(() => sim.invoke({ method: 'GET', path: '/items', authorizer: 'maybe' as AuthorizerDecision })).toThrow(
      /'authorizer' is malformed: got "maybe"/,
    );
    expect(() =>
      sim.invoke({
        method: 'GET',
        path: '/items',
        caller: { account: '123456789012', identityPolicy: 'yes' as IdentityPolicy },
      }),
    ).toThrow(/'caller.identityPolicy' is malformed: got "yes"/);
  });

  test('fails when invokeRepeatedly is asked for more than the bound', () => {
    expect(() => sim.invokeRepeatedly({ method: 'GET', path: '/items', vpcEndpointId: VPCE }, MAX_REPEAT + 1)).toThrow(
      /'count' is malformed/,
    );
    expect(sim.invokeRepeatedly({ method: 'GET', path: '/items', vpcEndpointId: VPCE }, 3).counts).toEqual({
      '200': 3,
    });
  });

  test('fails when the template is circular (RoleName: !GetAtt Role.Arn) with a clear error, not a RangeError', () => {
    // GIVEN
    const t = miniTemplate({
      policy: policy({ ...ALLOW_ALL, Principal: { AWS: { 'Fn::GetAtt': ['Role', 'Arn'] } } }),
      extra: { Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: { 'Fn::GetAtt': ['Role', 'Arn'] } } } },
    });
    // THEN
    expect(() => RequestSimulator.fromTemplate(t)).toThrow(SimulationInputError);
    expect(() => RequestSimulator.fromTemplate(t)).toThrow(
      /circular reference in the template: Role\.Arn needs Role\.RoleName/,
    );
  });

  test('a SimulationInputError is an Error with its name', () => {
    const e = new SimulationInputError('x');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('SimulationInputError');
  });
});
