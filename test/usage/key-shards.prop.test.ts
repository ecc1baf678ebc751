import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as fc from 'fast-check';
import { UsageTiers } from '../../src/usage';
import { keyShardIndex } from '../../src/usage/key-shards';
import { propertyRuns } from '../support/budget';

const TIERS = ['free', 'basic', 'premium'];
const KEY_ID = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,11}$/);

type Op = { kind: 'add'; id: string; tier: number } | { kind: 'remove'; pick: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), id: KEY_ID, tier: fc.nat(2) }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
);

/** Where each key of one app version landed: its shard, its logical id there, its binding's logical id. */
interface Placement {
  readonly shard: string;
  readonly keyLogicalId: string;
  readonly bindingLogicalId: string;
}

function build(keys: Map<string, string>, shards: number): Map<string, Placement> {
  const app = new App();
  const stack = new Stack(app, 'Stack');
  const api = new apigw.RestApi(stack, 'Api', { defaultMethodOptions: { apiKeyRequired: true } });
  api.root.addMethod('GET', new apigw.MockIntegration());
  const tiers = new UsageTiers(stack, 'Tiers', {
    stages: [api.deploymentStage],
    tiers: TIERS.map((name) => ({ name })),
    keyShards: shards,
  });
  const out = new Map<string, Placement>();
  for (const [id, tier] of keys) {
    const key = tiers.addKey(id, { tier });
    const shard = Stack.of(key);
    const binding = shard.node
      .findAll()
      .find(
        (c) =>
          CfnResource.isCfnResource(c) &&
          c.cfnResourceType === 'AWS::ApiGateway::UsagePlanKey' &&
          c.node.id === `Key:${id}@${tier}`,
      ) as CfnResource;
    out.set(id, {
      shard: shard.node.path,
      keyLogicalId: shard.getLogicalId(key.node.defaultChild as CfnResource),
      bindingLogicalId: shard.getLogicalId(binding),
    });
  }
  return out;
}

describe('key shards (properties)', () => {
  test('adding and removing keys under a fixed keyShards never moves a surviving key, its logical id or its binding', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.uniqueArray(fc.tuple(KEY_ID, fc.nat(2)), { selector: ([id]) => id, maxLength: 12 }),
        fc.array(op, { maxLength: 12 }),
        (shards, initial, ops) => {
          // GIVEN: an app version
          const before = new Map(initial.map(([id, t]) => [id, TIERS[t]] as [string, string]));

          // WHEN: keys are added and removed
          const after = new Map(before);
          for (const o of ops) {
            if (o.kind === 'add' && !after.has(o.id)) after.set(o.id, TIERS[o.tier]);
            if (o.kind === 'remove' && after.size > 0) after.delete([...after.keys()][o.pick % after.size]);
          }
          const p1 = build(before, shards);
          const p2 = build(after, shards);

          // THEN: every key in both versions is where it was, with the same logical id; its binding stays
          // too unless the key was removed and re-added in another tier (a move: the new tier's binding)
          for (const [id, tier] of after) {
            if (!before.has(id)) continue;
            const [was, now] = [p1.get(id)!, p2.get(id)!];
            expect({ shard: now.shard, keyLogicalId: now.keyLogicalId }).toEqual({
              shard: was.shard,
              keyLogicalId: was.keyLogicalId,
            });
            if (before.get(id) === tier) expect(now.bindingLogicalId).toBe(was.bindingLogicalId);
            else expect(now.bindingLogicalId).not.toBe(was.bindingLogicalId);
          }
          // and each key's shard is the one its id names
          for (const [id, p] of p2) expect(p.shard).toBe(`Stack/Tiers/KeyShard${keyShardIndex(id, shards)}`);
        },
      ),
      {
        numRuns: propertyRuns(100),
        // CI found this one: 'a' removed, then re-added in another tier
        examples: [
          [
            1,
            [['a', 1]],
            [
              { kind: 'remove', pick: 0 },
              { kind: 'add', id: 'a', tier: 0 },
            ],
          ],
        ],
      },
    );
  });

  test('reordering keys never changes where any key lands', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.uniqueArray(fc.tuple(KEY_ID, fc.nat(2)), { selector: ([id]) => id, minLength: 1, maxLength: 10 }),
        (shards, keys) => {
          // GIVEN
          const forward = new Map(keys.map(([id, t]) => [id, TIERS[t]] as [string, string]));
          const backward = new Map([...forward].reverse());

          // WHEN
          const p1 = build(forward, shards);
          const p2 = build(backward, shards);

          // THEN
          for (const id of forward.keys()) expect(p2.get(id)).toEqual(p1.get(id));
        },
      ),
      { numRuns: propertyRuns(50) },
    );
  });
});
