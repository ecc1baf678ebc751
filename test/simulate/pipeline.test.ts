import { ALLOW_ALL, DENY_ALL, miniTemplate, policy } from './helpers';
import { AuthorizerDecision, IdentityPolicy, RequestSimulator } from '../../src/simulate';

const ACCOUNT = '123456789012';
const OTHER = '210987654321';

type PolicyKind = 'allow' | 'neither' | 'deny' | 'none';

function policyFor(kind: PolicyKind, principal: any = '*'): any {
  switch (kind) {
    case 'allow':
      return policy({ ...ALLOW_ALL, Principal: principal });
    case 'deny':
      return policy({ ...DENY_ALL, Principal: principal });
    case 'neither':
      // allows only another path: silent on /items
      return policy({ ...ALLOW_ALL, Principal: principal, Resource: 'execute-api:/*/GET/other' });
    default:
      return undefined;
  }
}

function sim(auth: string, kind: PolicyKind, opts: { principal?: any; cognitoRequiresExplicitAllow?: boolean } = {}) {
  return RequestSimulator.fromTemplate(
    miniTemplate({
      policy: policyFor(kind, opts.principal),
      methods: [
        { path: '/items', method: 'GET', auth },
        { path: '/other', method: 'GET', auth },
      ],
    }),
    { cognitoRequiresExplicitAllow: opts.cognitoRequiresExplicitAllow },
  );
}

describe('outcome table A: same-account IAM caller (SEMANTICS §1.2)', () => {
  // IAM column × resource-policy column → status
  const rows: [string, PolicyKind, number, string][] = [
    ['allow', 'allow', 200, 'ok'],
    ['allow', 'neither', 200, 'ok'],
    ['allow', 'deny', 403, 'resource-policy'],
    ['none', 'allow', 200, 'ok'],
    ['none', 'neither', 403, 'authorization'],
    ['none', 'deny', 403, 'resource-policy'],
    ['deny', 'allow', 403, 'authorization'],
    ['deny', 'neither', 403, 'authorization'],
    ['deny', 'deny', 403, 'authorization'],
    ['allow', 'none', 200, 'ok'],
    ['none', 'none', 403, 'authorization'],
  ];
  test.each(rows)('IAM %s + policy %s → %d (%s)', (identityPolicy, kind, status, by) => {
    // GIVEN
    const s = sim('AWS_IAM', kind);
    // WHEN
    const r = s.invoke({
      method: 'GET',
      path: '/items',
      caller: {
        account: ACCOUNT,
        arn: `arn:aws:iam::${ACCOUNT}:role/Caller`,
        identityPolicy: identityPolicy as IdentityPolicy,
      },
    });
    // THEN
    expect(r.statusCode).toBe(status);
    expect(r.decidedBy).toBe(by);
    if (status === 403 && kind === 'deny') expect(r.message).toMatch(/with an explicit deny$/);
  });
});

describe('outcome table B: cross-account IAM caller', () => {
  const rows: [string, PolicyKind, number][] = [
    ['allow', 'allow', 200],
    ['allow', 'neither', 403],
    ['allow', 'deny', 403],
    ['none', 'allow', 403],
    ['none', 'neither', 403],
    ['none', 'deny', 403],
    ['deny', 'allow', 403],
    ['deny', 'neither', 403],
    ['deny', 'deny', 403],
    ['allow', 'none', 403],
  ];
  test.each(rows)('IAM %s + policy %s → %d', (identityPolicy, kind, status) => {
    // GIVEN
    const s = sim('AWS_IAM', kind, { principal: { AWS: `arn:aws:iam::${OTHER}:root` } });
    // WHEN
    const r = s.invoke({
      method: 'GET',
      path: '/items',
      caller: { account: OTHER, identityPolicy: identityPolicy as IdentityPolicy },
    });
    // THEN
    expect(r.statusCode).toBe(status);
    if (kind === 'deny' || identityPolicy === 'deny') expect(r.message).toMatch(/explicit deny/);
    else if (status === 403) expect(r.message).not.toMatch(/explicit deny/);
  });

  test('an AWS_IAM method called without a signature gets 403 Missing Authentication Token', () => {
    // GIVEN
    const s = sim('AWS_IAM', 'allow');
    // WHEN
    const r = s.invoke({ method: 'GET', path: '/items' });
    // THEN
    expect(r).toMatchObject({ statusCode: 403, decidedBy: 'authorization', message: 'Missing Authentication Token' });
  });
});

