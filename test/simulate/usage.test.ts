import { miniTemplate } from './helpers';
import { RequestSimulator } from '../../src/simulate';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0); // a Monday

function planTemplate(
  plan: Record<string, any>,
  opts: { keyEnabled?: boolean; keyValue?: string; stageInPlan?: string; apiKeySource?: string } = {},
) {
  return miniTemplate({
    methods: [
      { path: '/items', method: 'GET', apiKeyRequired: true },
      { path: '/items', method: 'POST', apiKeyRequired: true },
      { path: '/free', method: 'GET' },
    ],
    apiProps: opts.apiKeySource ? { ApiKeySourceType: opts.apiKeySource } : {},
    extra: {
      Plan: {
        Type: 'AWS::ApiGateway::UsagePlan',
        Properties: {
          ApiStages: [
            {
              ApiId: { Ref: 'Api' },
              Stage: opts.stageInPlan ?? 'prod',
              ...(plan.stageThrottle ? { Throttle: plan.stageThrottle } : {}),
            },
          ],
          ...plan.props,
        },
      },
      Key: {
        Type: 'AWS::ApiGateway::ApiKey',
        Properties: { Enabled: opts.keyEnabled ?? true, ...(opts.keyValue ? { Value: opts.keyValue } : {}) },
      },
      PlanKey: {
        Type: 'AWS::ApiGateway::UsagePlanKey',
        Properties: { KeyId: { Ref: 'Key' }, KeyType: 'API_KEY', UsagePlanId: { Ref: 'Plan' } },
      },
    },
  });
}

describe('token buckets', () => {
  test('burst 10, rate 5/s: 100 requests at t=0 → 10 × 200 and 90 × 429; after 1 s, 5 more succeed', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(planTemplate({ props: { Throttle: { RateLimit: 5, BurstLimit: 10 } } }));
    const req = { method: 'GET', path: '/items', apiKeyRef: 'Key' };
    // WHEN
    const burst = sim.invokeRepeatedly({ ...req, at: T0 }, 100, 0);
    const later = sim.invokeRepeatedly({ ...req, at: T0 + 1000 }, 100, 0);
    // THEN
    expect(burst.counts).toEqual({ 200: 10, 429: 90 });
    expect(burst.last).toMatchObject({ statusCode: 429, decidedBy: 'throttle', message: 'Too Many Requests' });
    expect(later.counts).toEqual({ 200: 5, 429: 95 });
  });

  test('refill is continuous and capped at the burst', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(planTemplate({ props: { Throttle: { RateLimit: 2, BurstLimit: 4 } } }));
    const req = { method: 'GET', path: '/items', apiKeyRef: 'Key' };
    // WHEN
    const a = sim.invokeRepeatedly({ ...req, at: T0 }, 10, 0);
    const b = sim.invokeRepeatedly({ ...req, at: T0 + 250 }, 1, 0); // 0.5 token
    const c = sim.invokeRepeatedly({ ...req, at: T0 + 500 }, 1, 0); // 1 token
    const d = sim.invokeRepeatedly({ ...req, at: T0 + 60_000 }, 10, 0); // full again: 4
    // THEN
    expect(a.counts).toEqual({ 200: 4, 429: 6 });
    expect(b.counts).toEqual({ 429: 1 });
    expect(c.counts).toEqual({ 200: 1 });
    expect(d.counts).toEqual({ 200: 4, 429: 6 });
  });

  test('a steady 10 req/s against rate 5 burst 10 serves rate × time + burst', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(planTemplate({ props: { Throttle: { RateLimit: 5, BurstLimit: 10 } } }));
    // WHEN: 100 requests 100 ms apart = 10 s (t = 0 … 9.9 s)
    const r = sim.invokeRepeatedly({ method: 'GET', path: '/items', apiKeyRef: 'Key', at: T0 }, 100, 100);
    // THEN: 10 burst + refill of 5/s over 9.9 s = 49.5 → 59 served
    expect(r.counts['200']).toBe(59);
    expect(r.counts['429']).toBe(41);
  });

  test('per-method throttle in the plan applies to that method only', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(
      planTemplate({
        props: { Throttle: { RateLimit: 100, BurstLimit: 100 } },
        stageThrottle: { '/items/POST': { RateLimit: 1, BurstLimit: 2 } },
      }),
    );
    // WHEN
    const post = sim.invokeRepeatedly({ method: 'POST', path: '/items', apiKeyRef: 'Key', at: T0 }, 5, 0);
    const get = sim.invokeRepeatedly({ method: 'GET', path: '/items', apiKeyRef: 'Key', at: T0 }, 5, 0);
    // THEN
    expect(post.counts).toEqual({ 200: 2, 429: 3 });
    expect(get.counts).toEqual({ 200: 5 });
  });

  test('stage method settings throttle every client of the stage', () => {
    // GIVEN
    const t = miniTemplate({ methods: [{ path: '/free', method: 'GET' }] });
    t.Resources.Stage.Properties.MethodSettings = [
      { ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 1, ThrottlingBurstLimit: 3 },
    ];
    const sim = RequestSimulator.fromTemplate(t);
    // WHEN
    const r = sim.invokeRepeatedly({ method: 'GET', path: '/free', at: T0 }, 10, 0);
    // THEN
    expect(r.counts).toEqual({ 200: 3, 429: 7 });
    expect(r.last.reasons.join('\n')).toMatch(/stage prod throttle/);
  });

  test('the account throttle (10,000 rps, burst 5,000) applies to everything', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(miniTemplate({ methods: [{ path: '/free', method: 'GET' }] }));
    // WHEN
    const r = sim.invokeRepeatedly({ method: 'GET', path: '/free', at: T0 }, 5001, 0);
    // THEN
    expect(r.counts).toEqual({ 200: 5000, 429: 1 });
    expect(r.last.reasons.join('\n')).toMatch(/account throttle/);
  });
});

