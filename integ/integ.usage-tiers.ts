/**
 * Integration test of UsageTiers: a REST API whose methods require an API key, a `free` tier with a quota
 * of 2 requests a day and a `premium` tier without a quota.
 *
 * - no key → 403 Forbidden; an unknown key → 403
 * - the premium key → 200
 * - the free key: 200 twice, then 429 `Limit Exceeded` (quotas are best-effort in API Gateway; these
 *   calls are not retried, so that every request counts once)
 *
 * Test keys have literal values so the assertions can send them; real apps should let API Gateway
 * generate values or use `secretValue`.
 * Deploy with credentials: `npx integ-runner --directory integ --language typescript --update-on-failed`.
 * CI verifies the committed snapshot only.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { UsageTiers } from '../src/usage';

const FREE_KEY = 'integFreeKey0123456789abcdef';
const PREMIUM_KEY = 'integPremiumKey0123456789abcdef';

const app = new App();
const stack = new Stack(app, 'GatekeeperIntegUsageTiers');

const api = new apigw.RestApi(stack, 'Api', {
  deployOptions: { stageName: 'prod' },
  defaultMethodOptions: { apiKeyRequired: true },
});
api.root.addResource('items').addMethod(
  'GET',
  new apigw.MockIntegration({
    requestTemplates: { 'application/json': '{"statusCode": 200}' },
    integrationResponses: [{ statusCode: '200', responseTemplates: { 'application/json': '{"items": []}' } }],
  }),
  { methodResponses: [{ statusCode: '200' }] },
);

const tiers = new UsageTiers(stack, 'Tiers', {
  stages: [api.deploymentStage],
  tiers: [
    { name: 'free', throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 2, period: apigw.Period.DAY } },
    {
      name: 'premium',
      throttle: { rateLimit: 100, burstLimit: 200 },
      methodThrottles: [{ method: 'GET', path: '/items', rateLimit: 50, burstLimit: 100 }],
    },
  ],
});
tiers.addKey('freeCustomer', { tier: 'free', value: FREE_KEY });
tiers.addKey('premiumCustomer', { tier: 'premium', value: PREMIUM_KEY });

const integ = new IntegTest(app, 'UsageTiers', { testCases: [stack] });
const url = api.urlForPath('/items');
const call = (apiKey?: string) =>
  integ.assertions.httpApiCall(url, apiKey ? { headers: { 'x-api-key': apiKey } } : undefined);

const noKey = call().expect(ExpectedResult.objectLike({ status: 403 }));
const unknownKey = call('unknownKey0123456789abcdef').expect(ExpectedResult.objectLike({ status: 403 }));
// Retried: a new key can take a moment to reach the gateway after the first deployment.
const premium = call(PREMIUM_KEY).expect(ExpectedResult.objectLike({ status: 200, body: { items: [] } }));
premium.waitForAssertions({ totalTimeout: Duration.minutes(3), interval: Duration.seconds(10) });
const free1 = call(FREE_KEY).expect(ExpectedResult.objectLike({ status: 200 }));
const free2 = call(FREE_KEY).expect(ExpectedResult.objectLike({ status: 200 }));
const free3 = call(FREE_KEY).expect(ExpectedResult.objectLike({ status: 429, body: { message: 'Limit Exceeded' } }));
noKey.next(unknownKey).next(premium).next(free1).next(free2).next(free3);
