/**
 * TieredApi with 3 tiers and N keys in key shards, vs the same resources written by hand with aws-cdk-lib:
 * a RestApi with the TieredApi defaults (bench/hand-written.ts: CloudWatch role, JSON access log, TLS policy,
 * request validator; plus a stage throttle and key-required methods), one UsagePlan per tier, and the keys
 * with their UsagePlanKeys in nested stacks chosen by the same hash.
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
import { Construct } from 'constructs';
import { TieredApi } from '../../src/apis';
import { keyShardIndex } from '../../src/usage/key-shards';
import { secureRestApi } from '../hand-written';
import { againstHandWritten, Scenario, synthTimeMs } from '../harness';

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
    const api = secureRestApi(stack, {
      securityPolicy: 'SecurityPolicy_TLS12_PFS_2025_EDGE',
      throttle: { rateLimit: 1000, burstLimit: 2000 },
      props: { defaultMethodOptions: { apiKeyRequired: true } },
    });
    // Plans and shards where TieredApi puts them, so that logical ids have the same length on both sides.
    const tiers = new Construct(api, 'Tiers');
    const plans = TIERS.map((t) => {
      const plan = new apigw.UsagePlan(tiers, t.name, { name: t.name, throttle: t.throttle, quota: t.quota });
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
        scope = new Construct(new NestedStack(tiers, `KeyShard${s}`), 'Keys');
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
  ...[10, 100, 1000].flatMap((n) =>
    againstHandWritten(`tiered-api: ${n} keys over 3 tiers, ${shardsFor(n)} key shard(s)`, ours(n), baseline(n), {
      timeRounds: n >= 1000 ? 3 : 7,
      heapRounds: n >= 1000 ? 3 : 5,
      bytesMetric: 'root template bytes',
    }),
  ),
  {
    name: 'tiered-api: synth time of 1,000 keys over that of 100 (ours / ours)',
    metric: 'synth wall time (ms)',
    goal: '<= 11',
    ours: () => synthTimeMs(ours(1000)),
    baseline: () => synthTimeMs(ours(100)),
    rounds: 3,
  },
];
