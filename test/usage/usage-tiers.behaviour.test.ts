import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { RequestSimulator, UsageTiers } from '../../src';

// What requests get from tiers built by UsageTiers, decided by the offline simulator.
function setup() {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  const api = new apigw.RestApi(stack, 'Api', { defaultMethodOptions: { apiKeyRequired: true } });
  api.root.addResource('orders').addMethod('GET', new apigw.MockIntegration());
  const tiers = new UsageTiers(stack, 'Tiers', {
    stages: [api.deploymentStage],
    tiers: [
      { name: 'free', throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 20, period: apigw.Period.DAY } },
      {
        name: 'premium',
        throttle: { rateLimit: 500, burstLimit: 1000 },
        quota: { limit: 1_000_000, period: apigw.Period.MONTH },
      },
    ],
  });
  tiers.addKey('alice', { tier: 'free', value: 'alicealicealicealice01' });
  tiers.addKey('acme', { tier: 'premium', value: 'acmeacmeacmeacmeacme01' });
  tiers.addKey('old', { tier: 'premium', value: 'oldoldoldoldoldoldold1', enabled: false });
  return RequestSimulator.fromStack(stack);
}

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const get = (apiKey?: string, at = T0) => ({ method: 'GET', path: '/orders', apiKey, at });

describe('UsageTiers: what a request gets', () => {
  test('a free key bursting past its limit gets 429 Too Many Requests', () => {
    // GIVEN
    const sim = setup();

    // WHEN: 12 requests at the same instant (burst 10)
    const summary = sim.invokeRepeatedly(get('alicealicealicealice01'), 12, 0);

    // THEN
    expect(summary.counts).toEqual({ 200: 10, 429: 2 });
    expect([summary.last.decidedBy, summary.last.message]).toEqual(['throttle', 'Too Many Requests']);
  });

  test('a free key past its daily quota gets 429 Limit Exceeded, and is served again the next UTC day', () => {
    // GIVEN
    const sim = setup();

    // WHEN: 25 requests one second apart (well under the rate), quota 20 per day
    const summary = sim.invokeRepeatedly(get('alicealicealicealice01'), 25, 1000);

    // THEN
    expect(summary.counts).toEqual({ 200: 20, 429: 5 });
    expect([summary.last.decidedBy, summary.last.message]).toEqual(['quota', 'Limit Exceeded']);
    const nextDay = Date.UTC(2026, 0, 6, 0, 0, 1);
    expect(sim.invoke(get('alicealicealicealice01', nextDay)).statusCode).toBe(200);
  });

  test('no key, an unknown key or a disabled key gets 403 Forbidden', () => {
    const sim = setup();
    for (const key of [undefined, 'unknownunknownunknown1', 'oldoldoldoldoldoldold1']) {
      const r = sim.invoke(get(key));
      expect([r.statusCode, r.decidedBy, r.message]).toEqual([403, 'api-key', 'Forbidden']);
    }
  });

  test('a premium key on the same method still gets 200 while the free key is throttled', () => {
    // GIVEN
    const sim = setup();
    sim.invokeRepeatedly(get('alicealicealicealice01'), 15, 0);

    // WHEN
    const r = sim.invoke(get('acmeacmeacmeacmeacme01'));

    // THEN
    expect(r.statusCode).toBe(200);
  });
});
