import { APIGatewayClient, GetApiKeyCommand, GetApiKeysCommand, GetUsageCommand } from '@aws-sdk/client-api-gateway';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import * as exporter from '../../../src/usage/meter/exporter-handler';

const apigw = mockClient(APIGatewayClient);
const s3 = mockClient(S3Client);
const events = mockClient(EventBridgeClient);

const FREE = { tier: 'free', usagePlanId: 'planFree', quota: { limit: 100, period: 'DAY' } };
const PREMIUM = { tier: 'premium', usagePlanId: 'planPremium' };
const MONTHLY = { tier: 'monthly', usagePlanId: 'planMonthly', quota: { limit: 1000, period: 'MONTH' } };

function awsError(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

function configure(plans: object[], extra: Record<string, string> = {}) {
  process.env.PLANS = JSON.stringify(plans);
  process.env.LEDGER_BUCKET = 'ledger-bucket';
  process.env.WARNING_PERCENT = '80';
  process.env.PER_KEY_METRICS = 'false';
  process.env.METRIC_NAMESPACE = 'ApiGatekeeper/Usage';
  Object.assign(process.env, extra);
}

/** The ledger objects written: key → body. */
function ledgerWrites(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const call of s3.commandCalls(PutObjectCommand)) {
    const input = call.args[0].input;
    if (input.Key!.startsWith('usage/')) out[input.Key!] = input.Body as string;
  }
  return out;
}

