import { App, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AccessPolicy, Source } from '../../src';

function setup(privateApi = false) {
  const stack = new Stack(new App(), 'S');
  const api = new apigw.RestApi(stack, 'Api', privateApi ? { endpointTypes: [apigw.EndpointType.PRIVATE] } : {});
  api.root.addMethod('GET', new apigw.MockIntegration());
  return { stack, api };
}

/** The Deny-unless statement's condition for a single whole-API allow source. */
function denyUnlessCondition(source: Source, privateApi = false): any {
  const { stack, api } = setup(privateApi);
  new AccessPolicy({ allow: [source] }).applyTo(api);
  const policy = Object.values(Template.fromStack(stack).findResources('AWS::ApiGateway::RestApi'))[0].Properties
    .Policy;
  expect(policy.Statement).toHaveLength(2);
  expect(policy.Statement[1]).toEqual({
    Effect: 'Allow',
    Principal: '*',
    Action: 'execute-api:Invoke',
    Resource: 'execute-api:/*',
  });
  expect(policy.Statement[0]).toMatchObject({
    Effect: 'Deny',
    Principal: '*',
    Action: 'execute-api:Invoke',
    Resource: 'execute-api:/*',
  });
  return policy.Statement[0].Condition;
}

describe('Source compiles to the right condition key', () => {
  test('ipRanges: normalised, merged, IPv4 then IPv6', () => {
    // WHEN
    const cond = denyUnlessCondition(Source.ipRanges(['2001:db8::1/32', '10.0.0.1/25', '10.0.0.128/25', '10.0.0.7']));
    // THEN
    expect(cond).toEqual({ NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/24', '2001:db8::/32'] } });
  });

  test('ipRanges on a PRIVATE API use aws:VpcSourceIp', () => {
    expect(denyUnlessCondition(Source.ipRanges(['10.0.0.0/8']), true)).toEqual({
      NotIpAddress: { 'aws:VpcSourceIp': '10.0.0.0/8' },
    });
  });

  test('vpcEndpointIds (other accounts) use aws:SourceVpce', () => {
    expect(denyUnlessCondition(Source.vpcEndpointIds(['vpce-0123456789abcdef0', 'vpce-1234abcd']), true)).toEqual({
      StringNotEquals: { 'aws:SourceVpce': ['vpce-0123456789abcdef0', 'vpce-1234abcd'] },
    });
  });

  test('vpcs and vpcIds use aws:SourceVpc', () => {
    // GIVEN
    const { stack, api } = setup(true);
    const vpc = new ec2.Vpc(stack, 'Vpc');
    // WHEN
    new AccessPolicy({ allow: [Source.vpcs([vpc]), Source.vpcIds(['vpc-12345678'])] }).applyTo(api);
    // THEN
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::ApiGateway::RestApi'))[0].Properties
      .Policy;
    expect(policy.Statement[0].Condition).toEqual({
      StringNotEquals: { 'aws:SourceVpc': [{ Ref: 'Vpc8378EB38' }, 'vpc-12345678'] },
    });
  });

  test('accounts use aws:PrincipalAccount (anonymous callers are denied by the missing-key rule)', () => {
    expect(denyUnlessCondition(Source.accounts(['111122223333', '444455556666']))).toEqual({
      StringNotEquals: { 'aws:PrincipalAccount': ['111122223333', '444455556666'] },
    });
  });

  test('organization uses aws:PrincipalOrgID', () => {
    expect(denyUnlessCondition(Source.organization('o-a1b2c3d4e5'))).toEqual({
      StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
    });
  });

  test('organizationPaths use ForAllValues:StringNotLike on aws:PrincipalOrgPaths (the exact negation of ForAnyValue:StringLike)', () => {
    expect(denyUnlessCondition(Source.organizationPaths(['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111']))).toEqual({
      'ForAllValues:StringNotLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*' },
    });
  });

  test('principals use aws:PrincipalArn; account principals become accounts', () => {
    // WHEN
    const cond = denyUnlessCondition(
      Source.principals([
        new iam.ArnPrincipal('arn:aws:iam::111122223333:role/Caller'),
        new iam.AccountPrincipal('444455556666'),
      ]),
    );
    // THEN: two alternatives of one source: NOT(arn) AND NOT(account) in one statement
    expect(cond).toEqual({
      ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/Caller' },
      StringNotEquals: { 'aws:PrincipalAccount': '444455556666' },
    });
  });

  test('service without options uses aws:PrincipalServiceName', () => {
    expect(denyUnlessCondition(Source.service('events.amazonaws.com'))).toEqual({
      StringNotEquals: { 'aws:PrincipalServiceName': 'events.amazonaws.com' },
    });
  });

  test('service with sourceArn and sourceAccount: NOT(a AND b AND c) is one Deny per negated conjunct', () => {
    // GIVEN
    const { stack, api } = setup();
    // WHEN
    new AccessPolicy({
      allow: [
        Source.service('events.amazonaws.com', {
          sourceArn: 'arn:aws:events:us-east-1:111122223333:rule/r',
          sourceAccount: '111122223333',
        }),
      ],
    }).applyTo(api);
    // THEN
    const st = Object.values(Template.fromStack(stack).findResources('AWS::ApiGateway::RestApi'))[0].Properties.Policy
      .Statement;
    expect(st.map((s: any) => s.Condition)).toEqual([
      { StringNotEquals: { 'aws:PrincipalServiceName': 'events.amazonaws.com' } },
      { ArnNotLike: { 'aws:SourceArn': 'arn:aws:events:us-east-1:111122223333:rule/r' } },
      { StringNotEquals: { 'aws:SourceAccount': '111122223333' } },
      undefined,
    ]);
  });

  test('anyone: no Deny-unless at all', () => {
    // GIVEN
    const { stack, api } = setup();
    // WHEN
    new AccessPolicy({ allow: [Source.anyone()] }).applyTo(api);
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::RestApi', {
      Policy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }],
      },
    });
  });

  test('two sources of the same key go into one value list', () => {
    expect(denyUnlessCondition(Source.accounts(['111122223333']))).toBeDefined();
    const { stack, api } = setup();
    new AccessPolicy({
      allow: [Source.accounts(['111122223333']), Source.accounts(['444455556666', '111122223333'])],
    }).applyTo(api);
    const st = Object.values(Template.fromStack(stack).findResources('AWS::ApiGateway::RestApi'))[0].Properties.Policy
      .Statement;
    expect(st[0].Condition).toEqual({ StringNotEquals: { 'aws:PrincipalAccount': ['111122223333', '444455556666'] } });
  });

  test('tokens are accepted', () => {
    // GIVEN
    const { stack, api } = setup();
    const acct = Token.asString({ Ref: 'AcctParam' });
    // WHEN
    new AccessPolicy({ allow: [Source.accounts([acct]), Source.ipRanges([Token.asString({ Ref: 'Cidr' })])] }).applyTo(
      api,
    );
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::RestApi', {
      Policy: {
        Statement: [
          {
            Condition: {
              NotIpAddress: { 'aws:SourceIp': { Ref: 'Cidr' } },
              StringNotEquals: { 'aws:PrincipalAccount': { Ref: 'AcctParam' } },
            },
          },
          {},
        ],
      },
    });
  });
});

