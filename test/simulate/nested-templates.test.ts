import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { RequestSimulator } from '../../src/simulate';
import {
  cloudAssemblyTemplateLoader,
  mergeNestedTemplates,
  NESTED_STACK_METADATA,
  nestedTemplateLocation,
} from '../../src/simulate/nested-templates';
import { UsageTiers } from '../../src/usage';

const PREMIUM_KEY = 'premiumKey0123456789abcdef';
const FREE_KEY = 'freeKey0123456789abcdefgh';

/** An app with 40 keys in 4 key shards, two of them with known values; synthesized to a cdk.out. */
function shardedApp(context: Record<string, unknown> = {}) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nested-'));
  const app = new App({ outdir, context });
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  const api = new apigw.RestApi(stack, 'Api', {
    deployOptions: { stageName: 'prod' },
    defaultMethodOptions: { apiKeyRequired: true },
  });
  api.root.addResource('items').addMethod('GET', new apigw.MockIntegration());
  const tiers = new UsageTiers(stack, 'Tiers', {
    stages: [api.deploymentStage],
    keyShards: 4,
    tiers: [
      { name: 'free', throttle: { rateLimit: 1, burstLimit: 2 } },
      { name: 'premium', throttle: { rateLimit: 100, burstLimit: 200 } },
    ],
  });
  for (let i = 0; i < 38; i++) tiers.addKey(`customer${i}`, { tier: i % 2 ? 'free' : 'premium' });
  const premium = tiers.addKey('acme', { tier: 'premium', value: PREMIUM_KEY });
  tiers.addKey('bob', { tier: 'free', value: FREE_KEY });
  // A parent output that reads a key in a shard: CDK passes it out as a nested-stack output.
  new CfnOutput(stack, 'AcmeKeyId', { value: premium.keyId });
  const assembly = app.synth();
  const root = assembly.getStackByName(stack.stackName).template;
  return { assembly, root, stack, tiers };
}

describe('mergeNestedTemplates on a synthesized app with key shards', () => {
  test('inlines every shard: no nested stack left, every key and binding present, plan ids resolved', () => {
    // GIVEN
    const { assembly, root } = shardedApp();

    // WHEN
    const merged = mergeNestedTemplates(root, cloudAssemblyTemplateLoader(assembly.directory));

    // THEN
    const byType = (t: string) => Object.entries<any>(merged.Resources).filter(([, r]) => r.Type === t);
    expect(byType('AWS::CloudFormation::Stack')).toHaveLength(0);
    expect(byType('AWS::ApiGateway::ApiKey')).toHaveLength(40);
    const plans = new Set(byType('AWS::ApiGateway::UsagePlan').map(([id]) => id));
    const bindings = byType('AWS::ApiGateway::UsagePlanKey');
    expect(bindings).toHaveLength(40);
    for (const [, b] of bindings) {
      expect(plans.has(b.Properties.UsagePlanId.Ref)).toBe(true);
      expect(merged.Resources[b.Properties.KeyId.Ref].Type).toBe('AWS::ApiGateway::ApiKey');
      expect(b.Metadata[NESTED_STACK_METADATA]).toMatch(/^TiersKeyShard\d/);
    }
    expect(Object.keys(merged.Parameters ?? {}).filter((p) => p.startsWith('referenceto'))).toEqual([]);
    // the parent output now refers to the inlined key directly
    const out = merged.Outputs.AcmeKeyId.Value;
    expect(merged.Resources[out.Ref].Type).toBe('AWS::ApiGateway::ApiKey');
    // the input is left alone
    expect(Object.values<any>(root.Resources).some((r) => r.Type === 'AWS::CloudFormation::Stack')).toBe(true);
  });

  test('the simulator decides requests with keys that live in shards', () => {
    // GIVEN
    const { assembly, root } = shardedApp();
    const merged = mergeNestedTemplates(root, cloudAssemblyTemplateLoader(assembly.directory));
    const sim = RequestSimulator.fromTemplate(merged);
    const req = { method: 'GET', path: '/items', stage: 'prod' };

    // WHEN
    const premium = sim.invoke({ ...req, apiKey: PREMIUM_KEY });
    const unknown = sim.invoke({ ...req, apiKey: 'unknownKey0123456789abcdef' });
    const free = sim.invokeRepeatedly({ ...req, apiKey: FREE_KEY, at: 0 }, 5, 0);

    // THEN
    expect(premium).toMatchObject({ statusCode: 200, decidedBy: 'ok' });
    expect(unknown).toMatchObject({ statusCode: 403, decidedBy: 'api-key' });
    expect(free.counts).toEqual({ 200: 2, 429: 3 });
  });

  test('with asset metadata (as the CDK CLI synthesizes), the aws:asset:path names the nested template file', () => {
    // GIVEN
    const { assembly, root } = shardedApp({ 'aws:cdk:enable-asset-metadata': true });
    const [stackResource] = Object.values<any>(root.Resources).filter((r) => r.Type === 'AWS::CloudFormation::Stack');

    // WHEN
    const location = nestedTemplateLocation(stackResource)!;
    const loaded: string[] = [];
    const merged = mergeNestedTemplates(root, (l) => {
      loaded.push(l);
      return cloudAssemblyTemplateLoader(assembly.directory)(l);
    });

    // THEN
    expect(location).toMatch(/^StackTiersKeyShard\d[0-9A-F]{8}\.nested\.template\.json$/);
    expect(loaded.every((l) => l.endsWith('.nested.template.json'))).toBe(true);
    expect(Object.values<any>(merged.Resources).filter((r) => r.Type === 'AWS::ApiGateway::ApiKey')).toHaveLength(40);
  });
});

