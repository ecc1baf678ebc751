import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { unacknowledgedNagFindings } from './nag';
import { CrossAccountApi, IdentityPolicy, RequestSimulator, Source } from '../../src';

const HOME = '123456789012';
const PARTNER = '111111111111';
const STRANGER = '999999999999';
const ORG = 'o-a1b2c3d4e5';

function setup(props: Partial<ConstructorParameters<typeof CrossAccountApi>[2]> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: HOME, region: 'us-east-1' } });
  const api = new CrossAccountApi(stack, 'Api', {
    allow: [Source.accounts([PARTNER]), Source.organization(ORG)],
    ...props,
  });
  api.root.addResource('orders').addMethod('GET', new apigw.MockIntegration());
  return { app, stack, api };
}

describe('CrossAccountApi', () => {
  test('every method is AWS_IAM and the policy admits only the allowed accounts and organization', () => {
    // GIVEN / WHEN
    const { stack } = setup();

    // THEN
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', AuthorizationType: 'AWS_IAM' });
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Policy: {
        Version: '2012-10-17',
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'execute-api:Invoke',
            Condition: { StringNotEquals: { 'aws:PrincipalAccount': PARTNER, 'aws:PrincipalOrgID': ORG } },
          }),
          Match.objectLike({ Effect: 'Allow', Action: 'execute-api:Invoke' }),
        ]),
      },
    });
  });

  test('deny sources refuse callers the allow list admits', () => {
    // GIVEN / WHEN
    const { stack } = setup({ deny: [Source.accounts(['222222222222'])] });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::RestApi', {
      Policy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { StringEquals: { 'aws:PrincipalAccount': '222222222222' } } }),
        ]),
      }),
    });
  });

  test('invokePolicyStatement gives the caller side the real execute-api ARN', () => {
    // GIVEN
    const { stack, api } = setup();

    // WHEN
    const statement = api.invokePolicyStatement({ method: 'GET', path: '/orders' });

    // THEN
    expect(stack.resolve(statement.toStatementJson())).toEqual({
      Effect: 'Allow',
      Action: 'execute-api:Invoke',
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            `:execute-api:us-east-1:${HOME}:`,
            { Ref: stack.getLogicalId(api.node.defaultChild as apigw.CfnRestApi) },
            '/',
            { Ref: stack.getLogicalId(api.deploymentStage.node.defaultChild as apigw.CfnStage) },
            '/GET/orders',
          ],
        ],
      },
    });
  });

  test('grantInvoke adds execute-api:Invoke, scoped, to a principal of this app', () => {
    // GIVEN
    const { stack, api } = setup({ allow: [Source.accounts([HOME])] });
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    api.grantInvoke(role, { method: 'GET', path: '/orders/*' });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
          }),
        ],
      },
    });
  });

  test('passes cdk-nag AwsSolutions with no unacknowledged finding', () => {
    const { stack } = setup();
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });

  describe('what a request gets (simulator)', () => {
    const get = (caller?: { account: string; orgId?: string; identityPolicy?: IdentityPolicy }) =>
      RequestSimulator.fromStack(setup().stack).invoke({
        method: 'GET',
        path: '/orders',
        sourceIp: '198.51.100.7',
        caller,
      });

    test('the allowed account gets 200', () => {
      expect(get({ account: PARTNER }).statusCode).toBe(200);
    });

    test('another account gets 403', () => {
      const r = get({ account: STRANGER });
      expect(r.statusCode).toBe(403);
    });

    test('an anonymous caller gets 403', () => {
      expect(get(undefined).statusCode).toBe(403);
    });

    test('a member of the organization gets 200', () => {
      expect(get({ account: STRANGER, orgId: ORG }).statusCode).toBe(200);
    });

    test('the allowed account without an identity-policy allow gets 403 (both sides must allow)', () => {
      expect(get({ account: PARTNER, identityPolicy: IdentityPolicy.NONE }).statusCode).toBe(403);
    });

    test('a caller of the API owner account gets 403 unless allowed', () => {
      expect(get({ account: HOME, identityPolicy: IdentityPolicy.ALLOW }).statusCode).toBe(403);
    });
  });

  test('explain shows the allowed account and organization admitted, others refused', () => {
    // GIVEN / WHEN
    const report = RequestSimulator.fromStack(setup().stack).explain();

    // THEN
    const header = report.split('\n').find((l) => l.startsWith('| method |'))!;
    const row = report.split('\n').find((l) => l.startsWith('| GET | /orders |'))!;
    const cell = (label: string) => row.split('|')[header.split('|').findIndex((h) => h.trim() === label)].trim();
    expect(cell(`IAM ${PARTNER}`)).toBe('✅');
    expect(cell(`IAM in org ${ORG}`)).toBe('✅');
    expect(cell('IAM other account')).toBe('❌ 403');
    expect(cell('internet')).toBe('❌ 403');
  });

  test('fails when allow is empty', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    expect(() => new CrossAccountApi(stack, 'Partners', { allow: [] })).toThrow(
      /CrossAccountApi 'Stack\/Partners': 'allow' must not be empty: got \[\]; expected at least one Source/,
    );
  });

  test('fails when the default authorization is not IAM', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    expect(
      () =>
        new CrossAccountApi(stack, 'Partners', {
          allow: [Source.accounts([PARTNER])],
          defaultMethodOptions: { authorizationType: apigw.AuthorizationType.NONE },
        }),
    ).toThrow(/'defaultMethodOptions.authorizationType' is invalid: got "NONE"; expected AuthorizationType.IAM/);
  });

  test('fails when a method sets NONE', () => {
    // GIVEN
    const { stack, api } = setup();

    // WHEN
    api.root
      .addResource('public')
      .addMethod('GET', new apigw.MockIntegration(), { authorizationType: apigw.AuthorizationType.NONE });

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(
      /CrossAccountApi 'Stack\/Api': '\/public GET authorizationType' is invalid: got "NONE"; expected AWS_IAM on every method/,
    );
  });

  test('a NONE method is accepted when allowNonIamMethods is set', () => {
    const { stack, api } = setup({ allowNonIamMethods: true });
    api.root
      .addResource('health')
      .addMethod('GET', new apigw.MockIntegration(), { authorizationType: apigw.AuthorizationType.NONE });
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::Method', { AuthorizationType: 'NONE' });
  });

  test('fails when an account id is malformed', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    expect(() => new CrossAccountApi(stack, 'Partners', { allow: [Source.accounts(['1234'])] })).toThrow(
      /Source\.accounts: 'accounts\[0\]' is malformed: got "1234"; expected a 12-digit AWS account id/,
    );
  });

  test('snapshot', () => {
    const { stack } = setup();
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});
