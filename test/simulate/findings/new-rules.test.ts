/**
 * The findings added for issue #11, beyond their registry examples: variants that must and must not be
 * reported (each decided by the simulator's pipeline where it applies).
 */
import { FindingContext, findingsOfTemplate } from '../../../src/simulate/findings';
import { allowAll, exampleTemplate, policyOf } from '../../../src/simulate/findings/example-template';
import { buildModel } from '../../../src/simulate/model';
import { POLICY_LENGTH_LIMIT, isValidAwsPrincipal, policyLength } from '../../../src/simulate/policy-shape';

const OPTS = { cognitoRequiresExplicitAllow: true };
const VPCE = 'vpce-0123456789abcdef0';

function ids(template: { [key: string]: any }): string[] {
  return findingsOfTemplate(template, OPTS).map((f) => f.id);
}

function denyUnless(op: string, key: string, value: string): any {
  return { ...allowAll({ [op]: { [key]: value } }), Effect: 'Deny' };
}

describe('unauthenticated-method', () => {
  test('names the NONE methods an anonymous internet caller is admitted to, per stage', () => {
    // GIVEN the grantExecute sample's shape: GET /pets open, POST /pets IAM
    const t = exampleTemplate({ methods: [{ path: '/pets' }, { path: '/pets', verb: 'POST', auth: 'AWS_IAM' }] });
    // WHEN
    const found = findingsOfTemplate(t, OPTS).filter((f) => f.id === 'unauthenticated-method');
    // THEN
    expect(found).toEqual([
      expect.objectContaining({
        severity: 'warning',
        api: 'Api',
        stage: 'prod',
        message: expect.stringMatching(/^GET \/pets on Api stage prod: no authorization/),
      }),
    ]);
  });

  test.each([
    [
      'a policy admitting one IP range',
      { policy: policyOf(allowAll({ IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } })) },
    ],
    ['a Lambda authorizer', { methods: [{ auth: 'CUSTOM' }] }],
    ['a Cognito authorizer', { methods: [{ auth: 'COGNITO_USER_POOLS' }] }],
    ['an API key', { methods: [{ apiKeyRequired: true }] }],
    ['a PRIVATE API (open-private-api says it)', { endpoint: 'PRIVATE', policy: policyOf(allowAll()) }],
    ['no stage', { stage: null }],
    [
      'a policy API Gateway rejects (invalid-policy)',
      { policy: policyOf({ ...allowAll(), Principal: { AWS: ['12345'] } }, allowAll()) },
    ],
  ])('is not reported for %s', (_what, spec) => {
    expect(ids(exampleTemplate(spec as any))).not.toContain('unauthenticated-method');
  });

  test('is reported when the policy allows everyone and denies only one address', () => {
    const t = exampleTemplate({
      policy: policyOf(allowAll(), { ...allowAll({ IpAddress: { 'aws:SourceIp': '192.0.2.1/32' } }), Effect: 'Deny' }),
    });
    expect(ids(t)).toContain('unauthenticated-method');
  });
});

