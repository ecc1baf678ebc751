import {
  arnMatch,
  evalClause,
  evaluatePolicy,
  expandResource,
  normalizePolicy,
  principalMatches,
  wildcardMatch,
} from '../../src/simulate/policy-eval';

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/42';
const ENV = { partition: 'aws', region: 'us-east-1', account: '123456789012', apiId: 'abc123' };

function verdict(
  statements: any[],
  context: Record<string, string[]> = {},
  principal?: { account: string; arn?: string },
  resource = ARN,
) {
  return evaluatePolicy(
    normalizePolicy({ Version: '2012-10-17', Statement: statements }),
    { principal, action: 'execute-api:Invoke', resource, context },
    ENV,
  );
}

const allow = (extra: any = {}) => ({
  Effect: 'Allow',
  Principal: '*',
  Action: 'execute-api:Invoke',
  Resource: 'execute-api:/*',
  ...extra,
});
const deny = (extra: any = {}) => ({ ...allow(extra), Effect: 'Deny' });

describe('wildcards and ARNs', () => {
  test.each([
    ['prod/GET/pets/*', 'prod/GET/pets/42', true],
    ['prod/GET/pets/*', 'prod/GET/pets', false],
    ['prod/*/pets', 'prod/GET/a/pets', true],
    ['Pets', 'pets', false],
    ['pe?s', 'pets', true],
    ['pe?s', 'peets', false],
    ['a.b', 'axb', false],
    ['*', '', true],
  ])('%s ~ %s = %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });

  test('ARNs compare their six parts separately', () => {
    expect(arnMatch('arn:aws:execute-api:*:*:*', ARN)).toBe(true);
    expect(arnMatch('arn:aws:execute-api:us-east-1:123456789012:*/prod/*', ARN)).toBe(true);
    expect(arnMatch('arn:aws:execute-api:eu-*:*:*', ARN)).toBe(false);
    expect(arnMatch('execute-api:*/*/*', ARN)).toBe(false);
  });

  test('execute-api:/ shorthand expands to the API ARN', () => {
    expect(expandResource('execute-api:/prod/GET/', ENV)).toBe(
      'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/',
    );
    expect(expandResource('execute-api:*/*/*', ENV)).toBe('execute-api:*/*/*');
  });
});

describe('principals', () => {
  test.each([
    ['*', undefined, true],
    [{ AWS: '*' }, undefined, true],
    [{ AWS: '111122223333' }, undefined, false],
    [{ AWS: '111122223333' }, { account: '111122223333' }, true],
    [
      { AWS: 'arn:aws:iam::111122223333:root' },
      { account: '111122223333', arn: 'arn:aws:iam::111122223333:role/R' },
      true,
    ],
    [
      { AWS: 'arn:aws:iam::111122223333:role/R' },
      { account: '111122223333', arn: 'arn:aws:sts::111122223333:assumed-role/R/session' },
      true,
    ],
    [
      { AWS: 'arn:aws:iam::111122223333:role/path/R' },
      { account: '111122223333', arn: 'arn:aws:iam::111122223333:role/Other' },
      false,
    ],
    [{ Service: 'lambda.amazonaws.com' }, { account: '111122223333' }, false],
  ])('%j covers %j: %s', (principal, caller, expected) => {
    expect(principalMatches(principal, caller as any)).toBe(expected);
  });
});

describe('conditions', () => {
  const ctx = {
    'aws:SourceIp': ['203.0.113.9'],
    'aws:SourceVpce': ['vpce-1'],
    'aws:PrincipalOrgPaths': ['o-1/r-1/ou-1/', 'o-1/r-1/ou-2/'],
  };
  test.each<[string, string, any, boolean | 'unknown']>([
    ['StringEquals', 'aws:SourceVpce', 'vpce-1', true],
    ['StringEquals', 'aws:sourcevpce', ['vpce-2', 'vpce-1'], true],
    ['StringNotEquals', 'aws:SourceVpce', 'vpce-1', false],
    ['StringNotEquals', 'aws:SourceVpc', 'vpc-1', true], // missing key: negated operator is true
    ['StringEquals', 'aws:SourceVpc', 'vpc-1', false], // missing key: positive operator is false
    ['StringEqualsIfExists', 'aws:SourceVpc', 'vpc-1', true],
    ['StringNotEqualsIfExists', 'aws:SourceVpce', 'vpce-1', false],
    ['StringEqualsIgnoreCase', 'aws:SourceVpce', 'VPCE-1', true],
    ['StringLike', 'aws:SourceVpce', 'vpce-*', true],
    ['StringEquals', 'aws:SourceVpce', 'vpce-*', false],
    ['IpAddress', 'aws:SourceIp', '203.0.113.0/24', true],
    ['IpAddress', 'aws:SourceIp', '0.0.0.0/0', true],
    ['IpAddress', 'aws:SourceIp', '2001:db8::/32', false],
    ['NotIpAddress', 'aws:SourceIp', ['10.0.0.0/8', '2001:db8::/32'], true],
    ['NotIpAddress', 'aws:SourceIp', '203.0.113.9', false],
    ['NotIpAddress', 'aws:VpcSourceIp', '10.0.0.0/8', true],
    ['IpAddress', 'aws:SourceIp', 'not-a-cidr', 'unknown'], // not a CIDR (e.g. an unresolved reference): undecidable
    ['Null', 'aws:SourceVpc', 'true', true],
    ['Null', 'aws:SourceVpce', 'true', false],
    ['Null', 'aws:SourceVpce', 'false', true],
    ['ForAnyValue:StringLike', 'aws:PrincipalOrgPaths', 'o-1/r-1/ou-2/*', true],
    ['ForAllValues:StringLike', 'aws:PrincipalOrgPaths', 'o-1/r-1/ou-2/*', false],
    ['ForAllValues:StringLike', 'aws:PrincipalOrgPaths', 'o-1/*', true],
    ['ForAnyValue:StringEquals', 'aws:PrincipalOrgID', 'o-1', false], // missing: ForAnyValue is false
    ['ForAllValues:StringEquals', 'aws:PrincipalOrgID', 'o-1', true], // missing: ForAllValues is true
  ])('%s %s %j → %s', (op, key, values, expected) => {
    expect(evalClause(op, key, values, ctx)).toBe(expected);
  });

  test.each<[string, string, boolean]>([
    ['DateGreaterThan', '2022-09-01T00:00:00Z', true],
    ['DateLessThan', '2022-09-01T00:00:00Z', false],
    ['DateEquals', '2026-01-05T00:00:00Z', true],
    ['DateLessThanEquals', '1767571200', true], // epoch seconds
    ['NumericGreaterThan', '1', false],
  ])('%s aws:CurrentTime %s → %s', (op, value, expected) => {
    const c = { 'aws:CurrentTime': ['2026-01-05T00:00:00Z'] };
    const key = op.startsWith('Numeric') ? 'aws:CurrentTime' : 'aws:CurrentTime';
    expect(evalClause(op, key, value, c)).toBe(expected);
  });

  test('numeric, bool and ARN operators', () => {
    const c = {
      'aws:EpochTime': ['1767571200'],
      'aws:SecureTransport': ['true'],
      'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/App'],
    };
    expect(evalClause('NumericGreaterThanEquals', 'aws:EpochTime', '1767571200', c)).toBe(true);
    expect(evalClause('NumericLessThan', 'aws:EpochTime', 'abc', c)).toBe(false);
    expect(evalClause('Bool', 'aws:SecureTransport', 'TRUE', c)).toBe(true);
    expect(evalClause('Bool', 'aws:SecureTransport', false, c)).toBe(false);
    expect(evalClause('ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/*', c)).toBe(true);
    expect(evalClause('ArnNotEquals', 'aws:PrincipalArn', 'arn:aws:iam::*:role/Other', c)).toBe(true);
    expect(evalClause('NoSuchOperator', 'aws:PrincipalArn', 'x', c)).toBe('unknown');
  });
});