describe('quotas', () => {
  test('DAY quota: 3 per day, resets at 00:00 UTC', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(planTemplate({ props: { Quota: { Limit: 3, Period: 'DAY' } } }));
    const req = { method: 'GET', path: '/items', apiKeyRef: 'Key' };
    // WHEN
    const today = sim.invokeRepeatedly({ ...req, at: T0 }, 5, 1000);
    const lateToday = sim.invokeRepeatedly({ ...req, at: Date.UTC(2026, 0, 5, 23, 59, 59) }, 1, 0);
    const tomorrow = sim.invokeRepeatedly({ ...req, at: Date.UTC(2026, 0, 6, 0, 0, 0) }, 5, 1000);
    // THEN
    expect(today.counts).toEqual({ 200: 3, 429: 2 });
    expect(today.last).toMatchObject({ decidedBy: 'quota', message: 'Limit Exceeded' });
    expect(lateToday.counts).toEqual({ 429: 1 });
    expect(tomorrow.counts).toEqual({ 200: 3, 429: 2 });
  });

  test('MONTH quota counts per UTC calendar month; WEEK starts Sunday [U]', () => {
    // GIVEN
    const month = RequestSimulator.fromTemplate(planTemplate({ props: { Quota: { Limit: 2, Period: 'MONTH' } } }));
    const week = RequestSimulator.fromTemplate(planTemplate({ props: { Quota: { Limit: 2, Period: 'WEEK' } } }));
    const req = { method: 'GET', path: '/items', apiKeyRef: 'Key' };
    // WHEN / THEN
    expect(month.invokeRepeatedly({ ...req, at: Date.UTC(2026, 0, 31, 23) }, 3, 0).counts).toEqual({ 200: 2, 429: 1 });
    expect(month.invokeRepeatedly({ ...req, at: Date.UTC(2026, 1, 1, 0) }, 3, 0).counts).toEqual({ 200: 2, 429: 1 });
    // Saturday 2026-01-10 then Sunday 2026-01-11
    expect(week.invokeRepeatedly({ ...req, at: Date.UTC(2026, 0, 10, 12) }, 3, 0).counts).toEqual({ 200: 2, 429: 1 });
    const sunday = week.invoke({ ...req, at: Date.UTC(2026, 0, 11, 0, 0, 1) });
    expect(sunday.statusCode).toBe(200);
    expect(sunday.reasons.join('\n')).toMatch(/Sunday.*\[U\]/);
  });

  test('offset reduces the first period only [U]', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(
      planTemplate({ props: { Quota: { Limit: 5, Offset: 3, Period: 'DAY' } } }),
    );
    const req = { method: 'GET', path: '/items', apiKeyRef: 'Key' };
    // WHEN / THEN
    expect(sim.invokeRepeatedly({ ...req, at: T0 }, 5, 0).counts).toEqual({ 200: 2, 429: 3 });
    expect(sim.invokeRepeatedly({ ...req, at: T0 + 86_400_000 }, 6, 0).counts).toEqual({ 200: 5, 429: 1 });
  });
});

