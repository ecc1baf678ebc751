import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as fc from 'fast-check';
import { UsageTiers } from '../../src/usage';
import { propertyRuns } from '../support/budget';

/** One version of an app: tiers in declaration order, keys (id → tier, enabled) in declaration order. */
interface Model {
  readonly tiers: string[];
  readonly keys: { id: string; tier: string; enabled: boolean }[];
}

type Op =
  | { kind: 'addKey'; id: string; pick: number }
  | { kind: 'moveKey'; pick: number; to: number }
  | { kind: 'removeKey'; pick: number }
  | { kind: 'toggleKey'; pick: number }
  | { kind: 'addTier'; name: string }
  | { kind: 'removeTier'; pick: number }
  | { kind: 'reorder'; seed: number };

const TIER_NAMES = ['free', 'basic', 'premium', 'gold', 'internal'];
const KEY_IDS = ['acme', 'bob', 'carol', 'dave', 'eve', 'frank', 'grace', 'heidi'];

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('addKey' as const), id: fc.constantFrom(...KEY_IDS), pick: fc.nat() }),
  fc.record({ kind: fc.constant('moveKey' as const), pick: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('removeKey' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('toggleKey' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('addTier' as const), name: fc.constantFrom(...TIER_NAMES) }),
  fc.record({ kind: fc.constant('removeTier' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('reorder' as const), seed: fc.nat() }),
);

function shuffle<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed + 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Applies one edit to the model (edits that make no sense in the current state are no-ops). */
function apply(m: Model, o: Op): Model {
  switch (o.kind) {
    case 'addKey':
      if (m.tiers.length === 0 || m.keys.some((k) => k.id === o.id)) return m;
      return { ...m, keys: [...m.keys, { id: o.id, tier: m.tiers[o.pick % m.tiers.length], enabled: true }] };
    case 'moveKey': {
      if (m.keys.length === 0) return m;
      const i = o.pick % m.keys.length;
      return { ...m, keys: m.keys.map((k, j) => (j === i ? { ...k, tier: m.tiers[o.to % m.tiers.length] } : k)) };
    }
    case 'removeKey':
      return m.keys.length === 0 ? m : { ...m, keys: m.keys.filter((_, j) => j !== o.pick % m.keys.length) };
    case 'toggleKey': {
      if (m.keys.length === 0) return m;
      const i = o.pick % m.keys.length;
      return { ...m, keys: m.keys.map((k, j) => (j === i ? { ...k, enabled: !k.enabled } : k)) };
    }
    case 'addTier':
      return m.tiers.includes(o.name) ? m : { ...m, tiers: [...m.tiers, o.name] };
    case 'removeTier': {
      if (m.tiers.length === 0) return m;
      const gone = m.tiers[o.pick % m.tiers.length];
      const tiers = m.tiers.filter((t) => t !== gone);
      // Keys of a removed tier move to the first remaining tier, or go away with the last tier.
      const keys = tiers.length ? m.keys.map((k) => (k.tier === gone ? { ...k, tier: tiers[0] } : k)) : [];
      return { tiers, keys };
    }
    case 'reorder':
      return { tiers: shuffle(m.tiers, o.seed), keys: shuffle(m.keys, o.seed + 7) };
  }
}

interface Built {
  /** key id → ApiKey logical id */
  readonly keyIds: Map<string, string>;
  /** key id → UsagePlanKey logical id */
  readonly bindingIds: Map<string, string>;
  /** "keyId→tier" for every UsagePlanKey in the stack, read back from its references */
  readonly bindings: Set<string>;
  readonly enabled: Map<string, boolean>;
}

function build(m: Model): Built {
  const app = new App();
  const stack = new Stack(app, 'Stack');
  const api = new apigw.RestApi(stack, 'Api', { defaultMethodOptions: { apiKeyRequired: true } });
  api.root.addMethod('GET', new apigw.MockIntegration());
  const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage] });
  for (const t of m.tiers) tiers.addTier({ name: t, throttle: { rateLimit: 1, burstLimit: 1 } });
  const keyIds = new Map<string, string>();
  const enabled = new Map<string, boolean>();
  const byLogical = new Map<string, string>();
  for (const k of m.keys) {
    const key = tiers.addKey(k.id, { tier: k.tier, enabled: k.enabled });
    const cfn = key.node.defaultChild as apigw.CfnApiKey;
    const lid = stack.getLogicalId(cfn);
    keyIds.set(k.id, lid);
    byLogical.set(lid, k.id);
    enabled.set(k.id, cfn.enabled as boolean);
  }
  const planOf = new Map(m.tiers.map((t) => [stack.getLogicalId(tiers.plan(t).node.defaultChild as CfnResource), t]));
  const bindings = new Set<string>();
  const bindingIds = new Map<string, string>();
  for (const c of stack.node.findAll()) {
    if (!(c instanceof apigw.CfnUsagePlanKey)) continue;
    const keyRef = stack.resolve(c.keyId).Ref as string;
    const planRef = stack.resolve(c.usagePlanId).Ref as string;
    const keyId = byLogical.get(keyRef)!;
    bindings.add(`${keyId}→${planOf.get(planRef)}`);
    bindingIds.set(keyId, stack.getLogicalId(c));
  }
  return { keyIds, bindingIds, bindings, enabled };
}

describe('UsageTiers identity under edits', () => {
  test('surviving keys keep their logical ids and the UsagePlanKeys equal the intended key→tier map', () => {
    let cases = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 10 }), (ops) => {
        cases++;
        let model: Model = { tiers: ['free', 'premium'], keys: [] };
        let prev = build(model);
        let prevModel = model;
        for (const o of ops) {
          model = apply(model, o);
          const cur = build(model);
          // Every surviving key keeps its ApiKey logical id, whatever else changed.
          for (const [id, lid] of cur.keyIds) {
            if (prev.keyIds.has(id)) expect(lid).toBe(prev.keyIds.get(id));
          }
          // A surviving key that stayed in its tier keeps its UsagePlanKey; a moved one gets a new one.
          for (const k of model.keys) {
            const before = prevModel.keys.find((p) => p.id === k.id);
            if (!before) continue;
            if (before.tier === k.tier) expect(cur.bindingIds.get(k.id)).toBe(prev.bindingIds.get(k.id));
            else expect(cur.bindingIds.get(k.id)).not.toBe(prev.bindingIds.get(k.id));
          }
          // The UsagePlanKeys are exactly the intended key→tier map; disabled keys are kept.
          expect(cur.bindings).toEqual(new Set(model.keys.map((k) => `${k.id}→${k.tier}`)));
          for (const k of model.keys) expect(cur.enabled.get(k.id)).toBe(k.enabled);
          prev = cur;
          prevModel = model;
        }
      }),
      { numRuns: propertyRuns(100) },
    );
    expect(cases).toBe(propertyRuns(100));
  });
});