describe('NONE: the resource policy must explicitly allow', () => {
  const rows: [PolicyKind, number, string][] = [
    ['allow', 200, 'ok'],
    ['neither', 403, 'resource-policy'],
    ['deny', 403, 'resource-policy'],
    ['none', 200, 'ok'],
  ];
  test.each(rows)('policy %s → %d', (kind, status, by) => {
    // GIVEN
    const s = sim('NONE', kind);
    // WHEN
    const r = s.invoke({ method: 'GET', path: '/items', sourceIp: '203.0.113.9' });
    // THEN
    expect(r.statusCode).toBe(status);
    expect(r.decidedBy).toBe(by);
    if (kind === 'neither') {
      expect(r.message).toMatch(
        /^User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:[a-z0-9]{10}\/prod\/GET\/items$/,
      );
    }
  });

  test('an AWS principal in the policy never admits a NONE caller', () => {
    // GIVEN
    const s = sim('NONE', 'allow', { principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } });
    // WHEN
    const r = s.invoke({ method: 'GET', path: '/items', caller: { account: ACCOUNT } });
    // THEN
    expect(r.statusCode).toBe(403);
    expect(r.reasons.join('\n')).toMatch(/SigV4 caller is ignored/);
  });

  test('{"AWS": "*"} admits anonymous callers like "*"', () => {
    // GIVEN
    const s = sim('NONE', 'allow', { principal: { AWS: '*' } });
    // WHEN / THEN
    expect(s.invoke({ method: 'GET', path: '/items' }).statusCode).toBe(200);
  });
});

describe('Lambda authorizer (CUSTOM): explicit-deny pre-check, then table A', () => {
  const rows: [string | undefined, PolicyKind, number, string, string][] = [
    ['allow', 'allow', 200, 'ok', 'OK'],
    ['allow', 'neither', 200, 'ok', 'OK'],
    ['allow', 'none', 200, 'ok', 'OK'],
    ['allow', 'deny', 403, 'resource-policy', 'explicit deny'],
    ['deny', 'allow', 403, 'authorization', 'User is not authorized to access this resource with an explicit deny'],
    ['deny', 'neither', 403, 'authorization', 'User is not authorized to access this resource with an explicit deny'],
    ['deny', 'deny', 403, 'resource-policy', 'explicit deny'],
    [undefined, 'allow', 401, 'authorization', 'Unauthorized'],
    [undefined, 'deny', 403, 'resource-policy', 'explicit deny'],
  ];
  test.each(rows)('authorizer %s + policy %s → %d (%s)', (authorizer, kind, status, by, msg) => {
    // GIVEN
    const s = sim('CUSTOM', kind);
    // WHEN
    const r = s.invoke({ method: 'GET', path: '/items', authorizer: authorizer as AuthorizerDecision | undefined });
    // THEN
    expect(r.statusCode).toBe(status);
    expect(r.decidedBy).toBe(by);
    expect(r.message).toContain(msg);
  });
});

describe('Cognito: authentication first; explicit allow required by default [U]', () => {
  const rows: [string | undefined, PolicyKind, boolean, number, string][] = [
    ['allow', 'allow', true, 200, 'ok'],
    ['allow', 'neither', true, 403, 'resource-policy'],
    ['allow', 'neither', false, 200, 'ok'],
    ['allow', 'deny', true, 403, 'resource-policy'],
    ['allow', 'deny', false, 403, 'resource-policy'],
    ['allow', 'none', true, 200, 'ok'],
    ['deny', 'allow', true, 401, 'authorization'],
    [undefined, 'allow', true, 401, 'authorization'],
    [undefined, 'deny', true, 401, 'authorization'],
  ];
  test.each(rows)('token %s + policy %s (explicit allow required: %s) → %d', (authorizer, kind, strict, status, by) => {
    // GIVEN
    const s = sim('COGNITO_USER_POOLS', kind, { cognitoRequiresExplicitAllow: strict });
    // WHEN
    const r = s.invoke({ method: 'GET', path: '/items', authorizer: authorizer as AuthorizerDecision | undefined });
    // THEN
    expect(r.statusCode).toBe(status);
    expect(r.decidedBy).toBe(by);
    if (kind === 'neither' && strict) expect(r.reasons.join('\n')).toMatch(/\[U\]/);
  });
});