describe('evaluatePolicy', () => {
  test('explicit deny wins over allow', () => {
    const r = verdict([
      allow(),
      deny({ Sid: 'NoVpce', Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } } }),
    ]);
    expect(r.verdict).toBe('deny');
    expect(r.reasons[0]).toBe(
      'explicit Deny in statement "NoVpce": StringNotEquals on aws:SourceVpce (aws:SourceVpce is absent)',
    );
  });

  test('neither: the reasons say which allow did not apply and why', () => {
    const r = verdict([allow({ Sid: 'Office', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })], {
      'aws:SourceIp': ['203.0.113.9'],
    });
    expect(r.verdict).toBe('neither');
    expect(r.reasons).toContain(
      'Allow statement "Office" does not apply: condition IpAddress on aws:SourceIp (aws:SourceIp is 203.0.113.9) does not hold',
    );
  });

  test('NotAction, NotResource and NotPrincipal', () => {
    expect(verdict([allow({ Action: undefined, NotAction: 'execute-api:InvalidateCache' })]).verdict).toBe('allow');
    expect(verdict([allow({ Resource: undefined, NotResource: 'execute-api:/dev/*' })]).verdict).toBe('allow');
    expect(verdict([allow({ Resource: undefined, NotResource: 'execute-api:/prod/*' })]).verdict).toBe('neither');
    expect(verdict([deny({ Principal: undefined, NotPrincipal: { AWS: '111122223333' } })]).verdict).toBe('deny');
    expect(
      verdict([deny({ Principal: undefined, NotPrincipal: { AWS: '111122223333' } })], {}, { account: '111122223333' })
        .verdict,
    ).toBe('neither');
  });

  test('uncertain statements are conservative: an uncertain Deny applies, an uncertain Allow does not', () => {
    const p = normalizePolicy({ Statement: [allow({ Resource: undefined })] });
    expect(p.statements[0].problems).toEqual(['statement #1 has no Resource']);
    expect(evaluatePolicy(p, { action: 'execute-api:Invoke', resource: ARN, context: {} }, ENV).verdict).toBe(
      'neither',
    );
    const d = normalizePolicy({
      Statement: [allow(), deny({ Condition: { WeirdOperator: { 'aws:SourceIp': '1.2.3.4' } } })],
    });
    const r = evaluatePolicy(d, { action: 'execute-api:Invoke', resource: ARN, context: {} }, ENV);
    expect(r.verdict).toBe('deny');
    expect(r.reasons[0]).toMatch(/assumed to apply.*conservative/);
  });

  test('statements without Effect or Principal make the policy invalid', () => {
    expect(normalizePolicy({ Statement: { Action: 'execute-api:Invoke', Resource: 'execute-api:/*' } }).fatal).toEqual([
      'statement #1 has no Effect (API Gateway rejects such a policy)',
    ]);
    expect(normalizePolicy({ Statement: [{ Effect: 'Allow', Action: 'x', Resource: '*' }] }).fatal[0]).toMatch(
      /no Principal/,
    );
    expect(normalizePolicy('{"Statement": []}').notes).toEqual(['the policy has no statements']);
    expect(normalizePolicy('not json').fatal).toEqual(['the policy is a string that is not JSON']);
  });
});