let stdout: jest.SpyInstance;
beforeEach(() => {
  apigw.reset();
  s3.reset();
  events.reset();
  exporter.resetClients();
  s3.on(HeadObjectCommand).rejects(awsError('NotFound', 404));
  s3.on(PutObjectCommand).resolves({});
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
  apigw.on(GetApiKeyCommand).resolves({});
  stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => stdout.mockRestore());

describe('exporter handler', () => {
  test('writes one ledger object per plan and day, paging through position, customerId only when the key has one', async () => {
    // GIVEN
    configure([FREE, PREMIUM]);
    apigw.on(GetUsageCommand, { usagePlanId: 'planFree', position: undefined }).resolves({
      items: {
        k1: [
          [1, 99],
          [5, 95],
        ],
      },
      position: 'page2',
    });
    apigw.on(GetUsageCommand, { usagePlanId: 'planFree', position: 'page2' }).resolves({
      items: {
        k2: [
          [0, 100],
          [3, 97],
        ],
      },
    });
    apigw.on(GetUsageCommand, { usagePlanId: 'planPremium' }).resolves({
      items: {
        k3: [
          [10, 0],
          [20, 0],
        ],
      },
    });
    apigw.on(GetApiKeyCommand, { apiKey: 'k1' }).resolves({ id: 'k1', customerId: 'acme' });
    apigw.on(GetApiKeyCommand, { apiKey: 'k2' }).resolves({ id: 'k2' });
    apigw.on(GetApiKeyCommand, { apiKey: 'k3' }).rejects(awsError('NotFoundException', 404));

    // WHEN
    const result = await exporter.handler({ time: '2026-12-01T10:00:00Z' });

    // THEN
    expect(result.dates).toEqual(['2026-11-30', '2026-12-01']);
    expect(result.plans).toEqual([
      { usagePlanId: 'planFree', tier: 'free', keys: 2, requestsToday: 8, written: 2, warnings: 0 },
      { usagePlanId: 'planPremium', tier: 'premium', keys: 1, requestsToday: 20, written: 2, warnings: 0 },
    ]);
    expect(apigw.commandCalls(GetUsageCommand).map((c) => c.args[0].input)).toEqual([
      { usagePlanId: 'planFree', startDate: '2026-11-30', endDate: '2026-12-01', limit: 500, position: undefined },
      { usagePlanId: 'planFree', startDate: '2026-11-30', endDate: '2026-12-01', limit: 500, position: 'page2' },
      { usagePlanId: 'planPremium', startDate: '2026-11-30', endDate: '2026-12-01', limit: 500, position: undefined },
    ]);
    expect(apigw.commandCalls(GetApiKeyCommand).map((c) => c.args[0].input)).toEqual(
      expect.arrayContaining([
        { apiKey: 'k1', includeValue: false },
        { apiKey: 'k2', includeValue: false },
        { apiKey: 'k3', includeValue: false },
      ]),
    );
    expect(ledgerWrites()).toEqual({
      'usage/date=2026-11-30/planFree.jsonl':
        '{"date":"2026-11-30","tier":"free","usagePlanId":"planFree","keyId":"k1","customerId":"acme","used":1,"remaining":99}\n' +
        '{"date":"2026-11-30","tier":"free","usagePlanId":"planFree","keyId":"k2","used":0,"remaining":100}\n',
      'usage/date=2026-12-01/planFree.jsonl':
        '{"date":"2026-12-01","tier":"free","usagePlanId":"planFree","keyId":"k1","customerId":"acme","used":5,"remaining":95}\n' +
        '{"date":"2026-12-01","tier":"free","usagePlanId":"planFree","keyId":"k2","used":3,"remaining":97}\n',
      'usage/date=2026-11-30/planPremium.jsonl':
        '{"date":"2026-11-30","tier":"premium","usagePlanId":"planPremium","keyId":"k3","used":10,"remaining":0}\n',
      'usage/date=2026-12-01/planPremium.jsonl':
        '{"date":"2026-12-01","tier":"premium","usagePlanId":"planPremium","keyId":"k3","used":20,"remaining":0}\n',
    });
    const put = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(put).toMatchObject({ Bucket: 'ledger-bucket', ContentType: 'application/x-ndjson' });
    expect(put.Metadata!['content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  test('with more than 100 keys, customer ids come from one paged GetApiKeys instead of a GetApiKey per key', async () => {
    // GIVEN
    configure([PREMIUM]);
    const items: Record<string, number[][]> = {};
    for (let i = 0; i < 101; i++) {
      items[`key${String(i).padStart(3, '0')}`] = [
        [0, 0],
        [1, 0],
      ];
    }
    apigw.on(GetUsageCommand).resolves({ items });
    apigw.on(GetApiKeysCommand, { position: undefined }).resolves({
      items: [
        { id: 'key000', customerId: 'first' },
        { id: 'other', customerId: 'not ours' },
      ],
      position: 'p2',
    });
    apigw
      .on(GetApiKeysCommand, { position: 'p2' })
      .resolves({ items: [{ id: 'key100', customerId: 'last' }, { id: 'key050' }] });

    // WHEN
    await exporter.handler({ time: '2026-12-01T10:00:00Z' });

    // THEN
    expect(apigw.commandCalls(GetApiKeyCommand)).toHaveLength(0);
    expect(apigw.commandCalls(GetApiKeysCommand).map((c) => c.args[0].input)).toEqual([
      { limit: 500, position: undefined, includeValues: false },
      { limit: 500, position: 'p2', includeValues: false },
    ]);
    const lines = ledgerWrites()
      ['usage/date=2026-12-01/planPremium.jsonl'].trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(101);
    expect(lines[0]).toEqual({
      date: '2026-12-01',
      tier: 'premium',
      usagePlanId: 'planPremium',
      keyId: 'key000',
      customerId: 'first',
      used: 1,
      remaining: 0,
    });
    expect(lines[50]).not.toHaveProperty('customerId');
    expect(lines[100]).toMatchObject({ keyId: 'key100', customerId: 'last' });
    expect(JSON.stringify(lines)).not.toContain('not ours');
  });

  test('a plan with no usage gets an empty ledger object for each day', async () => {
    // GIVEN
    configure([PREMIUM]);
    apigw.on(GetUsageCommand).resolves({ items: {} });

    // WHEN
    await exporter.handler({ time: '2026-12-01T10:00:00Z' });

    // THEN
    expect(ledgerWrites()).toEqual({
      'usage/date=2026-11-30/planPremium.jsonl': '',
      'usage/date=2026-12-01/planPremium.jsonl': '',
    });
  });

  test.each([
    ['2026-12-01T00:00:00.000Z', '2026-11-30', '2026-12-01'],
    ['2026-11-30T23:59:59.999Z', '2026-11-29', '2026-11-30'],
    ['2027-01-01T00:05:00Z', '2026-12-31', '2027-01-01'],
    ['2028-03-01T00:30:00+00:00', '2028-02-29', '2028-03-01'],
    ['2026-12-01T01:30:00+02:00', '2026-11-29', '2026-11-30'],
  ])('at %s exports the UTC days %s and %s', async (time, yesterday, today) => {
    // GIVEN
    configure([PREMIUM]);
    apigw.on(GetUsageCommand).resolves({
      items: {
        k1: [
          [1, 0],
          [2, 0],
        ],
      },
    });

    // WHEN
    const result = await exporter.handler({ time });

    // THEN
    expect(result.dates).toEqual([yesterday, today]);
    expect(apigw.commandCalls(GetUsageCommand)[0].args[0].input).toMatchObject({
      startDate: yesterday,
      endDate: today,
    });
    expect(Object.keys(ledgerWrites()).sort()).toEqual([
      `usage/date=${yesterday}/planPremium.jsonl`,
      `usage/date=${today}/planPremium.jsonl`,
    ]);
    expect(ledgerWrites()[`usage/date=${today}/planPremium.jsonl`]).toContain(`"date":"${today}"`);
  });

  test('without a scheduled time uses the current UTC day', async () => {
    // GIVEN
    configure([PREMIUM]);
    apigw.on(GetUsageCommand).resolves({ items: {} });
    const today = new Date().toISOString().slice(0, 10);

    // WHEN
    const result = await exporter.handler({});

    // THEN
    expect(result.dates[1]).toEqual(today);
  });

  test('a re-run writes byte-identical objects, whatever order GetUsage lists the keys in', async () => {
    // GIVEN
    configure([PREMIUM]);
    apigw.on(GetApiKeyCommand, { apiKey: 'b' }).resolves({ customerId: 'bee' });
    apigw.on(GetUsageCommand).resolvesOnce({
      items: {
        b: [
          [1, 0],
          [2, 0],
        ],
        a: [
          [3, 0],
          [4, 0],
        ],
      },
    });
    apigw.on(GetUsageCommand).resolves({
      items: {
        a: [
          [3, 0],
          [4, 0],
        ],
        b: [
          [1, 0],
          [2, 0],
        ],
      },
    });
    await exporter.handler({ time: '2026-12-01T10:00:00Z' });
    const first = ledgerWrites();
    const firstHashes = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Metadata);
    s3.resetHistory();

    // WHEN
    await exporter.handler({ time: '2026-12-01T11:00:00Z' });

    // THEN
    expect(ledgerWrites()).toEqual(first);
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Metadata)).toEqual(firstHashes);
    expect(first['usage/date=2026-12-01/planPremium.jsonl'].split('\n')[0]).toContain('"keyId":"a"');
  });

  test('a re-run over an unchanged day writes nothing (no new object version)', async () => {
    // GIVEN
    configure([PREMIUM]);
    apigw.on(GetUsageCommand).resolves({
      items: {
        a: [
          [3, 0],
          [4, 0],
        ],
      },
    });
    await exporter.handler({ time: '2026-12-01T10:00:00Z' });
    const stored = new Map(
      s3.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Key, c.args[0].input.Metadata]),
    );
    s3.reset();
    s3.on(HeadObjectCommand).callsFake((input) => ({ Metadata: stored.get(input.Key) }));
    s3.on(PutObjectCommand).resolves({});

    // WHEN
    const result = await exporter.handler({ time: '2026-12-01T11:00:00Z' });

    // THEN
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(2);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(result.plans[0]).toMatchObject({ written: 0 });
  });

  test('a changed day is rewritten; a 403 on HeadObject (no s3:ListBucket) counts as missing', async () => {
    // GIVEN
    configure([PREMIUM]);
    s3.on(HeadObjectCommand).rejects(awsError('Forbidden', 403));
    apigw.on(GetUsageCommand).resolves({
      items: {
        a: [
          [3, 0],
          [4, 0],
        ],
      },
    });

    // WHEN
    const result = await exporter.handler({ time: '2026-12-01T10:00:00Z' });

    // THEN
    expect(result.plans[0]).toMatchObject({ written: 2 });
  });

  test('warns once per key and period: a conditional marker put, then the event', async () => {
    // GIVEN
    configure([FREE]);
    apigw.on(GetApiKeyCommand, { apiKey: 'hot' }).resolves({ customerId: 'acme' });
    apigw.on(GetUsageCommand).resolves({
      items: {
        hot: [
          [10, 90],
          [85, 15],
        ],
        cool: [
          [90, 10],
          [79, 21],
        ],
      },
    });

    // WHEN
    await exporter.handler({ time: '2026-12-01T10:00:00Z' });

    // THEN
    const markers = s3
      .commandCalls(PutObjectCommand)
      .map((c) => c.args[0].input)
      .filter((i) => !i.Key!.startsWith('usage/'));
    expect(markers).toEqual([
      expect.objectContaining({
        Bucket: 'ledger-bucket',
        Key: 'quota-warnings/2026-12-01/planFree/hot',
        IfNoneMatch: '*',
      }),
    ]);
    expect(events.commandCalls(PutEventsCommand).map((c) => c.args[0].input)).toEqual([
      {
        Entries: [
          {
            Source: 'cdk-api-gatekeeper',
            DetailType: 'Quota Warning',
            Detail: JSON.stringify({
              tier: 'free',
              usagePlanId: 'planFree',
              keyId: 'hot',
              customerId: 'acme',
              used: 85,
              limit: 100,
              period: 'DAY',
              percent: 85,
            }),
          },
        ],
      },
    ]);
  });

  test('does not warn again when the period marker exists (a second run, or an overlapping one)', async () => {
    // GIVEN
    configure([FREE]);
    apigw.on(GetUsageCommand).resolves({
      items: {
        hot: [
          [0, 100],
          [95, 5],
        ],
      },
    });
    await exporter.handler({ time: '2026-12-01T10:00:00Z' });
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(1);
    s3.on(PutObjectCommand, { IfNoneMatch: '*' }).rejects(awsError('PreconditionFailed', 412));

    // WHEN
    await exporter.handler({ time: '2026-12-01T11:00:00Z' });
    s3.on(PutObjectCommand, { IfNoneMatch: '*' }).rejects(awsError('ConditionalRequestConflict', 409));
    await exporter.handler({ time: '2026-12-01T12:00:00Z' });

    // THEN
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  test('a monthly quota is warned from the period remaining, with a month marker; keys without customerId omit it', async () => {
    // GIVEN
    configure([MONTHLY], { WARNING_PERCENT: '50' });
    apigw.on(GetUsageCommand).resolves({
      items: {
        k: [
          [100, 550],
          [60, 490],
        ],
      },
    });

    // WHEN
    await exporter.handler({ time: '2026-12-15T10:00:00Z' });

    // THEN
    const marker = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.IfNoneMatch === '*')!;
    expect(marker.args[0].input.Key).toEqual('quota-warnings/2026-12/planMonthly/k');
    const detail = JSON.parse(events.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0].Detail!);
    expect(detail).toEqual({
      tier: 'monthly',
      usagePlanId: 'planMonthly',
      keyId: 'k',
      used: 510,
      limit: 1000,
      period: 'MONTH',
      percent: 51,
    });
  });

  test('a refused event removes its marker and fails the run, so the next run warns again', async () => {
    // GIVEN
    configure([FREE]);
    apigw.on(GetUsageCommand).resolves({
      items: {
        hot: [
          [0, 100],
          [95, 5],
        ],
      },
    });
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    s3.on(DeleteObjectCommand).resolves({});

    // WHEN / THEN
    await expect(exporter.handler({ time: '2026-12-01T10:00:00Z' })).rejects.toThrow(/PutEvents refused/);
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'ledger-bucket', Key: 'quota-warnings/2026-12-01/planFree/hot' },
    ]);
  });

  test('emits Embedded Metric Format lines per tier, and per key only with perKeyMetrics', async () => {
    // GIVEN
    configure([PREMIUM], { PER_KEY_METRICS: 'true' });
    apigw.on(GetUsageCommand).resolves({
      items: {
        a: [
          [1, 0],
          [4, 0],
        ],
        b: [
          [1, 0],
          [6, 0],
        ],
      },
    });

    // WHEN
    await exporter.handler({ time: '2026-12-01T10:00:00Z' });

    // THEN
    const lines = stdout.mock.calls.map((c) => JSON.parse(String(c[0])));
    expect(lines).toEqual([
      {
        _aws: {
          Timestamp: Date.parse('2026-12-01T10:00:00Z'),
          CloudWatchMetrics: [
            {
              Namespace: 'ApiGatekeeper/Usage',
              Dimensions: [['Tier']],
              Metrics: [{ Name: 'Requests', Unit: 'Count' }],
            },
          ],
        },
        Tier: 'premium',
        Requests: 10,
      },
      expect.objectContaining({ Tier: 'premium', ApiKeyId: 'a', Requests: 4 }),
      expect.objectContaining({ Tier: 'premium', ApiKeyId: 'b', Requests: 6 }),
    ]);
    expect(lines[1]._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Tier', 'ApiKeyId']]);
  });

  test('without perKeyMetrics no line carries a key id', async () => {
    // GIVEN
    configure([PREMIUM]);
    apigw.on(GetUsageCommand).resolves({
      items: {
        a: [
          [1, 0],
          [4, 0],
        ],
      },
    });

    // WHEN
    await exporter.handler({ time: '2026-12-01T10:00:00Z' });

    // THEN
    const lines = stdout.mock.calls.map((c) => String(c[0]));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('ApiKeyId');
  });

  test('every client retries throttling itself: adaptive retry mode, 10 attempts', async () => {
    // GIVEN
    exporter.resetClients();

    // WHEN
    const c = exporter.getClients();

    // THEN
    for (const client of [c.apigw, c.s3, c.events]) {
      expect(await client.config.maxAttempts()).toBe(10);
      const strategy = (await client.config.retryStrategy()) as unknown as { mode: string };
      expect(strategy.mode).toBe('adaptive');
    }
    expect(exporter.RETRY).toEqual({ maxAttempts: 10, retryMode: 'adaptive' });
  });

  test('throttling still failing after the retries fails the run, and the other plans are still exported', async () => {
    // GIVEN
    configure([FREE, PREMIUM]);
    apigw.on(GetUsageCommand, { usagePlanId: 'planFree' }).rejects(awsError('TooManyRequestsException', 429));
    apigw.on(GetUsageCommand, { usagePlanId: 'planPremium' }).resolves({
      items: {
        a: [
          [1, 0],
          [2, 0],
        ],
      },
    });

    // WHEN / THEN
    await expect(exporter.handler({ time: '2026-12-01T10:00:00Z' })).rejects.toMatchObject({
      name: 'TooManyRequestsException',
    });
    expect(Object.keys(ledgerWrites()).sort()).toEqual([
      'usage/date=2026-11-30/planPremium.jsonl',
      'usage/date=2026-12-01/planPremium.jsonl',
    ]);
  });

  test('several failing plans are reported together', async () => {
    // GIVEN
    configure([FREE, PREMIUM]);
    apigw.on(GetUsageCommand).rejects(awsError('TooManyRequestsException', 429));

    // WHEN / THEN
    await expect(exporter.handler({ time: '2026-12-01T10:00:00Z' })).rejects.toThrow(
      /exporting 2 plans failed: free \(planFree\): TooManyRequestsException.*premium \(planPremium\): TooManyRequestsException/,
    );
  });

  test('other errors of GetApiKey fail the plan', async () => {
    // GIVEN
    configure([PREMIUM]);
    apigw.on(GetUsageCommand).resolves({
      items: {
        a: [
          [1, 0],
          [2, 0],
        ],
      },
    });
    apigw.on(GetApiKeyCommand).rejects(awsError('AccessDeniedException', 403));

    // WHEN / THEN
    await expect(exporter.handler({ time: '2026-12-01T10:00:00Z' })).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    expect(ledgerWrites()).toEqual({});
  });
});
