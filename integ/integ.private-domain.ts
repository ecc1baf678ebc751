/**
 * Integration test of a private custom domain name (PrivateApi.addPrivateDomainName), with real request
 * outcomes from a Lambda function inside the VPC:
 *
 * - through the listed endpoint and the domain (`https://{domain}/v1/items`, resolved by a private hosted
 *   zone to that endpoint) → 200;
 * - through another endpoint of the same VPC that the API admits and that has an access association with
 *   the domain, but that the domain does not list (TLS server name and Host = the domain) → 403 from the
 *   domain's policy.
 *
 * Deploying needs an ACM certificate for the domain name in the test's account and region: set
 * INTEG_PRIVATE_DOMAIN and INTEG_PRIVATE_DOMAIN_CERT_ARN, then
 * `npx integ-runner --directory integ --language typescript --update-on-failed integ.private-domain.ts`.
 * CI verifies the committed snapshot only (made with the placeholder values below).
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { PrivateApi } from '../src';

const DOMAIN = process.env.INTEG_PRIVATE_DOMAIN ?? 'orders.internal.example.com';
const CERT_ARN =
  process.env.INTEG_PRIVATE_DOMAIN_CERT_ARN ??
  'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000';

const app = new App();
const stack = new Stack(app, 'GatekeeperIntegPrivateDomain');

const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});
const service = ec2.InterfaceVpcEndpointAwsService.APIGATEWAY;
const listed = vpc.addInterfaceEndpoint('Listed', { service, privateDnsEnabled: false });
const other = vpc.addInterfaceEndpoint('Other', { service, privateDnsEnabled: false });

const api = new PrivateApi(stack, 'Api', { vpcEndpoints: [listed, other] });
api.root.addResource('items').addMethod(
  'GET',
  new apigw.MockIntegration({
    requestTemplates: { 'application/json': '{"statusCode": 200}' },
    integrationResponses: [{ statusCode: '200', responseTemplates: { 'application/json': '{"ok": true}' } }],
  }),
  { methodResponses: [{ statusCode: '200' }] },
);
const domain = api.addPrivateDomainName('Internal', {
  domainName: DOMAIN,
  certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERT_ARN),
  basePath: 'v1',
  vpcEndpoints: [listed],
});
// The other endpoint can reach the domain (an association made by hand), but the domain's policy does not list it.
new apigw.CfnDomainNameAccessAssociation(stack, 'OtherAssociation', {
  accessAssociationSource: other.vpcEndpointId,
  accessAssociationSourceType: 'VPCE',
  domainNameArn: domain.domainNameArn,
});

const zone = new route53.PrivateHostedZone(stack, 'Zone', { zoneName: DOMAIN, vpc });
new route53.ARecord(stack, 'Alias', {
  zone,
  target: route53.RecordTarget.fromAlias(new targets.InterfaceVpcEndpointTarget(listed)),
});

/** `host` is where the connection goes; the TLS server name and Host header are always the domain. */
const caller = new lambda.Function(stack, 'Caller', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  vpc,
  vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  timeout: Duration.seconds(30),
  code: lambda.Code.fromInline(`
const https = require('https');
exports.handler = (event) => new Promise((resolve) => {
  const req = https.request({ host: event.host, servername: event.domain, path: event.path, headers: { Host: event.domain } },
    (res) => { res.resume(); resolve(res.statusCode); });
  req.on('error', (e) => resolve('error: ' + e.message));
  req.end();
});`),
});

const dnsName = (e: ec2.InterfaceVpcEndpoint) => Fn.select(1, Fn.split(':', Fn.select(0, e.vpcEndpointDnsEntries)));
const integ = new IntegTest(app, 'PrivateDomain', { testCases: [stack] });
const invoke = (host: string) =>
  integ.assertions.invokeFunction({
    functionName: caller.functionName,
    payload: stack.toJsonString({ host, domain: DOMAIN, path: '/v1/items' }),
  });

const viaDomain = invoke(DOMAIN).expect(ExpectedResult.objectLike({ Payload: '200' }));
// Domains and associations take about 15 minutes to be ready.
viaDomain.waitForAssertions({ totalTimeout: Duration.minutes(30), interval: Duration.minutes(1) });
const viaOther = invoke(dnsName(other)).expect(ExpectedResult.objectLike({ Payload: '403' }));
viaOther.waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.minutes(1) });
viaDomain.next(viaOther);
