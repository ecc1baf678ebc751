/**
 * Integration test of the three opinionated APIs, with real request outcomes:
 *
 * - TieredApi: no key → 403; the premium key → 200 (throttling is best-effort in API Gateway, so the
 *   429s are asserted offline by the simulator tests, not here).
 * - CrossAccountApi: an unsigned request → 403 Missing Authentication Token (every method is AWS_IAM).
 * - PrivateApi: API Gateway reports endpoint type PRIVATE and a stored policy with the VPC endpoint
 *   condition (the assertion Lambda runs outside the VPC, where the private DNS name does not resolve, so
 *   the private request itself is not made here).
 *
 * Deploy with credentials: `npx integ-runner --directory integ --language typescript --update-on-failed`.
 * CI verifies the committed snapshot only.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CrossAccountApi, PrivateApi, Source, TieredApi } from '../src';

const PREMIUM_KEY = 'integApisPremiumKey0123456789';
const FREE_KEY = 'integApisFreeKey0123456789ab';

function mock(): [apigw.MockIntegration, apigw.MethodOptions] {
  return [
    new apigw.MockIntegration({
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      integrationResponses: [{ statusCode: '200', responseTemplates: { 'application/json': '{"ok": true}' } }],
    }),
    { methodResponses: [{ statusCode: '200' }] },
  ];
}

const app = new App();
const stack = new Stack(app, 'GatekeeperIntegApis');

const tiered = new TieredApi(stack, 'Tiered', {
  tiers: [
    { name: 'free', throttle: { rateLimit: 1, burstLimit: 1 } },
    { name: 'premium', throttle: { rateLimit: 100, burstLimit: 200 } },
  ],
});
tiered.root.addResource('items').addMethod('GET', ...mock());
tiered.addKey('free', { tier: 'free', value: FREE_KEY });
tiered.addKey('premium', { tier: 'premium', value: PREMIUM_KEY });

const cross = new CrossAccountApi(stack, 'CrossAccount', { allow: [Source.accounts(['111111111111'])] });
cross.root.addResource('orders').addMethod('GET', ...mock());

const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 1,
  natGateways: 0,
  subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});
const endpoint = vpc.addInterfaceEndpoint('ExecuteApi', { service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY });
const priv = new PrivateApi(stack, 'Private', { vpcEndpoints: [endpoint] });
priv.root.addResource('items').addMethod('GET', ...mock());

const integ = new IntegTest(app, 'Apis', { testCases: [stack] });
const call = (url: string, apiKey?: string) =>
  integ.assertions.httpApiCall(url, apiKey ? { headers: { 'x-api-key': apiKey } } : undefined);

const noKey = call(tiered.urlForPath('/items')).expect(ExpectedResult.objectLike({ status: 403 }));
const premium = call(tiered.urlForPath('/items'), PREMIUM_KEY).expect(ExpectedResult.objectLike({ status: 200 }));
premium.waitForAssertions({ totalTimeout: Duration.minutes(3), interval: Duration.seconds(10) });
const unsigned = call(cross.urlForPath('/orders')).expect(
  ExpectedResult.objectLike({ status: 403, body: { message: 'Missing Authentication Token' } }),
);
const privateApi = integ.assertions.awsApiCall('APIGateway', 'getRestApi', { restApiId: priv.restApiId }).expect(
  ExpectedResult.objectLike({
    endpointConfiguration: { types: ['PRIVATE'] },
    policy: Match.stringLikeRegexp('aws:SourceVpce'),
  }),
);
noKey.next(premium).next(unsigned).next(privateApi);