describe('route', () => {
  test('an unknown path gets 403 Missing Authentication Token from route', () => {
    // GIVEN
    const s = RequestSimulator.fromTemplate(miniTemplate({ methods: [{ path: '/items/{id}', method: 'GET' }] }));
    // WHEN / THEN
    expect(s.invoke({ method: 'GET', path: '/nope' })).toMatchObject({
      statusCode: 403,
      decidedBy: 'route',
      message: 'Missing Authentication Token',
    });
    expect(s.invoke({ method: 'POST', path: '/items/1' }).decidedBy).toBe('route');
    expect(s.invoke({ method: 'GET', path: '/items/1' }).statusCode).toBe(200);
    expect(s.invoke({ method: 'GET', path: '/items/1/' }).statusCode).toBe(200);
  });

  test('literal beats parameter beats greedy, ANY covers every verb', () => {
    // GIVEN
    const s = RequestSimulator.fromTemplate(
      miniTemplate({
        policy: policy(
          { ...ALLOW_ALL, Resource: 'execute-api:/*/*/a/*' },
          { ...DENY_ALL, Resource: 'execute-api:/*/GET/a/fixed' },
        ),
        methods: [
          { path: '/a/{id}', method: 'GET' },
          { path: '/a/fixed', method: 'GET' },
          { path: '/{proxy+}', method: 'ANY' },
        ],
      }),
    );
    // WHEN / THEN
    expect(s.invoke({ method: 'GET', path: '/a/fixed' }).decidedBy).toBe('resource-policy');
    expect(s.invoke({ method: 'GET', path: '/a/other' }).statusCode).toBe(200);
    expect(s.invoke({ method: 'DELETE', path: '/a/b/c' }).statusCode).toBe(200);
    expect(s.invoke({ method: 'GET', path: '/' }).decidedBy).toBe('route');
  });

  test('fails when the stage is ambiguous or unknown, naming the choices', () => {
    // GIVEN
    const t = miniTemplate();
    t.Resources.Stage2 = {
      Type: 'AWS::ApiGateway::Stage',
      Properties: { RestApiId: { Ref: 'Api' }, StageName: 'dev' },
    };
    const s = RequestSimulator.fromTemplate(t);
    // WHEN / THEN
    expect(() => s.invoke({ method: 'GET', path: '/items' })).toThrow(/several stages.*dev, prod/);
    expect(() => s.invoke({ method: 'GET', path: '/items', stage: 'qa' })).toThrow(/no stage 'qa'.*dev, prod/);
    expect(s.invoke({ method: 'GET', path: '/items', stage: 'dev' }).statusCode).toBe(200);
  });
});

