/**
 * AccessPolicy on a public REST API: GET /public/* is open to anyone, everything else only to the
 * documentation range 192.0.2.0/24 (which the assertion's Lambda is never in).
 * Expected: GET /public/hello → 200; GET /internal → 403 (explicit deny from the resource policy).
 * Deploy with credentials: `npx integ-runner --directory integ --language typescript --update-on-failed`.
 * CI verifies the committed snapshot only.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { AccessPolicy, ApiScope, Source } from '../src';

const app = new App();
const stack = new Stack(app, 'GatekeeperIntegAccess');

const api = new apigw.RestApi(stack, 'Api', { deployOptions: { stageName: 'prod' } });
const ok = new apigw.MockIntegration({
  requestTemplates: { 'application/json': '{"statusCode": 200}' },
  integrationResponses: [{ statusCode: '200', responseTemplates: { 'application/json': '{"ok": true}' } }],
});
const methodOptions = { methodResponses: [{ statusCode: '200' }] };
api.root.addResource('public').addResource('hello').addMethod('GET', ok, methodOptions);
api.root.addResource('internal').addMethod('GET', ok, methodOptions);

new AccessPolicy({ allow: [Source.ipRanges(['192.0.2.0/24'])] })
  .allowOn(ApiScope.methods(['GET'], '/public/*'), Source.anyone())
  .applyTo(api);

const integ = new IntegTest(app, 'AccessPolicy', { testCases: [stack] });
integ.assertions
  .httpApiCall(api.urlForPath('/public/hello'))
  .expect(ExpectedResult.objectLike({ status: 200, body: { ok: true } }));
integ.assertions.httpApiCall(api.urlForPath('/internal')).expect(ExpectedResult.objectLike({ status: 403 }));
