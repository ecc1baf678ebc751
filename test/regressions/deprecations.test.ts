/* eslint-disable @typescript-eslint/no-require-imports */
// Set before aws-cdk-lib is loaded: deprecated aws-cdk-lib APIs then throw instead of warning.
process.env.JSII_DEPRECATED = 'fail';

import type * as CdkLib from 'aws-cdk-lib';
import type * as Apigw from 'aws-cdk-lib/aws-apigateway';
import type * as Ec2 from 'aws-cdk-lib/aws-ec2';
import type * as Iam from 'aws-cdk-lib/aws-iam';
import type * as Lib from '../../src';

function load() {
  return {
    cdk: require('aws-cdk-lib') as typeof CdkLib,
    apigw: require('aws-cdk-lib/aws-apigateway') as typeof Apigw,
    ec2: require('aws-cdk-lib/aws-ec2') as typeof Ec2,
    iam: require('aws-cdk-lib/aws-iam') as typeof Iam,
    lib: require('../../src') as typeof Lib,
  };
}

const ENV = { account: '123456789012', region: 'us-east-1' };

describe('class 13: no deprecated aws-cdk-lib API is used (JSII_DEPRECATED=fail)', () => {
  const { cdk, apigw, ec2, iam, lib } = load();

  function newStack() {
    const app = new cdk.App();
    return { app, stack: new cdk.Stack(app, 'S', { env: ENV }) };
  }

  test('the setting is in force: a deprecated aws-cdk-lib prop throws', () => {
    const { stack } = newStack();
    expect(() => new ec2.Vpc(stack, 'V', { cidr: '10.0.0.0/16' })).toThrow(/deprecated/);
  });

  test('PrivateApi synthesizes', () => {
    const { app, stack } = newStack();
    expect(() => {
      const vpc = new ec2.Vpc(stack, 'Vpc', {
        maxAzs: 1,
        natGateways: 0,
        subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      });
      const endpoint = vpc.addInterfaceEndpoint('E', { service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY });
      const api = new lib.PrivateApi(stack, 'Api', { vpcEndpoints: [endpoint], vpcs: [vpc] });
      api.root.addResource('items').addMethod('GET', new apigw.MockIntegration());
      api.accessPolicy.denyOn(lib.ApiScope.methods(['DELETE']), lib.Source.anyone());
      app.synth();
    }).not.toThrow();
  });

  test('CrossAccountApi synthesizes, with grantInvoke and invokePolicyStatement', () => {
    const { app, stack } = newStack();
    expect(() => {
      const api = new lib.CrossAccountApi(stack, 'Api', {
        allow: [
          lib.Source.accounts(['111122223333']),
          lib.Source.principals([new iam.ArnPrincipal('arn:aws:iam::111122223333:role/app')]),
        ],
      });
      api.root.addMethod('GET', new apigw.MockIntegration());
      const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
      api.grantInvoke(role);
      stack.resolve(api.invokePolicyStatement({ method: 'GET', path: '/' }).toStatementJson());
      app.synth();
    }).not.toThrow();
  });

  test('TieredApi synthesizes, with tiers, keys and key management', () => {
    const { app, stack } = newStack();
    expect(() => {
      const api = new lib.TieredApi(stack, 'Api', {
        tiers: [
          {
            name: 'free',
            throttle: { rateLimit: 5, burstLimit: 10 },
            quota: { limit: 1000, period: apigw.Period.DAY },
          },
        ],
        accessPolicy: new lib.AccessPolicy({ allow: [lib.Source.ipRanges(['203.0.113.0/24'])] }),
      });
      api.root.addMethod('GET', new apigw.MockIntegration());
      api.addTier({ name: 'premium', throttle: { rateLimit: 50, burstLimit: 100 } });
      api.addKey('acme', { tier: 'premium' });
      const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      api.grantKeyManagement(role, 'free');
      app.synth();
    }).not.toThrow();
  });

  test('UsageTiers on a plain RestApi synthesizes', () => {
    const { app, stack } = newStack();
    expect(() => {
      const api = new apigw.RestApi(stack, 'Api');
      api.root.addMethod('GET', new apigw.MockIntegration());
      const tiers = new lib.UsageTiers(stack, 'Tiers', {
        stages: [api.deploymentStage],
        tiers: [{ name: 'free', throttle: { rateLimit: 5, burstLimit: 10 } }],
      });
      tiers.addKey('alice', { tier: 'free' });
      tiers.importKey('bob', 'abcdef1234', { tier: 'free' });
      app.synth();
    }).not.toThrow();
  });

  test('AccessPolicy.applyTo on RestApi and SpecRestApi synthesizes, and the simulator reads it', () => {
    const { app, stack } = newStack();
    expect(() => {
      const api = new apigw.RestApi(stack, 'Api');
      api.root.addMethod('GET', new apigw.MockIntegration());
      const policy = new lib.AccessPolicy({ allow: [lib.Source.anyone()] });
      policy.denyOn(lib.ApiScope.paths(['/admin']), lib.Source.ipRanges(['198.51.100.0/24']));
      policy.applyTo(api);
      const spec = new apigw.SpecRestApi(stack, 'Spec', {
        apiDefinition: apigw.ApiDefinition.fromInline({
          openapi: '3.0.1',
          info: { title: 't', version: '1' },
          paths: {},
        }),
      });
      policy.applyTo(spec);
      app.synth();
      lib.RequestSimulator.fromStack(stack).invoke({
        api: stack.getLogicalId(api.node.defaultChild as any),
        method: 'GET',
        path: '/',
      });
    }).not.toThrow();
  });
});