describe('private APIs and VPC endpoints', () => {
  const vpceOnly = policy(
    {
      ...DENY_ALL,
      Sid: 'DenyUnlessVpce',
      Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } },
    },
    ALLOW_ALL,
  );

  test('only the listed endpoint gets in; a request outside any endpoint is denied', () => {
    // GIVEN
    const s = RequestSimulator.fromTemplate(miniTemplate({ endpointType: 'PRIVATE', policy: vpceOnly }));
    // WHEN
    const inside = s.invoke({ method: 'GET', path: '/items', vpcEndpointId: 'vpce-0123456789abcdef0' });
    const other = s.invoke({ method: 'GET', path: '/items', vpcEndpointId: 'vpce-0000000000000000b' });
    const outside = s.invoke({ method: 'GET', path: '/items', sourceIp: '203.0.113.9' });
    // THEN
    expect(inside.statusCode).toBe(200);
    expect(other).toMatchObject({ statusCode: 403, decidedBy: 'resource-policy' });
    expect(other.message).toMatch(/with an explicit deny$/);
    // outside every endpoint: refused before the policy (a private API is reachable only through one)
    expect(outside).toMatchObject({ statusCode: 403, decidedBy: 'resource-policy', message: 'Forbidden' });
    expect(outside.reasons.join('\n')).toMatch(/reachable only through an interface VPC endpoint/);
  });

  test('a private API without a policy refuses everything', () => {
    // GIVEN
    const s = RequestSimulator.fromTemplate(miniTemplate({ endpointType: 'PRIVATE' }));
    // WHEN
    const r = s.invoke({ method: 'GET', path: '/items', vpcEndpointId: 'vpce-1' });
    // THEN
    expect(r).toMatchObject({ statusCode: 403, decidedBy: 'resource-policy' });
    expect(r.reasons.join('\n')).toMatch(/no resource policy/);
  });

  test('aws:VpcSourceIp is set through an endpoint, aws:SourceIp on public APIs', () => {
    // GIVEN
    const ipPolicy = (key: string) => policy({ ...ALLOW_ALL, Condition: { IpAddress: { [key]: '10.0.0.0/8' } } });
    const priv = RequestSimulator.fromTemplate(
      miniTemplate({ endpointType: 'PRIVATE', policy: ipPolicy('aws:VpcSourceIp') }),
    );
    const pub = RequestSimulator.fromTemplate(miniTemplate({ policy: ipPolicy('aws:SourceIp') }));
    const privWrongKey = RequestSimulator.fromTemplate(
      miniTemplate({ endpointType: 'PRIVATE', policy: ipPolicy('aws:SourceIp') }),
    );
    // WHEN / THEN
    expect(
      priv.invoke({ method: 'GET', path: '/items', vpcEndpointId: 'vpce-1', sourceIp: '10.1.2.3' }).statusCode,
    ).toBe(200);
    expect(pub.invoke({ method: 'GET', path: '/items', sourceIp: '10.1.2.3' }).statusCode).toBe(200);
    expect(
      privWrongKey.invoke({ method: 'GET', path: '/items', vpcEndpointId: 'vpce-1', sourceIp: '10.1.2.3' }).statusCode,
    ).toBe(403);
  });
});

describe('VPC endpoint policies', () => {
  function withEndpointPolicy(doc: any) {
    return miniTemplate({
      endpointType: 'PRIVATE',
      policy: policy(ALLOW_ALL),
      methods: [
        { path: '/items', method: 'GET' },
        { path: '/admin', method: 'GET', auth: 'AWS_IAM' },
      ],
      extra: {
        Vpce: {
          Type: 'AWS::EC2::VPCEndpoint',
          Properties: { ServiceName: 'com.amazonaws.us-east-1.execute-api', PolicyDocument: doc },
        },
      },
    });
  }

  test('an endpoint policy in the template is checked first and must allow', () => {
    // GIVEN: the endpoint only lets account 111122223333 through, on /admin
    const vsim = RequestSimulator.fromTemplate(
      withEndpointPolicy(
        policy({
          Effect: 'Allow',
          Principal: { AWS: '111122223333' },
          Action: 'execute-api:Invoke',
          Resource: 'execute-api:/*/*/admin',
        }),
      ),
    );
    // WHEN
    const anonymous = vsim.invoke({ method: 'GET', path: '/items', vpcEndpointId: 'Vpce' });
    const signed = vsim.invoke({
      method: 'GET',
      path: '/admin',
      vpcEndpointId: 'Vpce',
      caller: { account: '111122223333' },
    });
    const elsewhere = vsim.invoke({ method: 'GET', path: '/items', vpcEndpointId: 'vpce-0000000000000000e' });
    // THEN
    expect(anonymous).toMatchObject({ statusCode: 403, decidedBy: 'resource-policy' });
    expect(anonymous.reasons.join('\n')).toMatch(/VPC endpoint policy of Vpce: no statement allows/);
    expect(signed.statusCode).toBe(200);
    expect(elsewhere.statusCode).toBe(200);
    expect(elsewhere.reasons.join('\n')).toMatch(/not in the template: its endpoint policy is not simulated/);
  });

  test('an endpoint without PolicyDocument allows everything', () => {
    const t = withEndpointPolicy(undefined);
    delete t.Resources.Vpce.Properties.PolicyDocument;
    expect(
      RequestSimulator.fromTemplate(t).invoke({ method: 'GET', path: '/items', vpcEndpointId: 'Vpce' }).statusCode,
    ).toBe(200);
  });
});
