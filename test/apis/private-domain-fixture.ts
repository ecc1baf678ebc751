import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AccessPolicy, PrivateApi } from '../../src';

/** A PrivateApi with two endpoints and a private domain for the first. */
export const ACCOUNT = '123456789012';
export const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

export function domainSetup(options: { basePath?: string; accessPolicy?: AccessPolicy } = {}) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 1,
    natGateways: 0,
    subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const endpoint = vpc.addInterfaceEndpoint('ExecuteApi', { service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY });
  const other = vpc.addInterfaceEndpoint('Other', { service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY });
  const api = new PrivateApi(stack, 'Api', { vpcEndpoints: [endpoint, other] });
  api.root.addResource('items').addMethod('GET', new apigw.MockIntegration());
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', CERT);
  const domain = api.addPrivateDomainName('Internal', {
    domainName: 'orders.internal.example.com',
    certificate,
    vpcEndpoints: [endpoint],
    ...options,
  });
  const ref = (e: ec2.InterfaceVpcEndpoint) => ({ Ref: stack.getLogicalId(e.node.defaultChild as ec2.CfnVPCEndpoint) });
  return { app, stack, vpc, endpoint, other, api, certificate, domain, ref };
}
