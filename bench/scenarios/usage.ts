/**
 * Usage tiers: N API keys spread over 3 tiers on one stage, built with UsageTiers vs by hand with
 * aws-cdk-lib (`UsagePlan` + `addApiStage` + `ApiKey` + `addApiKey`).
 *
 * With 400 keys both sides define more than 800 resources, over CloudFormation's 500 per template: the
 * stack resource check is switched off on both sides (context `@aws-cdk/core:stackResourceLimit` = 0) so
 * that synthesis can be measured at all; a real app would split such keys across stacks or create them at
 * run time (`grantKeyManagement`).
 */
import { Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { UsageTiers } from '../../src/usage';
import { againstHandWritten, Scenario } from '../harness';

const TIERS = [
  { name: 'free', throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 1_000, period: apigw.Period.DAY } },
  { name: 'basic', throttle: { rateLimit: 50, burstLimit: 100 }, quota: { limit: 50_000, period: apigw.Period.MONTH } },
  {
    name: 'premium',
    throttle: { rateLimit: 500, burstLimit: 1000 },
    quota: { limit: 1_000_000, period: apigw.Period.MONTH },
  },
];

function api(stack: Stack): apigw.RestApi {
  stack.node.setContext('@aws-cdk/core:stackResourceLimit', 0);
  const a = new apigw.RestApi(stack, 'Api', { defaultMethodOptions: { apiKeyRequired: true } });
  a.root.addMethod('GET', new apigw.MockIntegration());
  return a;
}

function ours(n: number) {
  return (stack: Stack) => {
    const a = api(stack);
    const tiers = new UsageTiers(stack, 'Tiers', { stages: [a.deploymentStage], tiers: TIERS });
    for (let i = 0; i < n; i++) tiers.addKey(`key${i}`, { tier: TIERS[i % 3].name });
  };
}

function baseline(n: number) {
  return (stack: Stack) => {
    const a = api(stack);
    const plans = TIERS.map((t) => {
      const plan = new apigw.UsagePlan(stack, t.name, { name: t.name, throttle: t.throttle, quota: t.quota });
      plan.addApiStage({ stage: a.deploymentStage });
      return plan;
    });
    for (let i = 0; i < n; i++) plans[i % 3].addApiKey(new apigw.ApiKey(stack, `key${i}`));
  };
}

export const scenarios: Scenario[] = [10, 100, 400].flatMap((n) =>
  againstHandWritten(
    `usage: ${n} keys over 3 tiers${n > 150 ? ' (resource limit off on both sides)' : ''}`,
    ours(n),
    baseline(n),
    // retained heap only where both sides keep more than 1 MB (0.2 / 0.9 MB at 10 / 100 keys)
    { timeRounds: n >= 400 ? 5 : 9, retainedHeap: n >= 400 },
  ),
);