describe('Source bad input', () => {
  const cases: Array<[string, () => Source, string, string, string]> = [
    [
      'a CIDR is malformed',
      () => Source.ipRanges(['10.0.0.0/8', '10.0.0.0/33']),
      "Source.ipRanges: 'cidrs[1]'",
      '"10.0.0.0/33"',
      'an IPv4 or IPv6 CIDR',
    ],
    [
      'an IPv6 CIDR is malformed',
      () => Source.ipRanges(['2001:db8:::/32']),
      "Source.ipRanges: 'cidrs[0]'",
      '"2001:db8:::/32"',
      'IPv6',
    ],
    ['ipRanges is empty', () => Source.ipRanges([]), "Source.ipRanges: 'cidrs'", '[]', 'at least one value'],
    [
      'a VPC endpoint id is malformed',
      () => Source.vpcEndpointIds(['vpce-123']),
      "Source.vpcEndpointIds: 'vpcEndpointIds[0]'",
      '"vpce-123"',
      '"vpce-" and 8 or 17 hex digits',
    ],
    [
      'vpcEndpointIds is empty',
      () => Source.vpcEndpointIds([]),
      "Source.vpcEndpointIds: 'vpcEndpointIds'",
      '[]',
      'at least one value',
    ],
    [
      'vpcEndpoints is empty',
      () => Source.vpcEndpoints([]),
      "Source.vpcEndpoints: 'vpcEndpoints'",
      '[]',
      'at least one value',
    ],
    [
      'a VPC id is malformed',
      () => Source.vpcIds(['vpc-XYZ12345']),
      "Source.vpcIds: 'vpcIds[0]'",
      '"vpc-XYZ12345"',
      '"vpc-" and 8 or 17 hex digits',
    ],
    ['vpcs is empty', () => Source.vpcs([]), "Source.vpcs: 'vpcs'", '[]', 'at least one value'],
    [
      'an account id is malformed',
      () => Source.accounts(['12345']),
      "Source.accounts: 'accounts[0]'",
      '"12345"',
      '12-digit',
    ],
    ['accounts is empty', () => Source.accounts([]), "Source.accounts: 'accounts'", '[]', 'at least one value'],
    [
      'an organization id is malformed',
      () => Source.organization('o-ABC'),
      "Source.organization: 'organizationId'",
      '"o-ABC"',
      '"o-" and 10 to 32 lowercase',
    ],
    [
      'an organization path is malformed',
      () => Source.organizationPaths(['o-a1b2c3d4e5/ou-x']),
      "Source.organizationPaths: 'paths[0]'",
      '"o-a1b2c3d4e5/ou-x"',
      'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/',
    ],
    [
      'organizationPaths is empty',
      () => Source.organizationPaths([]),
      "Source.organizationPaths: 'paths'",
      '[]',
      'at least one value',
    ],
    ['principals is empty', () => Source.principals([]), "Source.principals: 'principals'", '[]', 'at least one value'],
    [
      'a principal is a service',
      () => Source.principals([new iam.ServicePrincipal('events.amazonaws.com')]),
      "Source.principals: 'principals[0]'",
      'Service:events.amazonaws.com',
      'use Source.service()',
    ],
    [
      'a principal is everyone',
      () => Source.principals([new iam.AnyPrincipal()]),
      "Source.principals: 'principals[0]'",
      '"*"',
      'use Source.anyone()',
    ],
    [
      'a service principal is malformed',
      () => Source.service('events'),
      "Source.service: 'servicePrincipal'",
      '"events"',
      'events.amazonaws.com',
    ],
    [
      'a service sourceAccount is malformed',
      () => Source.service('events.amazonaws.com', { sourceAccount: 'abc' }),
      "Source.service: 'options.sourceAccount'",
      '"abc"',
      '12-digit',
    ],
    [
      'a service sourceArn is malformed',
      () => Source.service('events.amazonaws.com', { sourceArn: 'rule/x' }),
      "Source.service: 'options.sourceArn'",
      '"rule/x"',
      'an ARN',
    ],
  ];
  test.each(cases)(
    'fails when %s, at the call, naming the factory, the argument, the value and the form',
    (_title, make, where, value, form) => {
      // WHEN
      let message = '';
      try {
        make();
      } catch (e) {
        expect(e).not.toBeInstanceOf(TypeError);
        message = (e as Error).message;
      }
      // THEN
      expect(message).toContain(where);
      expect(message).toContain(value);
      expect(message).toContain(form);
    },
  );

  test('fails when a source list is not a list, or holds undefined (what only JavaScript can pass)', () => {
    expect(() => Source.vpcEndpoints([undefined as any])).toThrow(
      /Source.vpcEndpoints: 'vpcEndpoints\[0\]' is not an interface VPC endpoint: got undefined/,
    );
    expect(() => Source.vpcs([undefined as any])).toThrow(/Source.vpcs: 'vpcs\[0\]' is not a VPC: got undefined/);
    expect(() => Source.organizationPaths([5 as any])).toThrow(/'paths\[0\]' is not an organization path: got 5/);
    expect(() => Source.service('events.amazonaws.com', null as any)).toThrow(/'options' is not an object: got null/);
    expect(() => Source.ipRanges('10.0.0.0/8' as any)).toThrow(/'cidrs' is not a list: got "10.0.0.0\/8"/);
    expect(() => Source.accounts(undefined as any)).toThrow(/'accounts' is not a list: got undefined/);
  });
});
