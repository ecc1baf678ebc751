import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { TieredApi } from '../../src/apis';
import { RequestSimulator, SimulationInputError } from '../../src/simulate';

const ACME_KEY = 'acmeKey0123456789abcdefgh';
const req = { method: 'GET', path: '/orders', stage: 'prod' };

/** A TieredApi with keyShards: 3 and 10 keys (one with a known value), synthesized to a fresh cdk.out. */
function shardedApi() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'shards-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Sharded', { env: { account: '123456789012', region: 'us-east-1' } });
  const api = new TieredApi(stack, 'Api', {
    deployOptions: { stageName: 'prod' },
    keyShards: 3,
    tiers: [
      { name: 'free', throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 100, period: apigw.Period.DAY } },
      { name: 'gold', throttle: { rateLimit: 100, burstLimit: 200 } },
    ],
  });
  api.root.addResource('orders').addMethod('GET', new apigw.MockIntegration());
  for (let i = 0; i < 9; i++) api.addKey(`customer${i}`, { tier: i % 2 ? 'free' : 'gold' });
  const acme = api.addKey('acme', { tier: 'free', value: ACME_KEY, customerId: 'acme-corp' });
  return { app, stack, acme, outdir };
}

describe('RequestSimulator on stacks with keyShards nested stacks', () => {
  test('fromStack merges the shards: a key in a shard gets 200, an unknown key 403', () => {
    // GIVEN
    const { stack, acme } = shardedApi();

    // WHEN
    const sim = RequestSimulator.fromStack(stack);
    const byValue = sim.invoke({ ...req, apiKey: ACME_KEY });
    const byToken = sim.invoke({ ...req, apiKeyRef: acme.keyId });
    const unknown = sim.invoke({ ...req, apiKey: 'unknownKey0123456789abcd' });

    // THEN
    expect(byValue).toMatchObject({ statusCode: 200, decidedBy: 'ok' });
    expect(byToken).toMatchObject({ statusCode: 200, decidedBy: 'ok' });
    expect(unknown).toMatchObject({ statusCode: 403, decidedBy: 'api-key', message: 'Forbidden' });
    expect(sim.ledger()).toEqual([
      expect.objectContaining({ tier: 'free', customerId: 'acme-corp', used: 2, remaining: 98 }),
    ]);
    expect(sim.findings().map((f) => f.id)).not.toEqual(expect.arrayContaining(['key-without-plan']));
  });

  test('fromFile on a template in a cdk.out and fromCloudAssembly merge the shards too', () => {
    // GIVEN
    const { app, stack, outdir } = shardedApi();
    app.synth();
    const file = path.join(outdir, `${stack.artifactId}.template.json`);
    const nested = fs.readdirSync(outdir).filter((f) => f.endsWith('.nested.template.json'));

    // WHEN
    const unmerged = RequestSimulator.fromTemplate(JSON.parse(fs.readFileSync(file, 'utf-8'))).invoke({
      ...req,
      apiKey: ACME_KEY,
    });
    const fromFile = RequestSimulator.fromFile(file).invoke({ ...req, apiKey: ACME_KEY });
    const fromAssembly = RequestSimulator.fromCloudAssembly(outdir).invoke({ ...req, apiKey: ACME_KEY });
    const named = RequestSimulator.fromCloudAssembly(outdir, stack.artifactId).invoke({
      ...req,
      apiKey: 'nope0123456789abcdefghij',
    });

    // THEN
    expect(nested.length).toBeGreaterThan(0);
    // the parent template alone does not hold the key: the merge is what finds it
    expect(unmerged).toMatchObject({ statusCode: 403, decidedBy: 'api-key' });
    expect(fromFile).toMatchObject({ statusCode: 200, decidedBy: 'ok' });
    expect(fromAssembly).toMatchObject({ statusCode: 200, decidedBy: 'ok' });
    expect(named).toMatchObject({ statusCode: 403, decidedBy: 'api-key' });
  });

  test('fails when fromCloudAssembly cannot tell which stack, or is given a malformed stack name', () => {
    // GIVEN
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'two-stacks-'));
    const app = new App({ outdir });
    for (const name of ['One', 'Two']) {
      const api = new apigw.RestApi(new Stack(app, name), 'Api');
      api.root.addMethod('GET', new apigw.MockIntegration());
    }
    app.synth();

    // WHEN / THEN
    expect(() => RequestSimulator.fromCloudAssembly(outdir)).toThrow(
      /holds 2 stack templates; name one as stackName: One, Two/,
    );
    expect(() => RequestSimulator.fromCloudAssembly(outdir, '../One')).toThrow(SimulationInputError);
    expect(() => RequestSimulator.fromCloudAssembly(outdir, 'Three')).toThrow(
      /holds no stack 'Three'; its stacks: One, Two/,
    );
    expect(() => RequestSimulator.fromCloudAssembly(path.join(outdir, 'missing'))).toThrow(
      /cannot read the cloud assembly directory/,
    );
    expect(RequestSimulator.fromCloudAssembly(outdir, 'Two').apis()).toEqual([expect.stringMatching(/^Api/)]);
  });
});
