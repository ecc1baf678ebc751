/**
 * Integration test of UsageMeter on a TieredApi: a `free` tier (quota 100 a day) and one key with a
 * customer id.
 *
 * - three requests with the key → 200 each (the first is retried until the new key reaches the gateway;
 *   a refused key is not counted)
 * - the exporter is invoked until GetUsage reports the three requests for the current UTC day (GetUsage
 *   lags behind by an undocumented delay: docs/SEMANTICS.md "Metering"), and its result names that day
 * - the day's ledger object `usage/date=<day>/<planId>.jsonl` holds the key's line with its customer id
 *   and `"used":3`
 *
 * The test key has a literal value so the assertions can send it; real apps should let API Gateway
 * generate values. Deploy with credentials: `npx integ-runner --directory integ --language typescript
 * --update-on-failed`. CI verifies the committed snapshot only.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { TieredApi } from '../src';

const KEY_VALUE = 'integMeterKey0123456789abcdef';
const CUSTOMER = 'integ-customer';
const REQUESTS = 3;

const app = new App();
const stack = new Stack(app, 'GatekeeperIntegUsageMeter');

const api = new TieredApi(stack, 'Api', {
  tiers: [
    { name: 'free', throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 100, period: apigw.Period.DAY } },
  ],
});
api.root.addResource('items').addMethod(
  'GET',
  new apigw.MockIntegration({
    requestTemplates: { 'application/json': '{"statusCode": 200}' },
    integrationResponses: [{ statusCode: '200', responseTemplates: { 'application/json': '{"items": []}' } }],
  }),
  { methodResponses: [{ statusCode: '200' }] },
);
const key = api.addKey('meteredCustomer', { tier: 'free', value: KEY_VALUE, customerId: CUSTOMER });

// A ledger bucket the test can remove again (the default one is retained).
const ledgerBucket = new s3.Bucket(stack, 'Ledger', {
  encryption: s3.BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  removalPolicy: RemovalPolicy.DESTROY,
  autoDeleteObjects: true,
});
const meter = api.meter('Meter', { ledgerBucket });

const integ = new IntegTest(app, 'UsageMeter', { testCases: [stack] });
const url = api.urlForPath('/items');
const call = () => integ.assertions.httpApiCall(url, { headers: { 'x-api-key': KEY_VALUE } });

const first = call().expect(ExpectedResult.objectLike({ status: 200, body: { items: [] } }));
first.waitForAssertions({ totalTimeout: Duration.minutes(3), interval: Duration.seconds(10) });
let previous = first;
for (let i = 1; i < REQUESTS; i++) {
  const next = call().expect(ExpectedResult.objectLike({ status: 200 }));
  previous.next(next);
  previous = next;
}

// Re-invoked until GetUsage shows the requests (reported delays are 30–40 minutes).
const exported = integ.assertions.invokeFunction({ functionName: meter.exporter.functionName });
exported.assertAtPath('Payload.plans.0.requestsToday', ExpectedResult.exact(REQUESTS));
exported.waitForAssertions({ totalTimeout: Duration.minutes(60), interval: Duration.minutes(3) });
const today = exported.getAttString('Payload.dates.1');

const ledger = integ.assertions.awsApiCall('S3', 'getObject', {
  Bucket: ledgerBucket.bucketName,
  Key: `usage/date=${today}/${api.plan('free').usagePlanId}.jsonl`,
});
ledger.provider.addToRolePolicy({
  Effect: 'Allow',
  Action: ['s3:GetObject'],
  Resource: [`${ledgerBucket.bucketArn}/usage/*`],
});
ledger.expect(
  ExpectedResult.objectLike({
    Body: Match.stringLikeRegexp(
      `"tier":"free","usagePlanId":"[^"]+","keyId":"${key.keyId}","customerId":"${CUSTOMER}","used":${REQUESTS},`,
    ),
  }),
);
previous.next(exported).next(ledger);
