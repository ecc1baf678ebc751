import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AccessPolicy, Source } from '../../src';

const OTHER = '111122223333';

function newStack(): Stack {
  return new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
}

/** The condition keys (and values) of the policy's Deny statements for an allow of these principals. */
function denyConditions(stack: Stack, principals: iam.IPrincipal[]): Record<string, unknown> {
  const json = stack.resolve(new AccessPolicy({ allow: [Source.principals(principals)] }).toJson(stack));
  const out: Record<string, unknown> = {};
  for (const s of json.Statement.filter((x: any) => x.Effect === 'Deny')) {
    for (const byKey of Object.values(s.Condition ?? {}) as Array<Record<string, unknown>>) Object.assign(out, byKey);
  }
  return out;
}

describe('class 3: IAM principal objects translate exactly or are refused', () => {
  const translated: Array<[string, (s: Stack) => iam.IPrincipal[], Record<string, unknown>]> = [
    [
      'a role ARN',
      () => [new iam.ArnPrincipal(`arn:aws:iam::${OTHER}:role/app`)],
      { 'aws:PrincipalArn': `arn:aws:iam::${OTHER}:role/app` },
    ],
    [
      'a user ARN',
      () => [new iam.ArnPrincipal(`arn:aws:iam::${OTHER}:user/bob`)],
      { 'aws:PrincipalArn': `arn:aws:iam::${OTHER}:user/bob` },
    ],
    ['an AccountPrincipal', () => [new iam.AccountPrincipal(OTHER)], { 'aws:PrincipalAccount': OTHER }],
    ['an AccountRootPrincipal', () => [new iam.AccountRootPrincipal()], { 'aws:PrincipalAccount': '123456789012' }],
    [
      'a CompositePrincipal of an AccountPrincipal',
      () => [new iam.CompositePrincipal(new iam.AccountPrincipal(OTHER))],
      { 'aws:PrincipalAccount': OTHER },
    ],
    [
      'an ArnPrincipal of a root ARN built with stack.formatArn',
      (s) => [new iam.ArnPrincipal(s.formatArn({ service: 'iam', region: '', account: OTHER, resource: 'root' }))],
      { 'aws:PrincipalAccount': OTHER },
    ],
    [
      'a literal root ARN',
      () => [new iam.ArnPrincipal(`arn:aws:iam::${OTHER}:root`)],
      { 'aws:PrincipalAccount': OTHER },
    ],
    [
      'an OrganizationPrincipal',
      () => [new iam.OrganizationPrincipal('o-a1b2c3d4e5')],
      { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
    ],
  ];

  test.each(translated)('%s', (_name, make, expected) => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const conditions = denyConditions(stack, make(stack));

    // THEN
    expect(conditions).toEqual(expected);
  });

  test('a Role of this app becomes aws:PrincipalArn (its Arn attribute)', () => {
    // GIVEN
    const stack = newStack();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    const conditions = denyConditions(stack, [role]);

    // THEN
    expect(Object.keys(conditions)).toEqual(['aws:PrincipalArn']);
    expect(JSON.stringify(conditions)).toContain('Fn::GetAtt');
  });

  const refused: Array<[string, () => iam.IPrincipal, RegExp]> = [
    [
      'ArnPrincipal(role).withConditions(...)',
      () => new iam.ArnPrincipal(`arn:aws:iam::${OTHER}:role/app`).withConditions({ StringEquals: { 'aws:x': 'y' } }),
      /carries conditions.*expected .*without conditions/,
    ],
    [
      'AccountPrincipal.withConditions(...)',
      () => new iam.AccountPrincipal(OTHER).withConditions({ StringEquals: { 'aws:x': 'y' } }),
      /carries conditions.*expected .*without conditions/,
    ],
    [
      'a ServicePrincipal',
      () => new iam.ServicePrincipal('lambda.amazonaws.com'),
      /is a Service principal.*expected .*Source\.service\(\)/,
    ],
    ['an AnyPrincipal', () => new iam.AnyPrincipal(), /is every principal.*expected .*Source\.anyone\(\)/],
    [
      'a StarPrincipal',
      () => new iam.StarPrincipal(),
      /principals\[0\]'.*is every principal.*expected .*Source\.anyone\(\)/,
    ],
    [
      'an assumed-role session ARN',
      () => new iam.ArnPrincipal(`arn:aws:sts::${OTHER}:assumed-role/app/session`),
      /role session.*expected the role ARN/,
    ],
    [
      'an ARN of another kind of resource',
      () => new iam.ArnPrincipal('arn:aws:s3:::bucket'),
      /neither an account nor an IAM role or user ARN.*expected/,
    ],
  ];

  test.each(refused)('%s is refused with a clear error', (_name, make, message) => {
    // GIVEN
    const principal = make();

    // WHEN
    let error: unknown;
    try {
      Source.principals([principal]);
    } catch (e) {
      error = e;
    }

    // THEN
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^Source\.principals: 'principals\[0\]'/);
    expect((error as Error).message).toMatch(message);
  });

  test('the refused principal is named by its index in the list', () => {
    expect(() =>
      Source.principals([new iam.AccountPrincipal(OTHER), new iam.ServicePrincipal('lambda.amazonaws.com')]),
    ).toThrow(/'principals\[1\]' is a Service principal/);
  });

  test.each([[[]], [undefined], [null], ['arn:aws:iam::111122223333:role/app'], [[42]], [[{}]]])(
    'a non-list or a list of non-principals (%p) is refused with "expected"',
    (value) => {
      expect(() => Source.principals(value as any)).toThrow(/Source\.principals: 'principals(\[0\])?' .*expected/);
    },
  );
});
