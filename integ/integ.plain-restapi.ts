/**
 * Baseline integration test: a plain public REST API answers 200 on GET /items.
 * Deploy with credentials: `npx integ-runner --directory integ --language typescript --update-on-failed`.
 * CI verifies the committed snapshot only.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App } from 'aws-cdk-lib';
import { PlainApiStack } from '../examples/app';

const app = new App();
const stack = new PlainApiStack(app, 'GatekeeperIntegPlain');
const integ = new IntegTest(app, 'PlainRestApi', { testCases: [stack] });

integ.assertions
  .httpApiCall(stack.api.urlForPath('/items'))
  .expect(ExpectedResult.objectLike({ status: 200, body: { items: [] } }));
