import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { TieredApi } from '../../src/apis';
import { RequestSimulator } from '../../src/simulate';
import { placeholderId } from '../../src/simulate/intrinsics';
import { UsageLedger } from '../../src/usage';

const FREE_KEY = 'freeKey0123456789abcdefgh';
const GOLD_KEY = 'goldKey0123456789abcdefgh';
const OPEN_KEY = 'openKey0123456789abcdefgh';
const DAY0 = Date.UTC(2026, 11, 1, 12);
const req = { method: 'GET', path: '/orders', stage: 'prod' };

/** A TieredApi with two tiers (free: 5 a day; gold: 100 a month) and one without a quota. */
function tieredApi() {
  const app = new App();
  const stack = new Stack(app, 'Billing', { env: { account: '123456789012', region: 'us-east-1' } });
  const api = new TieredApi(stack, 'Api', {
    deployOptions: { stageName: 'prod' },
    tiers: [
      { name: 'free', throttle: { rateLimit: 100, burstLimit: 100 }, quota: { limit: 5, period: apigw.Period.DAY } },
      {
        name: 'gold',
        throttle: { rateLimit: 100, burstLimit: 100 },
        quota: { limit: 100, period: apigw.Period.MONTH },
      },
      { name: 'open', throttle: { rateLimit: 100, burstLimit: 100 } },
    ],
  });
  api.root.addResource('orders').addMethod('GET', new apigw.MockIntegration());
  api.root.addResource('health').addMethod('GET', new apigw.MockIntegration(), { apiKeyRequired: false });
  const free = api.addKey('acme', { tier: 'free', value: FREE_KEY, customerId: 'acme-corp' });
  const gold = api.addKey('globex', { tier: 'gold', value: GOLD_KEY, customerId: 'globex-inc' });
  api.addKey('initech', { tier: 'open', value: OPEN_KEY });
  return { sim: RequestSimulator.fromStack(stack, { startTime: DAY0 }), stack, free, gold };
}

