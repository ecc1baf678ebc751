import * as fs from 'fs';
import * as path from 'path';
import { App, CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { TieredApi } from '../../src/apis';
import { UsageTiers, UsageTiersProps } from '../../src/usage';
import {
  checkKeyShards,
  fnv1a32,
  keyShardId,
  keyShardIndex,
  MAX_KEY_SHARDS,
  MAX_RESOURCES_PER_SHARD,
  shardsNeeded,
} from '../../src/usage/key-shards';
import { fullBudget } from '../support/budget';

const TIERS = [
  { name: 'free', throttle: { rateLimit: 5, burstLimit: 10 } },
  { name: 'premium', throttle: { rateLimit: 50, burstLimit: 100 } },
];

function setup(props: Partial<UsageTiersProps> = {}, context: Record<string, unknown> = {}) {
  const app = new App({ context });
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  const api = new apigw.RestApi(stack, 'Api', { defaultMethodOptions: { apiKeyRequired: true } });
  api.root.addMethod('GET', new apigw.MockIntegration());
  const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: TIERS, ...props });
  return { app, stack, api, tiers };
}

function cfnOf(c: { node: { defaultChild?: unknown } }): CfnResource {
  return c.node.defaultChild as CfnResource;
}

function nestedTemplates(dir: string): any[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.nested.template.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf-8')));
}

