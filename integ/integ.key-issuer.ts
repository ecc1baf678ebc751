/**
 * Integration test of KeyIssuer: a TieredApi whose keys are only issued at run time.
 *
 * - issue a key for a customer into `standard` (the invoke's result carries the value)
 * - the API answers 200 to that key (retried: a new key takes a moment to reach the gateway)
 * - issuing again returns the same key id; `get` shows it enabled in `standard`
 * - move it to `limited` (a lower burst): same key, still 200
 * - revoke it: the API answers 403 (retried until the change has propagated)
 *
 * Deploy with credentials: `npx integ-runner --directory integ --language typescript --update-on-failed`.
 * CI verifies the committed snapshot only.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { TieredApi } from '../src/apis';
import { KeyIssuer } from '../src/usage';

const CUSTOMER = 'integ-customer-1';

const app = new App();
const stack = new Stack(app, 'GatekeeperIntegKeyIssuer');

const api = new TieredApi(stack, 'Api', {
  deployOptions: { stageName: 'prod' },
  tiers: [
    { name: 'standard', throttle: { rateLimit: 50, burstLimit: 100 } },
    { name: 'limited', throttle: { rateLimit: 5, burstLimit: 10 } },
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

const issuer = new KeyIssuer(stack, 'Issuer', { tiers: api.tiers, maxKeys: 10 });

const integ = new IntegTest(app, 'KeyIssuer', { testCases: [stack] });
const invoke = (request: object) =>
  integ.assertions.invokeFunction({ functionName: issuer.function.functionName, payload: JSON.stringify(request) });
const url = api.urlForPath('/items');
const retried = { totalTimeout: Duration.minutes(3), interval: Duration.seconds(10) };

const issue = invoke({ action: 'issue', customerId: CUSTOMER, tier: 'standard' });
const value = issue.getAttString('Payload.value');
const keyId = issue.getAttString('Payload.keyId');

const ok = integ.assertions
  .httpApiCall(url, { headers: { 'x-api-key': value } })
  .expect(ExpectedResult.objectLike({ status: 200, body: { items: [] } }));
ok.waitForAssertions(retried);

const issueAgain = invoke({ action: 'issue', customerId: CUSTOMER, tier: 'standard' }).expect(
  ExpectedResult.objectLike({
    Payload: Match.serializedJson(Match.objectLike({ customerId: CUSTOMER, tier: 'standard', keyId })),
  }),
);

const move = invoke({ action: 'move', customerId: CUSTOMER, tier: 'limited' }).expect(
  ExpectedResult.objectLike({
    Payload: Match.serializedJson({ customerId: CUSTOMER, tier: 'limited', keyId, enabled: true }),
  }),
);

const afterMove = integ.assertions
  .httpApiCall(url, { headers: { 'x-api-key': value } })
  .expect(ExpectedResult.objectLike({ status: 200 }));
afterMove.waitForAssertions(retried);

const revoke = invoke({ action: 'revoke', customerId: CUSTOMER }).expect(
  ExpectedResult.objectLike({
    Payload: Match.serializedJson({ customerId: CUSTOMER, tier: 'limited', keyId, enabled: false }),
  }),
);

const refused = integ.assertions
  .httpApiCall(url, { headers: { 'x-api-key': value } })
  .expect(ExpectedResult.objectLike({ status: 403 }));
refused.waitForAssertions(retried);

issue.next(ok).next(issueAgain).next(move).next(afterMove).next(revoke).next(refused);