describe('mergeNestedTemplates (plain templates)', () => {
  const child = {
    Parameters: { PlanId: { Type: 'String' }, Suffix: { Type: 'String', Default: 'x' }, Free: { Type: 'String' } },
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Suffix' }, 'prod'] } },
    Resources: {
      Key: { Type: 'AWS::ApiGateway::ApiKey', Properties: { Name: { 'Fn::Sub': 'key-${Suffix}-${Key}' } } },
      Taken: {
        Type: 'AWS::ApiGateway::UsagePlanKey',
        Condition: 'IsProd',
        DependsOn: 'Key',
        Properties: {
          KeyId: { 'Fn::GetAtt': ['Key', 'APIKeyId'] },
          UsagePlanId: { Ref: 'PlanId' },
          Free: { Ref: 'Free' },
        },
      },
    },
    Outputs: { KeyRef: { Value: { Ref: 'Key' } } },
  };
  const parent = {
    Parameters: {},
    Resources: {
      Taken: { Type: 'AWS::ApiGateway::UsagePlan', Properties: {} },
      Child: {
        Type: 'AWS::CloudFormation::Stack',
        DependsOn: ['Taken'],
        Properties: { TemplateURL: 'https://s3.amazonaws.com/b/child.json', Parameters: { PlanId: { Ref: 'Taken' } } },
      },
      User: {
        Type: 'Custom::User',
        DependsOn: 'Child',
        Properties: {
          KeyId: { 'Fn::GetAtt': ['Child', 'Outputs.KeyRef'] },
          Text: { 'Fn::Sub': 'id=${Child.Outputs.KeyRef}' },
        },
      },
    },
  };

  test('resolves parameters, renames taken ids, keeps conditions and order, and replaces output references', () => {
    // GIVEN
    const load = (l: string) => (l === 'child.json' ? child : undefined);

    // WHEN
    const merged = mergeNestedTemplates(parent, load);

    // THEN
    expect(Object.keys(merged.Resources)).toEqual(['Taken', 'Key', 'ChildTaken', 'User']);
    expect(merged.Resources.Key.Properties.Name).toEqual({ 'Fn::Sub': ['key-${Suffix}-${Key}', { Suffix: 'x' }] });
    expect(merged.Resources.Key.DependsOn).toEqual(['Taken']);
    expect(merged.Resources.ChildTaken).toMatchObject({
      Condition: 'IsProd',
      DependsOn: ['Key', 'Taken'],
      Properties: {
        KeyId: { 'Fn::GetAtt': ['Key', 'APIKeyId'] },
        UsagePlanId: { Ref: 'Taken' },
        Free: { Ref: 'Free' },
      },
    });
    expect(merged.Parameters).toEqual({ Free: { Type: 'String' } });
    expect(merged.Conditions).toEqual({ IsProd: { 'Fn::Equals': ['x', 'prod'] } });
    expect(merged.Resources.User).toEqual({
      Type: 'Custom::User',
      DependsOn: ['Key', 'ChildTaken'],
      Properties: {
        KeyId: { Ref: 'Key' },
        Text: { 'Fn::Sub': ['id=${NestedOutput0}', { NestedOutput0: { Ref: 'Key' } }] },
      },
    });
  });

  test('a nested stack whose template is not found stays as it is', () => {
    // GIVEN / WHEN
    const merged = mergeNestedTemplates(parent, () => undefined);

    // THEN
    expect(merged).toEqual(parent);
  });

  test('the loader refuses locations outside the assembly directory', () => {
    // GIVEN
    const load = cloudAssemblyTemplateLoader(os.tmpdir());

    // WHEN / THEN
    expect(load('../etc/passwd')).toBeUndefined();
    expect(load('a/b.template.json')).toBeUndefined();
    expect(load('nothing.json')).toBeUndefined();
  });
});