describe('unreachable-api', () => {
  const iamAndOpen = [{ auth: 'AWS_IAM' }, { path: '/open' }];
  const open = [{}, { path: '/open' }];
  test.each([
    [
      'a VPC-endpoint-only Deny on a REGIONAL API',
      'REGIONAL',
      iamAndOpen,
      policyOf(allowAll(), denyUnless('StringNotEquals', 'aws:SourceVpce', VPCE)),
    ],
    [
      'an aws:SourceVpc Allow on an EDGE API',
      'EDGE',
      open,
      policyOf(allowAll({ StringEquals: { 'aws:SourceVpc': 'vpc-0a' } })),
    ],
    [
      'an aws:SourceIp Allow on a PRIVATE API',
      'PRIVATE',
      open,
      policyOf(allowAll({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } })),
    ],
    [
      'a VPC-endpoint-only Deny on an IAM API that allows an account',
      'REGIONAL',
      iamAndOpen,
      policyOf(
        { ...allowAll(), Principal: { AWS: 'arn:aws:iam::111122223333:root' } },
        denyUnless('StringNotEquals', 'aws:SourceVpce', VPCE),
      ),
    ],
  ])('is reported for %s', (_what, endpoint, methods, policy) => {
    // GIVEN / WHEN
    const found = findingsOfTemplate(exampleTemplate({ endpoint, policy, methods }), OPTS);
    // THEN
    expect(found.filter((f) => f.id === 'unreachable-api')).toEqual([
      expect.objectContaining({
        api: 'Api',
        severity: 'warning',
        message: expect.stringMatching(/every request is refused with 403/),
      }),
    ]);
  });

  test.each([
    [
      'the VPC-endpoint Deny on a PRIVATE API',
      'PRIVATE',
      open,
      policyOf(allowAll(), denyUnless('StringNotEquals', 'aws:SourceVpce', VPCE)),
    ],
    [
      'an aws:SourceVpce ...IfExists Allow on a REGIONAL API',
      'REGIONAL',
      open,
      policyOf(allowAll({ StringEqualsIfExists: { 'aws:SourceVpce': VPCE } })),
    ],
    [
      'a second Allow without condition',
      'REGIONAL',
      open,
      policyOf(allowAll({ StringEquals: { 'aws:SourceVpce': VPCE } }), allowAll()),
    ],
    [
      'a Deny on one path only',
      'REGIONAL',
      open,
      policyOf(allowAll(), {
        ...denyUnless('StringNotEquals', 'aws:SourceVpce', VPCE),
        Resource: 'execute-api:/*/GET/open',
      }),
    ],
    // same-account SigV4 callers need no Allow from the policy (outcome table A): the pipeline admits them
    [
      'an aws:SourceVpc Allow on an EDGE API with an AWS_IAM method',
      'EDGE',
      iamAndOpen,
      policyOf(allowAll({ StringEquals: { 'aws:SourceVpc': 'vpc-0a' } })),
    ],
  ])('is not reported for %s', (_what, endpoint, methods, policy) => {
    expect(ids(exampleTemplate({ endpoint, policy, methods }))).not.toContain('unreachable-api');
  });

  test('is reported without methods only when a Deny covering the whole API refuses everyone', () => {
    const deny = exampleTemplate({
      methods: [],
      policy: policyOf(allowAll(), denyUnless('StringNotEquals', 'aws:SourceVpce', VPCE)),
    });
    const allow = exampleTemplate({
      methods: [],
      policy: policyOf(allowAll({ StringEquals: { 'aws:SourceVpce': VPCE } })),
    });
    expect(ids(deny)).toContain('unreachable-api');
    expect(ids(allow)).not.toContain('unreachable-api');
  });
});

describe('plan-never-applies', () => {
  test('replaces plan-without-limits when no stage of the plan has a key-required method', () => {
    const t = exampleTemplate({ methods: [{}], plan: {}, key: {} });
    const found = ids(t);
    expect(found).toContain('plan-never-applies');
    expect(found).not.toContain('plan-without-limits');
  });

  test('keeps plan-without-limits when one of the plan stages meters', () => {
    // GIVEN a second API, with a key-required method, in the same plan
    const t = exampleTemplate({ methods: [{}], plan: {}, key: {} });
    const other = exampleTemplate({ methods: [{ apiKeyRequired: true }] }).Resources;
    const renamed = JSON.parse(
      JSON.stringify(other)
        .replace(/"Api"/g, '"Api2"')
        .replace(/"(Method0|Deployment|Stage)"/g, '"$12"'),
    );
    for (const [k, v] of Object.entries(renamed)) t.Resources[k.replace(/^(Api|Method0|Deployment|Stage)$/, '$12')] = v;
    t.Resources.Plan.Properties.ApiStages.push({ ApiId: { Ref: 'Api2' }, Stage: { Ref: 'Stage2' } });
    // WHEN
    const found = findingsOfTemplate(t, OPTS);
    // THEN
    expect(found.filter((f) => f.id === 'plan-never-applies').map((f) => `${f.api}/${f.stage}`)).toEqual(['Api/prod']);
    expect(found.map((f) => f.id)).toContain('plan-without-limits');
  });
});