describe('API keys', () => {
  test('missing, unknown, disabled, and not-in-a-plan keys get 403 Forbidden', () => {
    // GIVEN
    const ok = RequestSimulator.fromTemplate(planTemplate({}, { keyValue: 'k-0123456789abcdefghij' }));
    const disabled = RequestSimulator.fromTemplate(
      planTemplate({}, { keyEnabled: false, keyValue: 'k-0123456789abcdefghij' }),
    );
    const otherStage = RequestSimulator.fromTemplate(
      planTemplate({}, { stageInPlan: 'dev', keyValue: 'k-0123456789abcdefghij' }),
    );
    const req = { method: 'GET', path: '/items' };
    // WHEN / THEN
    expect(ok.invoke(req)).toMatchObject({ statusCode: 403, decidedBy: 'api-key', message: 'Forbidden' });
    expect(ok.invoke({ ...req, apiKey: 'wrong-key-0123456789' })).toMatchObject({
      statusCode: 403,
      decidedBy: 'api-key',
    });
    expect(ok.invoke({ ...req, apiKey: 'k-0123456789abcdefghij' })).toMatchObject({ statusCode: 200, decidedBy: 'ok' });
    expect(ok.invoke({ ...req, apiKeyRef: 'Key' }).statusCode).toBe(200);
    expect(disabled.invoke({ ...req, apiKey: 'k-0123456789abcdefghij' })).toMatchObject({
      statusCode: 403,
      decidedBy: 'api-key',
    });
    expect(otherStage.invoke({ ...req, apiKey: 'k-0123456789abcdefghij' }).reasons.join('\n')).toMatch(
      /no usage plan bound to Api stage prod/,
    );
  });

  test('a method without apiKeyRequired bypasses the plan even when a key is sent', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(planTemplate({ props: { Throttle: { RateLimit: 1, BurstLimit: 1 } } }));
    // WHEN
    const r = sim.invokeRepeatedly({ method: 'GET', path: '/free', apiKeyRef: 'Key', at: T0 }, 5, 0);
    // THEN
    expect(r.counts).toEqual({ 200: 5 });
    expect(r.first.reasons.join('\n')).toMatch(/bypassed/);
  });

  test('fails when apiKeyRef names no key of the template', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(planTemplate({}));
    // WHEN / THEN
    expect(() => sim.invoke({ method: 'GET', path: '/items', apiKeyRef: 'Nope' })).toThrow(
      /unknown apiKeyRef 'Nope'.*Key/,
    );
  });

  test('plan limits are per key and shared across the stages of the plan', () => {
    // GIVEN
    const t = planTemplate({ props: { Throttle: { RateLimit: 1, BurstLimit: 2 } } });
    t.Resources.Stage2 = {
      Type: 'AWS::ApiGateway::Stage',
      Properties: { RestApiId: { Ref: 'Api' }, StageName: 'dev' },
    };
    t.Resources.Plan.Properties.ApiStages.push({ ApiId: { Ref: 'Api' }, Stage: 'dev' });
    t.Resources.Key2 = { Type: 'AWS::ApiGateway::ApiKey', Properties: { Enabled: true } };
    t.Resources.PlanKey2 = {
      Type: 'AWS::ApiGateway::UsagePlanKey',
      Properties: { KeyId: { Ref: 'Key2' }, KeyType: 'API_KEY', UsagePlanId: { Ref: 'Plan' } },
    };
    const sim = RequestSimulator.fromTemplate(t);
    // WHEN
    const prod = sim.invokeRepeatedly({ method: 'GET', path: '/items', stage: 'prod', apiKeyRef: 'Key', at: T0 }, 1, 0);
    const dev = sim.invokeRepeatedly({ method: 'GET', path: '/items', stage: 'dev', apiKeyRef: 'Key', at: T0 }, 2, 0);
    const other = sim.invokeRepeatedly(
      { method: 'GET', path: '/items', stage: 'dev', apiKeyRef: 'Key2', at: T0 },
      2,
      0,
    );
    // THEN
    expect(prod.counts).toEqual({ 200: 1 });
    expect(dev.counts).toEqual({ 200: 1, 429: 1 });
    expect(other.counts).toEqual({ 200: 2 });
  });
});
