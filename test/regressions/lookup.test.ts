import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PrivateApi, Source } from '../../src';

const ENV = { account: '123456789012', region: 'us-east-1' };

describe('class 9: a VPC from Vpc.fromLookup is accepted while its lookup is pending', () => {
  test('PrivateApi({ vpcs: [Vpc.fromLookup(...)] }) synthesizes with the lookup dummy', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const vpc = ec2.Vpc.fromLookup(stack, 'V', { vpcId: 'vpc-0123' });

    // WHEN
    const api = new PrivateApi(stack, 'Api', { vpcs: [vpc] });
    api.root.addMethod('GET', new apigw.MockIntegration());

    // THEN: synthesis succeeds, the lookup is requested, and the policy restricts by aws:SourceVpc
    const assembly = app.synth();
    expect(assembly.manifest.missing?.some((m) => m.provider === 'vpc-provider')).toBe(true);
    const apis = Template.fromStack(stack).findResources('AWS::ApiGateway::RestApi');
    const text = JSON.stringify(Object.values(apis)[0].Properties.Policy);
    expect(text).toContain('aws:SourceVpc');
    expect(text).toContain(vpc.vpcId);
  });

  test('Source.vpcs([Vpc.fromLookup(...)]) is accepted', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S', { env: ENV });
    const vpc = ec2.Vpc.fromLookup(stack, 'V', { vpcId: 'vpc-0123' });

    // WHEN / THEN
    expect(() => Source.vpcs([vpc])).not.toThrow();
  });

  test('once the lookup is cached, the real VPC id is used', () => {
    // GIVEN: the context a deploy would have cached
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const key = `vpc-provider:account=${ENV.account}:filter.vpc-id=vpc-0123456789abcdef0:region=${ENV.region}:returnAsymmetricSubnets=true`;
    stack.node.setContext(key, {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidrBlock: '10.0.0.0/16',
      availabilityZones: [],
      subnetGroups: [],
    });
    const vpc = ec2.Vpc.fromLookup(stack, 'V', { vpcId: 'vpc-0123456789abcdef0' });

    // WHEN
    const api = new PrivateApi(stack, 'Api', { vpcs: [vpc] });
    api.root.addMethod('GET', new apigw.MockIntegration());

    // THEN
    const apis = Template.fromStack(stack).findResources('AWS::ApiGateway::RestApi');
    expect(JSON.stringify(Object.values(apis)[0].Properties.Policy)).toContain('vpc-0123456789abcdef0');
  });

  test('a malformed literal VPC id (not a lookup) is still refused', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'V', { vpcId: 'vpc-0123', availabilityZones: ['us-east-1a'] });
    expect(() => new PrivateApi(stack, 'Api', { vpcs: [vpc] })).toThrow(/'vpcs\[0\]\.vpcId' is malformed.*expected/);
  });
});