describe('policy-too-large', () => {
  const prefix = 'arn:aws:execute-api:us-east-1:123456789012:abcdefghij/';

  test('counts the minified JSON with execute-api:/ expanded', () => {
    const doc = policyOf(allowAll());
    const minified = JSON.stringify(doc).length;
    expect(policyLength(doc, prefix)).toBe(minified + prefix.length - 'execute-api:/'.length);
    expect(policyLength(JSON.stringify(doc, null, 2), prefix)).toBe(policyLength(doc, prefix));
  });

  test('is reported just over the quota and not at it', () => {
    // GIVEN a policy padded to exactly the limit, then one character more (the Sid)
    const model = buildModel(exampleTemplate({ policy: policyOf(allowAll()) }));
    const api = model.apis[0];
    const base = { ...allowAll(), Sid: '' };
    const len = policyLength(policyOf(base), `arn:aws:execute-api:us-east-1:123456789012:${api.id}/`)!;
    const at = policyOf({ ...base, Sid: 'x'.repeat(POLICY_LENGTH_LIMIT - len) });
    const over = policyOf({ ...base, Sid: 'x'.repeat(POLICY_LENGTH_LIMIT - len + 1) });
    // WHEN / THEN
    expect(ids(exampleTemplate({ policy: at }))).not.toContain('policy-too-large');
    expect(ids(exampleTemplate({ policy: over }))).toContain('policy-too-large');
  });

  test('is not reported when part of the policy does not resolve', () => {
    const t = exampleTemplate({
      policy: policyOf(
        { ...allowAll(), Sid: 'x'.repeat(9000) },
        allowAll({ StringEquals: { 'aws:SourceVpce': { Ref: 'Missing' } } }),
      ),
    });
    t.Parameters = { Missing: { Type: 'String' } };
    expect(ids(t)).not.toContain('policy-too-large');
  });
});

describe('invalid-policy: malformed principals', () => {
  test.each([
    '*',
    '123456789012',
    'arn:aws:iam::123456789012:root',
    'arn:aws:iam::123456789012:role/path/R',
    'arn:aws:sts::123456789012:assumed-role/R/s',
    'arn:aws-us-gov:iam::123456789012:user/u',
    'AROAEXAMPLEID1234567',
  ])('%s is accepted', (p) => {
    expect(isValidAwsPrincipal(p)).toBe(true);
  });

  test.each(['123456', '12345', 'arn:aws:iam::1234:root', 'root', 'arn:aws:s3:::bucket'])('%s is malformed', (p) => {
    expect(isValidAwsPrincipal(p)).toBe(false);
  });

  test('{ AWS: ["123456"] } makes the policy invalid, one finding naming every bad principal', () => {
    // GIVEN
    const t = exampleTemplate({
      methods: [{ auth: 'AWS_IAM' }],
      policy: policyOf(
        { ...allowAll(), Principal: { AWS: ['123456', '123456789012'] } },
        { ...allowAll(), Principal: { AWS: 'x' } },
      ),
    });
    // WHEN
    const found = findingsOfTemplate(t, OPTS).filter((f) => f.id === 'invalid-policy');
    // THEN
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', api: 'Api' });
    expect(found[0].message).toMatch(
      /statement #1 has the malformed Principal AWS "123456" .*statement #2 has the malformed Principal AWS "x"/,
    );
  });

  test('a string Principal other than "*" is malformed', () => {
    const t = exampleTemplate({ policy: policyOf({ ...allowAll(), Principal: '123456789012' }) });
    expect(ids(t)).toContain('invalid-policy');
  });
});

describe('FindingContext', () => {
  test('decides each probe once per stage and method (shared by the rules and the matrix)', () => {
    const model = buildModel(exampleTemplate({ methods: [{}, { path: '/a' }] }));
    const ctx = new FindingContext(model, OPTS);
    const first = ctx.outcomes(model.apis[0], 'prod');
    expect(ctx.outcomes(model.apis[0], 'prod')).toBe(first);
    expect(first.map((o) => o.cells.internet)).toEqual([200, 200]);
  });
});