describe('key shard functions', () => {
  test('fnv1a32 is FNV-1a (32 bits) of the UTF-8 bytes', () => {
    // GIVEN / WHEN / THEN: the published test vectors
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  test('a key shard depends on the key id and the shard count alone', () => {
    // GIVEN
    const ids = Array.from({ length: 200 }, (_, i) => `customer-${i}`);

    // WHEN
    const shards = ids.map((id) => keyShardIndex(id, 7));

    // THEN: in range, deterministic, and every shard used
    expect(shards.every((s) => s >= 0 && s < 7)).toBe(true);
    expect(ids.map((id) => keyShardIndex(id, 7))).toEqual(shards);
    expect(new Set(shards).size).toBe(7);
    expect(keyShardId(3)).toBe('KeyShard3');
  });

  test.each([
    [0, 'is out of range'],
    [101, 'is out of range'],
    [2.5, 'is out of range'],
    [NaN, 'is out of range'],
    [null, 'is not a number'],
    ['4', 'is not a number'],
  ])('fails when keyShards is %p', (value, problem) => {
    // GIVEN / WHEN
    const problems = checkKeyShards('keyShards', value);

    // THEN
    expect(problems).toEqual([
      expect.objectContaining({ prop: 'keyShards', value, problem, expected: expect.stringContaining('1 to 100') }),
    ]);
  });

  test('keyShards unset or 1 … 100 is accepted', () => {
    // GIVEN / WHEN / THEN
    expect([undefined, 1, 50, MAX_KEY_SHARDS].flatMap((v) => checkKeyShards('keyShards', v))).toEqual([]);
  });

  test('shardsNeeded finds the smallest count whose fullest shard fits', () => {
    // GIVEN: 1,000 keys of 2 resources
    const weights = new Map(Array.from({ length: 1000 }, (_, i) => [`key${i}`, 2] as [string, number]));

    // WHEN
    const n = shardsNeeded(weights)!;

    // THEN: n fits, n - 1 does not
    const load = (k: number) => {
      const l = new Array(k).fill(0);
      for (const id of weights.keys()) l[keyShardIndex(id, k)] += 2;
      return Math.max(...l);
    };
    expect(n).toBeGreaterThanOrEqual(5);
    expect(load(n)).toBeLessThanOrEqual(MAX_RESOURCES_PER_SHARD);
    expect(load(n - 1)).toBeGreaterThan(MAX_RESOURCES_PER_SHARD);
    expect(shardsNeeded(new Map([['one', 451]]))).toBeUndefined();
  });
});

describe('UsageTiers keyShards', () => {
  test('puts each key and its binding into the nested stack of its hash, with the plan id as a parameter', () => {
    // GIVEN
    const { stack, tiers } = setup({ keyShards: 4 });

    // WHEN
    const key = tiers.addKey('acme', { tier: 'premium' });

    // THEN
    const shard = Stack.of(key);
    expect(NestedStack.isNestedStack(shard)).toBe(true);
    expect(shard.node.id).toBe(`KeyShard${keyShardIndex('acme', 4)}`);
    expect(shard.node.scope).toBe(tiers);
    const nested = Template.fromStack(shard);
    nested.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
    const params = Object.keys(nested.toJSON().Parameters);
    expect(params).toHaveLength(1);
    nested.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
      KeyId: { Ref: shard.getLogicalId(cfnOf(key)) },
      KeyType: 'API_KEY',
      UsagePlanId: { Ref: params[0] },
    });
    const parent = Template.fromStack(stack);
    parent.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    parent.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 0);
    parent.hasResourceProperties('AWS::CloudFormation::Stack', {
      Parameters: { [params[0]]: { Ref: stack.getLogicalId(cfnOf(tiers.plan('premium'))) } },
    });
  });

  test('creates only the shards that hold keys', () => {
    // GIVEN
    const { stack, tiers } = setup({ keyShards: 50 });

    // WHEN
    for (const id of ['a', 'b', 'c']) tiers.addKey(id, { tier: 'free' });

    // THEN
    const shards = new Set(['a', 'b', 'c'].map((id) => keyShardId(keyShardIndex(id, 50))));
    const nested = tiers.node.children.filter((c) => NestedStack.isNestedStack(c)).map((c) => c.node.id);
    expect(new Set(nested)).toEqual(shards);
    Template.fromStack(stack).resourceCountIs('AWS::CloudFormation::Stack', shards.size);
  });

  test('imported keys get their binding in their shard', () => {
    // GIVEN
    const { tiers } = setup({ keyShards: 3 });

    // WHEN
    tiers.importKey('legacy', 'abc123def4', { tier: 'free' });

    // THEN
    const shard = tiers.node.findChild(keyShardId(keyShardIndex('legacy', 3))) as NestedStack;
    Template.fromStack(shard).hasResourceProperties('AWS::ApiGateway::UsagePlanKey', { KeyId: 'abc123def4' });
  });

  test('key ids that differ only in punctuation get distinct logical ids in one shard', () => {
    // GIVEN: keyShards 1, so both keys share a shard
    const { tiers } = setup({ keyShards: 1 });

    // WHEN
    const a = tiers.addKey('a-b', { tier: 'free' });
    const b = tiers.addKey('ab', { tier: 'free' });

    // THEN
    const shard = Stack.of(a);
    expect(shard.getLogicalId(cfnOf(a))).not.toBe(shard.getLogicalId(cfnOf(b)));
    Template.fromStack(shard).resourceCountIs('AWS::ApiGateway::UsagePlanKey', 2);
  });

  test('TieredApi passes keyShards through', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const api = new TieredApi(stack, 'Api', { tiers: TIERS, keyShards: 2 });
    api.root.addMethod('GET', new apigw.MockIntegration());

    // WHEN
    const key = api.addKey('acme', { tier: 'free' });

    // THEN
    expect(Stack.of(key).node.id).toBe(keyShardId(keyShardIndex('acme', 2)));
    Template.fromStack(stack).resourceCountIs('AWS::CloudFormation::Stack', 1);
  });

  test.each([
    [0, "'keyShards' is out of range: got 0"],
    [1.5, "'keyShards' is out of range: got 1.5"],
    ['2', `'keyShards' is not a number: got "2"`],
    [null, "'keyShards' is not a number: got null"],
  ])('fails when keyShards is %p (the construct)', (value, message) => {
    // GIVEN / WHEN / THEN
    expect(() => setup({ keyShards: value as any })).toThrow(`UsageTiers 'Stack/Tiers': ${message}`);
  });

  test('fails when the keys would take the stack past 500 resources, naming keyShards and KeyIssuer', () => {
    // GIVEN: 250 keys of 2 resources each, plus the API and plans
    const { app, tiers } = setup();
    for (let i = 0; i < 250; i++) tiers.addKey(`key${i}`, { tier: 'free' });
    const needed = shardsNeeded(new Map(tiers.keyIds.map((id) => [id, 2] as [string, number])));

    // WHEN / THEN: our check runs before CDK's own resource limit
    expect(() => app.synth()).toThrow(
      new RegExp(
        `UsageTiers 'Stack/Tiers': 'keyShards' is unset, so stack 'Stack' would hold 5\\d\\d resources \\(500 of them API keys and their usage-plan bindings\\), over CloudFormation's 500 per stack: got undefined; expected 'keyShards: ${needed}' or more .*or issue keys at run time with KeyIssuer`,
      ),
    );
  });

  test('the stack check follows @aws-cdk/core:stackResourceLimit (0 turns it off)', () => {
    // GIVEN
    const { app, tiers } = setup({}, { '@aws-cdk/core:stackResourceLimit': 0 });
    for (let i = 0; i < 250; i++) tiers.addKey(`key${i}`, { tier: 'free' });

    // WHEN / THEN
    expect(() => app.synth()).not.toThrow();
  });

  test('fails when a shard would hold more than 450 resources, naming the shard count needed', () => {
    // GIVEN: 300 keys in 1 shard = 600 resources
    const { app, tiers } = setup({ keyShards: 1 });
    for (let i = 0; i < 300; i++) tiers.addKey(`key${i}`, { tier: 'free' });
    const needed = shardsNeeded(new Map(tiers.keyIds.map((id) => [id, 2] as [string, number])), 450, 2);

    // WHEN / THEN
    expect(() => app.synth()).toThrow(
      `UsageTiers 'Stack/Tiers': 'keyShards' puts 600 resources into nested stack 'KeyShard0', over 450 per key shard: got 1; expected 'keyShards: ${needed}' or more`,
    );
  });

  test('every nested template holds at most 450 resources with 1,000 keys over 3 tiers', () => {
    // GIVEN
    const { app, stack, tiers } = setup({ keyShards: 6 });
    tiers.addTier({ name: 'gold' });

    // WHEN
    for (let i = 0; i < 1000; i++) tiers.addKey(`customer-${i}`, { tier: ['free', 'premium', 'gold'][i % 3] });
    const assembly = app.synth();

    // THEN
    const nested = nestedTemplates(assembly.directory);
    expect(nested).toHaveLength(6);
    for (const t of nested) expect(Object.keys(t.Resources).length).toBeLessThanOrEqual(MAX_RESOURCES_PER_SHARD);
    const keys = nested.flatMap((t) =>
      Object.values<any>(t.Resources).filter((r) => r.Type === 'AWS::ApiGateway::ApiKey'),
    );
    expect(keys).toHaveLength(1000);
    expect(Object.keys(assembly.getStackByName(stack.stackName).template.Resources).length).toBeLessThan(50);
  });

  // 16 s on 2 cores: CI runs it at the full budget, the inner loop (test:fast) skips it
  (fullBudget() ? test : test.skip)(
    'every nested template holds at most 450 resources with 5,000 keys',
    () => {
      // GIVEN
      const { app, tiers } = setup({ keyShards: 30 });

      // WHEN
      for (let i = 0; i < 5000; i++) tiers.addKey(`k${i}`, { tier: i % 2 ? 'free' : 'premium' });
      const assembly = app.synth();

      // THEN
      const nested = nestedTemplates(assembly.directory);
      expect(nested).toHaveLength(30);
      const counts = nested.map((t) => Object.keys(t.Resources).length);
      expect(Math.max(...counts)).toBeLessThanOrEqual(MAX_RESOURCES_PER_SHARD);
      expect(counts.reduce((x, y) => x + y, 0)).toBe(10_000);
    },
    120_000,
  );
});
