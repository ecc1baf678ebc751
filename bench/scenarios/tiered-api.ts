/**
 * TieredApi with 3 tiers and N keys in key shards, vs the same resources written by hand with aws-cdk-lib:
 * a RestApi with the TieredApi defaults (CloudWatch role, JSON access log, stage throttle, request
 * validator, key-required method), one UsagePlan per tier, and the keys with their UsagePlanKeys in
 * nested stacks chosen by the same hash.
 *
 * Profile (node --cpu-prof, 300 keys): most of the time of both sides goes to aws-cdk-lib capturing a
 * stack trace for every L1 resource (and, under ts-node, to source-map support rewriting those traces);
 * UsageTiers' own work per key (checks, shard choice) is about 2% of addKey.
 *
 * Plus a scaling scenario: synthesis of 1,000 keys takes at most 11× that of 100 (ours at 1,000 over ours
 * at 100: near-linear growth, no quadratic pass over the keys).
 */
import { Stack, NestedStack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { TieredApi } from '../../src/apis';
import { keyShardIndex } from '../../src/usage/key-shards';
import { Scenario, synthTimeMs, templateBytes } from '../harness';

export const TIERS = [
  { name: 'free', throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 1_000, period: apigw.Period.DAY } },
  { name: 'basic', throttle: { rateLimit: 50, burstLimit: 100 }, quota: { limit: 50_000, period: apigw.Period.MONTH } },
  { name: 'premium', throttle: { rateLimit: 500, burstLimit: 1000 } },
];

/** Shards for n keys: about 150 keys (300 resources) per shard. */
export function shardsFor(n: number): number {
  return Math.max(1, Math.ceil(n / 150));
}

export function ours(n: number) {
  return (stack: Stack) => {
    // Without cdk-nag acknowledgements (metadata only), so that both sides have the same template content.
    const api = new TieredApi(stack, 'Api', { tiers: TIERS, keyShards: shardsFor(n), acknowledgeNagFindings: false });
    api.root.addMethod('GET', new apigw.MockIntegration());
    for (let i = 0; i < n; i++) api.addKey(`customer-${i}`, { tier: TIERS[i % 3].name });
  };
}

export function baseline(n: number) {
  return (stack: Stack) => {
    const api = new apigw.RestApi(stack, 'Api', {
      cloudWatchRole: true,
      defaultMethodOptions: { apiKeyRequired: true },
      deployOptions: {
        throttlingRateLimit: 1000,
        throttlingBurstLimit: 2000,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        accessLogDestination: new apigw.LogGroupLogDestination(
          new logs.LogGroup(stack, 'AccessLogs', { retention: logs.RetentionDays.ONE_YEAR }),
        ),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    api.addRequestValidator('DefaultValidator', { validateRequestBody: true, validateRequestParameters: true });
    api.root.addMethod('GET', new apigw.MockIntegration());
    const plans = TIERS.map((t) => {
      const plan = new apigw.UsagePlan(stack, t.name, { name: t.name, throttle: t.throttle, quota: t.quota });
      plan.addApiStage({ stage: api.deploymentStage });
      return plan;
    });
    const shards = new Map<number, Construct>();
    const count = shardsFor(n);
    for (let i = 0; i < n; i++) {
      const id = `customer-${i}`;
      const s = keyShardIndex(id, count);
      let scope = shards.get(s);
      if (!scope) {
        scope = new Construct(new NestedStack(stack, `KeyShard${s}`), 'Keys');
        shards.set(s, scope);
      }
      const key = new apigw.ApiKey(scope, `Key:${id}`);
      new apigw.CfnUsagePlanKey(scope, `Key:${id}@${TIERS[i % 3].name}`, {
        keyId: key.keyId,
        keyType: 'API_KEY',
        usagePlanId: plans[i % 3].usagePlanId,
      });
    }
  };
}

export const scenarios: Scenario[] = [
  ...[10, 100, 1000].flatMap((n): Scenario[] => {
    const name = `tiered-api: ${n} keys over 3 tiers, ${shardsFor(n)} key shard(s)`;
    return [
      {
        name,
        metric: 'synth wall time (ms)',
        goal: '<= 1.10',
        ours: () => synthTimeMs(ours(n)),
        baseline: () => synthTimeMs(baseline(n)),
        rounds: n >= 1000 ? 3 : 7,
      },
      {
        name,
        metric: 'root template bytes',
        goal: '<= 1.10',
        ours: () => templateBytes(ours(n)),
        baseline: () => templateBytes(baseline(n)),
        rounds: 1,
      },
    ];
  }),
  {
    name: 'tiered-api: synth time of 1,000 keys over that of 100 (ours / ours)',
    metric: 'synth wall time (ms)',
    goal: '<= 11',
    ours: () => synthTimeMs(ours(1000)),
    baseline: () => synthTimeMs(ours(100)),
    rounds: 3,
  },
];
