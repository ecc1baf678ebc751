import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PrivateApi, RequestSimulator } from '../../src';

const VPCE_A = 'vpce-0a0a0a0a0a0a0a0a0';
const OPENING =
  /'policy' admits a request through an unlisted VPC endpoint \(anonymous caller\): got "GET \/ on stage prod"/;

function setup() {
  const app = new App();
  const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  const api = new PrivateApi(stack, 'Api', { vpcEndpointIds: [VPCE_A] });
  api.root.addMethod('GET', new apigw.MockIntegration());
  return { app, stack, api, cfn: api.node.defaultChild as apigw.CfnRestApi };
}

/** Deny through one endpoint given by an intrinsic, Allow everyone else. */
function denyOneAllowAll(vpceRef: unknown) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 'execute-api:Invoke',
        Resource: 'execute-api:/*',
        Condition: { StringEquals: { 'aws:SourceVpce': vpceRef } },
      },
      { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
    ],
  };
}

describe('class 5: the PrivateApi check reads an uncertain Deny as not applying', () => {
  test('an L1 policy denying one endpoint by { Ref: parameter } and allowing * fails synthesis', () => {
    // GIVEN
    const { app, stack, cfn } = setup();
    new CfnParameter(stack, 'Vpce', { type: 'String' });

    // WHEN
    cfn.policy = denyOneAllowAll({ Ref: 'Vpce' });

    // THEN
    expect(() => app.synth()).toThrow(OPENING);
  });

  test('an L1 policy denying one endpoint by { Ref: another resource } and allowing * fails synthesis', () => {
    // GIVEN
    const { app, stack, cfn } = setup();
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 1,
      natGateways: 0,
      subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    const endpoint = vpc.addInterfaceEndpoint('E', { service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY });

    // WHEN
    cfn.policy = denyOneAllowAll({ Ref: stack.getLogicalId(endpoint.node.defaultChild as ec2.CfnVPCEndpoint) });

    // THEN
    expect(() => app.synth()).toThrow(OPENING);
  });

  test('an L1 policy denying one endpoint by Fn::ImportValue and allowing * fails synthesis', () => {
    // GIVEN
    const { app, cfn } = setup();

    // WHEN
    cfn.policy = denyOneAllowAll({ 'Fn::ImportValue': 'SharedVpce' });

    // THEN
    expect(() => app.synth()).toThrow(OPENING);
  });

  test('the default PrivateApi synthesizes and refuses an unlisted endpoint', () => {
    // GIVEN
    const { app, stack } = setup();

    // WHEN
    app.synth();

    // THEN
    const sim = RequestSimulator.fromStack(stack);
    expect(sim.invoke({ method: 'GET', path: '/', vpcEndpointId: 'vpce-0c0c0c0c0c0c0c0c0' }).statusCode).toBe(403);
    expect(sim.invoke({ method: 'GET', path: '/', vpcEndpointId: VPCE_A }).statusCode).toBe(200);
  });

  test('addToResourcePolicy(Allow *) keeps the endpoint restriction (synthesizes, unlisted endpoint 403)', () => {
    // GIVEN
    const { app, stack, api } = setup();

    // WHEN
    api.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*'],
      }),
    );

    // THEN
    app.synth();
    const sim = RequestSimulator.fromStack(stack);
    expect(sim.invoke({ method: 'GET', path: '/', vpcEndpointId: 'vpce-0c0c0c0c0c0c0c0c0' }).statusCode).toBe(403);
  });

  test.each([
    ['addOverride(Properties.Policy)', (c: apigw.CfnRestApi, doc: unknown) => c.addOverride('Properties.Policy', doc)],
    ['addPropertyOverride(Policy)', (c: apigw.CfnRestApi, doc: unknown) => c.addPropertyOverride('Policy', doc)],
    [
      'addPropertyOverride(Policy.Statement)',
      (c: apigw.CfnRestApi, doc: any) => c.addPropertyOverride('Policy.Statement', doc.Statement),
    ],
  ])('a raw override of the policy (%s) fails synthesis instead of bypassing the check', (_name, override) => {
    // GIVEN
    const { app, cfn } = setup();

    // WHEN
    override(cfn, {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }],
    });

    // THEN
    expect(() => app.synth()).toThrow(/the resource policy is overridden with addOverride\/addPropertyOverride/);
  });
});