describe('RequestSimulator ledger', () => {
  test('requests past a DAY quota: used stops at the limit, remaining at 0, one line per key', () => {
    // GIVEN
    const { sim, stack, free } = tieredApi();

    // WHEN
    const s = sim.invokeRepeatedly({ ...req, apiKey: FREE_KEY, at: DAY0 }, 8, 10);

    // THEN
    expect(s.counts).toEqual({ 200: 5, 429: 3 });
    expect(s.ledger).toEqual([
      {
        date: '2026-12-01',
        tier: 'free',
        usagePlanId: expect.stringMatching(/^[a-z0-9]+$/),
        keyId: expect.stringMatching(/^[a-z0-9]+$/),
        customerId: 'acme-corp',
        used: 5,
        remaining: 0,
      },
    ]);
    // the ids are the simulator's placeholders of the key's and the plan's logical ids
    expect(s.ledger[0].keyId).toEqual(placeholderId(stack.resolve(free.keyId).Ref, 'AWS::ApiGateway::ApiKey'));
    expect(s.ledger[0].usagePlanId).not.toEqual(s.ledger[0].keyId);
  });

  test('two tiers accumulate in ledger(); invokeRepeatedly reports only the lines its requests reached', () => {
    // GIVEN
    const { sim } = tieredApi();

    // WHEN
    const first = sim.invokeRepeatedly({ ...req, apiKey: FREE_KEY, at: DAY0 }, 2, 10);
    const second = sim.invokeRepeatedly({ ...req, apiKey: GOLD_KEY, at: DAY0 + 1000 }, 30, 10);
    const third = sim.invokeRepeatedly({ ...req, apiKey: FREE_KEY, at: DAY0 + 2000 }, 1, 10);

    // THEN
    expect(first.ledger.map((l) => [l.tier, l.used, l.remaining])).toEqual([['free', 2, 3]]);
    expect(second.ledger.map((l) => [l.tier, l.customerId, l.used, l.remaining])).toEqual([
      ['gold', 'globex-inc', 30, 70],
    ]);
    // the day's totals since the last reset, not only this call's
    expect(third.ledger.map((l) => [l.tier, l.used, l.remaining])).toEqual([['free', 3, 2]]);
    expect(sim.ledger().map((l) => [l.date, l.tier, l.used, l.remaining])).toEqual([
      ['2026-12-01', 'free', 3, 2],
      ['2026-12-01', 'gold', 30, 70],
    ]);
    sim.reset();
    expect(sim.ledger()).toEqual([]);
  });

  test('requests spanning a UTC midnight give two dates; a MONTH quota carries its remaining over', () => {
    // GIVEN
    const { sim } = tieredApi();
    const beforeMidnight = Date.UTC(2026, 11, 1, 23, 59, 59, 995);

    // WHEN: 10 requests 1 ms apart, 5 before and 5 after midnight
    const free = sim.invokeRepeatedly({ ...req, apiKey: FREE_KEY, at: beforeMidnight }, 10, 1);
    const gold = sim.invokeRepeatedly({ ...req, apiKey: GOLD_KEY, at: beforeMidnight }, 10, 1);

    // THEN
    expect(free.ledger.map((l) => [l.date, l.used, l.remaining])).toEqual([
      ['2026-12-01', 5, 0],
      ['2026-12-02', 5, 0],
    ]);
    expect(gold.ledger.map((l) => [l.date, l.used, l.remaining])).toEqual([
      ['2026-12-01', 5, 95],
      ['2026-12-02', 5, 90],
    ]);
  });

  test('a plan without a quota: used counted, remaining -1', () => {
    // GIVEN
    const { sim } = tieredApi();

    // WHEN
    const s = sim.invokeRepeatedly({ ...req, apiKey: OPEN_KEY, at: DAY0 }, 4, 10);

    // THEN
    expect(s.ledger).toEqual([expect.objectContaining({ tier: 'open', used: 4, remaining: -1 })]);
    expect(s.ledger[0]).not.toHaveProperty('customerId');
  });

  test('no line for a request without a key, with an unknown key, or to a method without a key', () => {
    // GIVEN
    const { sim } = tieredApi();

    // WHEN
    const noKey = sim.invokeRepeatedly({ ...req, at: DAY0 }, 3, 10);
    const unknown = sim.invokeRepeatedly({ ...req, apiKey: 'unknownKey0123456789abcd', at: DAY0 }, 3, 10);
    const health = sim.invokeRepeatedly({ ...req, path: '/health', apiKey: FREE_KEY, at: DAY0 }, 3, 10);

    // THEN
    expect(noKey.counts).toEqual({ 403: 3 });
    expect(unknown.counts).toEqual({ 403: 3 });
    expect(health.counts).toEqual({ 200: 3 });
    expect([noKey.ledger, unknown.ledger, health.ledger, sim.ledger()]).toEqual([[], [], [], []]);
  });

  test("the simulator's lines render byte-identically through UsageLedger.renderLine", () => {
    // GIVEN
    const { sim } = tieredApi();
    sim.invokeRepeatedly({ ...req, apiKey: FREE_KEY, at: DAY0 }, 7, 10);
    sim.invokeRepeatedly({ ...req, apiKey: OPEN_KEY, at: DAY0 }, 2, 10);

    // WHEN
    const lines = sim.ledger();
    const rendered = lines.map((l) => UsageLedger.renderLine(l));

    // THEN
    const expected = lines.map((l) =>
      JSON.stringify({
        date: l.date,
        tier: l.tier,
        usagePlanId: l.usagePlanId,
        keyId: l.keyId,
        ...(l.customerId ? { customerId: l.customerId } : {}),
        used: l.used,
        remaining: l.remaining,
      }),
    );
    expect(rendered).toEqual(expected);
    // same fields in the same order: the simulator's line object is already the ledger line
    expect(lines.map((l) => JSON.stringify(l))).toEqual(rendered);
    expect(rendered[0]).toMatch(
      /^\{"date":"2026-12-01","tier":"free","usagePlanId":"[a-z0-9]+","keyId":"[a-z0-9]+","customerId":"acme-corp","used":5,"remaining":0\}$/,
    );
  });
});
